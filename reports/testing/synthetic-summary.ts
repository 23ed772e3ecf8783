import type {
  FaultKind,
  Interval,
  TrialRecord,
  VariantSummary,
  WindowRecord,
} from '../../harness/results/results-schema.js';
import { bootstrapMedian, percentiles } from '../../harness/results/statistics.js';

/** One variant of a synthetic run. */
export interface SyntheticVariant {
  nodes: number;
  services: number;
  /** [leaseDurationMs, renewDeadlineMs, retryPeriodMs]; default 15 s / 5 s / 2 s. */
  lease?: readonly [number, number, number];
  strategy?: string;
  implementation?: string;
  faults?: readonly FaultKind[];
  trialsPerFault?: number;
  /** `all-services` elects a Lease for every service (the seed's bug), `leasedServices` of them. */
  selection?: 'policy' | 'all-services';
  /** Services that hold a Lease (default `services`): what the request model and the CPU follow. */
  leasedServices?: number;
}

function interval(values: readonly number[]): Interval {
  return bootstrapMedian(values);
}

/** The summary.json entry of a synthetic variant, computed the way summarize-variant.ts does. */
export function summarizeSynthetic(
  id: string,
  sv: SyntheticVariant,
  lease: readonly [number, number, number],
  windowSeconds: number,
  repetitions: number,
  windows: readonly WindowRecord[],
  trials: readonly TrialRecord[],
  model: { get: number; update: number },
  coresK: number,
): VariantSummary {
  const of = (phase: 'baseline' | 'announce') => windows.filter((w) => w.phase === phase);
  const paired = (pick: (w: WindowRecord) => number) =>
    of('announce').map((a) => pick(a) - pick(of('baseline').find((b) => b.repetition === a.repetition)!));
  const overhead = paired((w) => w.cpuMillicores.controlPlane);
  // Net of the same repetition's baseline, as summarize-variant.ts does.
  const rate = (verb: string) =>
    paired((w) => w.leaseRequests.filter((r) => r.verb === verb).reduce((s, r) => s + r.perSecond, 0));
  const faults = [...new Set(trials.map((x) => x.fault))];
  return {
    id,
    label: sv.selection
      ? `announced=${sv.services}, selection=${sv.selection}`
      : `${sv.nodes} nodes × ${sv.services} services, lease ${lease.map((x) => x / 1000).join('/')} s`,
    params: sv.selection
      ? { 'services.announced': sv.services, 'announcer.selection': sv.selection }
      : { nodes: sv.nodes, 'services.announced': sv.services, 'announcer.leaseDurationMs': lease[0] },
    nodes: sv.nodes,
    selectedNodes: sv.nodes,
    announcedServices: sv.services,
    implementation: sv.implementation ?? 'l2bench-announcer',
    strategy: sv.strategy ?? 'lease-per-service',
    renewMode: 'get-then-update',
    selection: sv.selection ?? 'all-services',
    leaseDurationMs: lease[0],
    renewDeadlineMs: lease[1],
    retryPeriodMs: lease[2],
    windowSeconds,
    repetitions,
    announceTimeMs: 400 + sv.services * 12,
    cpu: {
      baselineMillicores: interval(of('baseline').map((w) => w.cpuMillicores.controlPlane)),
      announceMillicores: interval(of('announce').map((w) => w.cpuMillicores.controlPlane)),
      controlPlaneOverheadMillicores: interval(overhead),
      apiserverOverheadMillicores: interval(paired((w) => w.cpuMillicores.apiserver)),
      etcdOverheadMillicores: interval(paired((w) => w.cpuMillicores.etcd)),
      controlPlaneOverheadPctOfNode: interval(overhead.map((m) => m / (coresK * 10))),
      announcersMillicores: interval(of('announce').map((w) => w.cpuMillicores.announcers)),
      harnessMillicores: interval(of('announce').map((w) => w.cpuMillicores.harness)),
    },
    requests: (
      [
        ['GET', model.get],
        ['PUT', model.update],
      ] as const
    ).map(([verb, modelPerSecond]) => {
      const measured = interval(rate(verb));
      return {
        verb,
        measuredPerSecond: measured,
        modelPerSecond,
        relativeError: (measured.median - modelPerSecond) / modelPerSecond,
      };
    }),
    etcd: {
      writesPerSecond: interval(of('announce').map((w) => w.etcd.writesPerSecond ?? 0)),
      fsyncsPerSecond: interval(of('announce').map((w) => w.etcd.fsyncsPerSecond ?? 0)),
      dbSizeGrowthBytes: interval(of('announce').map((w) => w.etcd.dbSizeGrowthBytes ?? 0)),
    },
    failover: faults.map((fault) => {
      const ts = trials.filter((x) => x.fault === fault);
      const vals = (pick: (x: TrialRecord) => number | null) =>
        ts.map(pick).filter((v): v is number => v !== null);
      return {
        fault,
        outageMs: percentiles(vals((x) => x.outageMs)),
        takeoverMs: percentiles(vals((x) => x.takeoverMs)),
        arpConvergenceMs: percentiles(vals((x) => x.arpConvergenceMs)),
        dualAnsweringTrials: ts.filter((x) => x.dualAnsweringMs > 0).length,
        failedTrials: ts.filter((x) => x.outageMs === null).length,
      };
    }),
    notes: trials.some((x) => x.outageMs === null)
      ? ['one partition trial never recovered within the probe window']
      : [],
  };
}
