import type { ProbeResult } from '../measure/k6-probe.js';
import type { TrialRecord } from '../results/results-schema.js';

/** A gap between two ok probes of one VIP longer than this is a silence (20 probes at the default rate). */
export const SILENCE_MS = 1000;

/**
 * The longest time `vip` did not answer after `fromMs`: the longest gap between consecutive ok
 * probes (any node), counted from the last ok probe at or before `fromMs`; a VIP that never answered
 * again is silent to its last probe. 0 when no gap exceeds {@link SILENCE_MS}; null when no ok
 * probe at all was seen. Resolution: one probe interval.
 */
export function longestSilenceMs(probes: readonly ProbeResult[], fromMs: number): number | null {
  const sorted = [...probes].sort((a, b) => a.tMs - b.tMs);
  const ok = sorted.filter((p) => p.ok).map((p) => p.tMs);
  if (ok.length === 0) return null;
  const before = ok.filter((t) => t <= fromMs);
  let last = before[before.length - 1] ?? fromMs;
  let longest = 0;
  for (const t of ok.filter((t) => t > fromMs)) {
    longest = Math.max(longest, t - last);
    last = t;
  }
  const end = sorted[sorted.length - 1]?.tMs ?? last;
  longest = Math.max(longest, end - last);
  return longest > SILENCE_MS ? longest : 0;
}

export type ApiOutageRecord = NonNullable<TrialRecord['apiOutage']>;

/**
 * What a control-plane outage did to the VIPs, from the probes of every VIP: which went silent
 * (a gap in ok probes longer than {@link SILENCE_MS} after the outage began), the longest silence
 * of each, and for each VIP silent when the API server returned, how long after that it answered.
 */
export function analyzeApiOutage(o: {
  probes: readonly ProbeResult[];
  vips: readonly string[];
  faultAtMs: number;
  restoredAtMs: number;
}): ApiOutageRecord {
  const silentMs: number[] = [];
  const answeredAfterRestoreMs: (number | null)[] = [];
  for (const vip of o.vips) {
    const mine = o.probes.filter((p) => p.vip === vip).sort((a, b) => a.tMs - b.tMs);
    const silence = longestSilenceMs(mine, o.faultAtMs);
    if (silence === null || silence > 0) silentMs.push(silence ?? lastMinusFirst(mine));
    const lastOk = mine.filter((p) => p.ok && p.tMs <= o.restoredAtMs).at(-1)?.tMs ?? o.faultAtMs;
    const next = mine.find((p) => p.ok && p.tMs > o.restoredAtMs)?.tMs ?? null;
    // Silent at the return: its last answer lies more than a silence before it.
    if (o.restoredAtMs - lastOk > SILENCE_MS)
      answeredAfterRestoreMs.push(next === null ? null : next - o.restoredAtMs);
  }
  return {
    outageMs: o.restoredAtMs - o.faultAtMs,
    restoredAtMs: o.restoredAtMs,
    vipsProbed: o.vips.length,
    vipsSilent: silentMs.length,
    silentMs,
    answeredAfterRestoreMs,
  };
}

function lastMinusFirst(probes: readonly ProbeResult[]): number {
  return (probes.at(-1)?.tMs ?? 0) - (probes[0]?.tMs ?? 0);
}
