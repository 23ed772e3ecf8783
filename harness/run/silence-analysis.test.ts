import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProbeResult } from '../measure/k6-probe.js';
import { analyzeApiOutage, longestSilenceMs } from './silence-analysis.js';

/** Probes every 100 ms from `fromMs` to `toMs` (exclusive); ok outside the given silent spans. */
function probes(vip: string, fromMs: number, toMs: number, silent: [number, number][] = []): ProbeResult[] {
  const out: ProbeResult[] = [];
  for (let t = fromMs; t < toMs; t += 100) {
    const ok = !silent.some(([a, b]) => t >= a && t < b);
    out.push({ tMs: t, vip, ok, node: ok ? 'n1' : null });
  }
  return out;
}

test('a VIP that kept answering has no silence; a short gap is not one', () => {
  assert.equal(longestSilenceMs(probes('v', 0, 5000), 1000), 0);
  assert.equal(longestSilenceMs(probes('v', 0, 5000, [[2000, 2600]]), 1000), 0);
});

test('the longest gap between answers after the fault, and silence to the end when never back', () => {
  assert.equal(longestSilenceMs(probes('v', 0, 10_000, [[2000, 4000]]), 1000), 2100);
  assert.equal(longestSilenceMs(probes('v', 0, 10_000, [[6000, 99_999]]), 1000), 9900 - 5900);
  assert.equal(longestSilenceMs(probes('v', 0, 1000, [[0, 99_999]]), 0), null);
});

test('an outage: silent VIPs, their silences, and answer time after the API server returned', () => {
  const faultAtMs = 1000;
  const restoredAtMs = 31_000;
  const all = [
    // Dropped 5 s into the outage, answered again 1.5 s after the return.
    ...probes('a', 0, 40_000, [[6000, 32_500]]),
    // Kept answering throughout (onApiOutage: keep).
    ...probes('b', 0, 40_000),
    // Dropped and never came back in the window.
    ...probes('c', 0, 40_000, [[6000, 99_999]]),
  ];
  const r = analyzeApiOutage({ probes: all, vips: ['a', 'b', 'c'], faultAtMs, restoredAtMs });
  assert.equal(r.outageMs, 30_000);
  assert.equal(r.vipsProbed, 3);
  assert.equal(r.vipsSilent, 2);
  assert.deepEqual(r.silentMs, [32_500 - 5900, 39_900 - 5900]);
  assert.deepEqual(r.answeredAfterRestoreMs, [1500, null]);
});
