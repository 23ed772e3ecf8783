import { flowControlWindow } from '../measure/apf-metrics.js';
import type { ComponentLeaseWindow } from '../measure/control-plane-leases.js';
import {
  controlPlaneRates,
  type MetricsEndpoints,
  scrapeControlPlane,
} from '../measure/control-plane-metrics.js';
import {
  type CpuReading,
  type CpuSampler,
  millicoresBetween,
  type SampledProcess,
} from '../measure/cpu-sampler.js';
import { sleep } from '../shutdown-signal.js';
import type { WindowPhase, WindowRecord } from './results-schema.js';

export interface WindowSpec {
  variantId: string;
  repetition: number;
  phase: WindowPhase;
  windowSeconds: number;
  processes: SampledProcess[];
  endpoints: MetricsEndpoints;
  sampler: CpuSampler;
  /** The control-plane components' leader election, where the backend runs them. */
  leases?: { window(startMs: number, endMs: number): ComponentLeaseWindow[] };
  signal?: AbortSignal;
}

/**
 * Measures one window: CPU of every watched process from /proc at both edges (exact deltas, not
 * the 1 Hz series), and request/etcd counters from two scrapes of /metrics. The scrapes themselves
 * cost the API server a little; they happen in both baseline and announce windows, so they cancel
 * in the difference.
 */
export async function measureWindow(w: WindowSpec): Promise<WindowRecord | null> {
  w.sampler.watch(w.processes);
  const scrapeBefore = await scrapeControlPlane(w.endpoints);
  const before = w.sampler.sampleNow();
  const startMs = Date.now();
  await sleep(w.windowSeconds * 1000, w.signal);
  if (w.signal?.aborted) return null;
  const after = w.sampler.sampleNow();
  const endMs = Date.now();
  const scrapeAfter = await scrapeControlPlane(w.endpoints);
  const mc = millicoresBetween(before, after);
  const rates = controlPlaneRates(scrapeBefore, scrapeAfter);
  const apiserver = mc['kube-apiserver'] ?? 0;
  const etcd = mc.etcd ?? 0;
  const agents = after.filter((r: CpuReading) => r.role === 'announcer');
  const kcm = mc['kube-controller-manager'];
  const scheduler = mc['kube-scheduler'];
  return {
    type: 'window',
    variantId: w.variantId,
    repetition: w.repetition,
    phase: w.phase,
    startMs,
    endMs,
    cpuMillicores: {
      apiserver,
      etcd,
      controlPlane: apiserver + etcd,
      ...(mc['control-plane'] === undefined ? {} : { controlPlaneContainer: mc['control-plane'] }),
      ...(kcm === undefined ? {} : { controllerManager: kcm }),
      ...(scheduler === undefined ? {} : { scheduler }),
      announcers: mc.announcer ?? 0,
      harness: mc.harness ?? 0,
    },
    leaseRequests: rates.leaseRequests,
    etcd: {
      writesPerSecond: rates.writesPerSecond,
      fsyncsPerSecond: rates.fsyncsPerSecond,
      dbSizeGrowthBytes: rates.dbSizeGrowthBytes,
    },
    announcerRssBytes: agents.length > 0 ? agents.reduce((s, r) => s + r.rssBytes, 0) : null,
    apf: flowControlWindow(scrapeBefore.apiserver, scrapeAfter.apiserver),
    ...(w.leases ? { controlPlaneLeases: w.leases.window(startMs, endMs) } : {}),
  };
}
