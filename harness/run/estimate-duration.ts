import { calibrationSteps } from '../calibrate/in-run-calibration.js';
import type { FaultKind } from '../results/results-schema.js';
import type { Variant } from '../scenario/expand-variants.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { probeSeconds } from './failover-trial.js';
import { shapeGroups } from './shared-targets.js';

/**
 * The one duration estimate of a run: the ETA `run` prints, `plan`, `run --dry-run` and
 * `scenarios` all call these functions. Constants are seconds seen on this project's runs (2-core
 * host; the phase spans of test/fixtures/results-small, a real tiny run, and
 * bench/plan-accuracy.ts, which measures estimate against reality).
 */
/** CLI start, tool lookup, host preparation, environment capture, the exports at the end. */
const RUN_OVERHEAD_SECONDS = 3;
/** Creating the services once per variant (on top of the first warm-up). */
const PER_VARIANT_SETUP_SECONDS = 2;
/** Agents stopped between baseline and announce windows settle this long (run-variant.ts SETTLE_SECONDS). */
const BASELINE_SETTLE_SECONDS = 3;
/** Starting the agents and waiting for every VIP to answer again, per repetition. */
const AGENT_START_SECONDS = 4;
/** Reading metrics at a window's edges. */
const WINDOW_EDGE_SECONDS = 1;
/** Finding the holder, restoring the node and waiting until every VIP answers again, per trial. */
const TRIAL_OVERHEAD_SECONDS = 0.5;
/** A crash trial stops probing this long after the VIP answers again (failover-trial.ts). */
const CRASH_AFTER_RECOVERY_SECONDS = 5;
/** Good probes before every fault (failover-trial.ts). */
const PRE_FAULT_SECONDS = 2;
/** Reconfiguring a shared cluster for the next variant (agents stopped, leases deleted). */
const RECONFIGURE_SECONDS = 5;

/**
 * Seconds to start one cluster of the scenario's shape on its backend (binaries already built):
 * local starts etcd and kube-apiserver as processes, docker as containers, kind a node container
 * per node with a kubelet each; `cluster` is already running.
 */
export function clusterStartSeconds(s: ResolvedScenario): number {
  const nodes = s.nodes.count + s.nodes.unselected.count;
  switch (s.backend) {
    case 'local':
      // etcd and kube-apiserver ready in about 5 s for 2 nodes (fixture run), namespaces are quick.
      return 4 + 0.5 * nodes;
    case 'docker':
      return 30 + 2 * nodes;
    case 'kind':
      return 90 + 15 * nodes;
    case 'cluster':
      return 10;
  }
}

/**
 * Seconds to bring a faulted node back beyond the common trial overhead. kind: a crashed node is a
 * stopped container; starting it again until its agent pod is Ready took about 17 s in the kind
 * e2e test (140–150 s before the agents reached the API server without kube-proxy).
 */
function restoreSeconds(s: ResolvedScenario, kind: FaultKind): number {
  return s.backend === 'kind' && kind === 'node-crash' ? 20 : 0;
}

/** Estimated seconds of one variant on a ready cluster: setup, windows, warm-ups and trials. */
export function estimateVariantSeconds(v: Variant): number {
  const s = v.scenario;
  const m = s.measurement;
  const perRep =
    (m.baseline ? BASELINE_SETTLE_SECONDS + m.windowSeconds + WINDOW_EDGE_SECONDS : 0) +
    AGENT_START_SECONDS +
    m.warmupSeconds +
    m.windowSeconds +
    WINDOW_EDGE_SECONDS +
    // The idle window (agents running, no service selected): a settle, then a window.
    (m.idle && s.announcer.implementation === 'bundled'
      ? m.warmupSeconds +
        m.windowSeconds +
        WINDOW_EDGE_SECONDS +
        // In-run calibration: a k6 warm-up and a window per rate (local backend only).
        (s.backend === 'local' ? calibrationSteps(m.calibration).length : 0) *
          (m.calibration.warmupSeconds + m.windowSeconds + WINDOW_EDGE_SECONDS)
      : 0);
  // Creating services: the IPAM operator assigns roughly an address a second on a loaded host.
  const services = 0.2 * s.services.announced + 0.05 * (s.services.clusterIP + s.services.unannounced);
  const trials = s.faults.kinds.reduce(
    (sum, kind) =>
      sum +
      s.faults.trialsPerKind *
        (trialProbeSeconds(s, kind) +
          s.faults.settleSeconds +
          TRIAL_OVERHEAD_SECONDS +
          restoreSeconds(s, kind)),
    0,
  );
  return PER_VARIANT_SETUP_SECONDS + services + m.repetitions * perRep + trials;
}

/**
 * How long a trial's probes run: to the bound for most faults; a crash stops once the VIP answers
 * again, on average a lease duration and a retry period after the fault, plus a few seconds.
 */
function trialProbeSeconds(s: ResolvedScenario, kind: FaultKind): number {
  const bound = probeSeconds(s, kind);
  if (kind !== 'node-crash') return bound;
  const takeover = (s.announcer.leaseDurationMs + s.announcer.retryPeriodMs) / 1000;
  return Math.min(bound, PRE_FAULT_SECONDS + takeover + CRASH_AFTER_RECOVERY_SECONDS);
}

/** A run's estimate: per variant (its cluster's start or reconfigure included) and the total. */
export interface RunEstimate {
  /** Seconds per variant id, including starting its cluster (first of a shape) or reconfiguring it. */
  variantSeconds: Map<string, number>;
  /** Clusters the run starts: one per node shape. */
  clusters: number;
  /** Wall-clock seconds with `parallel` clusters at once (the longest worker's share). */
  totalSeconds: number;
}

/**
 * Estimates a whole run: each shape group starts a cluster, then runs its variants one after
 * another on it; with `parallel` > 1 the groups are dealt to workers in order, as the runner does.
 */
export function estimateRun(variants: readonly Variant[], parallel = 1): RunEstimate {
  const groups = shapeGroups(variants);
  const variantSeconds = new Map<string, number>();
  const groupSeconds = groups.map((group) => {
    let sum = 0;
    group.forEach((v, i) => {
      const start = i === 0 ? clusterStartSeconds(v.scenario) : RECONFIGURE_SECONDS;
      const seconds = start + estimateVariantSeconds(v);
      variantSeconds.set(v.id, seconds);
      sum += seconds;
    });
    return sum;
  });
  // The runner's workers take the next group when they finish one: greedy, in group order.
  const workers = new Array<number>(Math.max(1, Math.min(parallel, groups.length || 1))).fill(0);
  for (const seconds of groupSeconds) {
    const k = workers.indexOf(Math.min(...workers));
    workers[k] = (workers[k] ?? 0) + seconds;
  }
  return {
    variantSeconds,
    clusters: groups.length,
    totalSeconds: RUN_OVERHEAD_SECONDS + Math.max(0, ...workers),
  };
}

/** `45s`, `3m05s`, `2h04m`: the way ETAs and plans print durations. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
