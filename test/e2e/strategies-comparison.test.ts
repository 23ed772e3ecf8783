import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { VariantSummary } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;

// N = 20 services on M = 4 nodes, every strategy on one cluster, one short repetition each. No
// idle windows: this test checks request rates against the model (tiny's test covers idle windows).
const SCENARIO = `
name: strategies-e2e
backend: local
coresK: 2
nodes: {count: 4}
services: {announced: 20}
announcer: {leaseDurationMs: 12s, renewDeadlineMs: 8s, retryPeriodMs: 2s}
measurement: {warmupSeconds: 6, windowSeconds: 16, repetitions: 1, idle: false}
sweep:
  announcer.strategy: [per-service, per-service-watch, "sharded:4", node-lease]
`;

/** Lease requests per second of every verb, measured (net of the baseline) and modelled. */
function totals(v: VariantSummary): { measured: number; model: number } {
  return {
    measured: v.requests.reduce((sum, r) => sum + r.measuredPerSecond.median, 0),
    model: v.requests.reduce((sum, r) => sum + (r.modelPerSecond ?? 0), 0),
  };
}

test('strategies on one cluster: watch and node-lease cost far less than per-service, the model holds', {
  skip: !asRoot && 'needs root',
  timeout: 420_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-strategies-'));
  try {
    const file = join(root, 'strategies-e2e.yaml');
    writeFileSync(file, SCENARIO);
    const { summary } = await runScenario({
      scenario: file,
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    assert.equal(summary.complete, true);
    const by = new Map(summary.variants.map((v) => [v.strategy, v]));
    const rate = (s: string) => totals(by.get(s)!);
    for (const v of summary.variants) {
      const t = totals(v);
      process.stderr.write(
        `${v.strategy}: ${t.measured.toFixed(2)} lease requests/s, model ${t.model.toFixed(2)}\n`,
      );
    }
    for (const v of summary.variants) {
      assert.notEqual(v.announceTimeMs, null, `${v.strategy}: every VIP answered`);
      const t = totals(v);
      const error = (t.measured - t.model) / t.model;
      assert.ok(
        Math.abs(error) <= 0.2,
        `${v.strategy}: ${t.measured.toFixed(2)}/s measured vs ${t.model.toFixed(2)}/s model (${(100 * error).toFixed(0)}%)`,
      );
    }
    // Same cluster: the later variants say whose cluster they ran on.
    assert.ok(
      summary.variants
        .slice(1)
        .every((v) => v.notes.some((n) => n.includes('ran on the cluster started for'))),
    );
    const perService = rate('per-service').measured;
    assert.ok(
      rate('per-service-watch').measured * 4 < perService,
      `watch ${rate('per-service-watch').measured} vs ${perService}`,
    );
    assert.ok(
      rate('node-lease').measured * 10 < perService,
      `node-lease ${rate('node-lease').measured} vs ${perService}`,
    );
    assert.ok(
      rate('sharded:4').measured < perService / 2,
      `sharded ${rate('sharded:4').measured} vs ${perService}`,
    );
    assert.ok(rate('node-lease').measured < rate('per-service-watch').measured);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
