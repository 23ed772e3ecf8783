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
import type { WindowPhase, WindowRecord } from '../results/results-schema.js';
import { sleep } from '../shutdown-signal.js';

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
  /**
   * A terminal's live line: seconds left every second and the lease request rate since the last
   * tick, from a scrape every {@link LIVE_SCRAPE_SECONDS}. Only set on a TTY (see live-status.ts).
   */
  onTick?: (secondsLeft: number, leasePerSecond: number | null) => void;
}

/**
 * Seconds between the live line's extra scrapes. They cost the API server a little, equally in
 * baseline and announce windows (same length), so they cancel in the overhead like the edge scrapes.
 */
export const LIVE_SCRAPE_SECONDS = 10;

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
  if (w.onTick) await tickThroughWindow(w, startMs, scrapeBefore);
  else await sleep(w.windowSeconds * 1000, w.signal);
  if (w.signal?.aborted) return null;
  const after = w.sampler.sampleNow();
  const endMs = Date.now();
  const scrapeAfter = await scrapeControlPlane(w.endpoints);
  const mc = millicoresBetween(before, after);
  const rates = controlPlaneRates(scrapeBefore, scrapeAfter);
  const apiserver = mc['kube-apiserver'] ?? 0;
  const etcd = mc.etcd ?? 0;
  const agents = after.filter((r: CpuReading) => r.role === 'announcer');
  const seconds = (after[0]?.tMs ?? 0) - (before[0]?.tMs ?? 0);
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
    agents: perAgent(before, agents, seconds / 1000),
    apf: flowControlWindow(scrapeBefore.apiserver, scrapeAfter.apiserver),
    ...(w.leases ? { controlPlaneLeases: w.leases.window(startMs, endMs) } : {}),
  };
}

/** Sleeps out the window a second at a time, telling `onTick` what is left and the current lease rate. */
async function tickThroughWindow(
  w: WindowSpec,
  startMs: number,
  first: Awaited<ReturnType<typeof scrapeControlPlane>>,
): Promise<void> {
  const endAt = startMs + w.windowSeconds * 1000;
  let last = first;
  let lastScrapeMs = Date.now();
  let rate: number | null = null;
  while (!w.signal?.aborted) {
    const left = endAt - Date.now();
    w.onTick?.(left / 1000, rate);
    if (left <= 0) break;
    await sleep(Math.min(1000, left), w.signal);
    // No scrape in the window's last seconds: the edge scrape must not wait behind it.
    if (Date.now() - lastScrapeMs >= LIVE_SCRAPE_SECONDS * 1000 && endAt - Date.now() > 2000) {
      const now = await scrapeControlPlane(w.endpoints).catch(() => null);
      if (now) {
        rate = controlPlaneRates(last, now).leaseRequests.reduce((sum, r) => sum + r.perSecond, 0);
        last = now;
      }
      lastScrapeMs = Date.now();
    }
  }
}

/**
 * Each agent's CPU over the window and its larger RSS of the two edges (RSS is VmRSS: `/proc`
 * stat's rss field is the same page count `/proc/<pid>/status` prints as VmRSS). An agent that
 * restarted inside the window (its counter went down) or missed an edge is left out.
 */
function perAgent(
  before: readonly CpuReading[],
  after: readonly CpuReading[],
  seconds: number,
): NonNullable<WindowRecord['agents']> {
  const start = new Map(before.filter((r) => r.role === 'announcer').map((r) => [r.node ?? '', r]));
  return after.flatMap((a) => {
    const b = start.get(a.node ?? '');
    if (!b || seconds <= 0 || a.cpuSeconds < b.cpuSeconds) return [];
    return [
      {
        node: a.node ?? '',
        cpuMillicores: ((a.cpuSeconds - b.cpuSeconds) / seconds) * 1000,
        rssBytes: Math.max(a.rssBytes, b.rssBytes),
      },
    ];
  });
}
