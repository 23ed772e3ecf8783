import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { SampleLine } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;

test('--parallel 2 runs two node shapes on two local clusters at once, and says so', {
  skip: !asRoot && 'needs root',
  timeout: 600_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-par-'));
  try {
    const file = join(root, 'two-shapes.yaml');
    writeFileSync(
      file,
      stringify({
        name: 'two-shapes',
        backend: 'local',
        nodes: { count: 2 },
        services: { announced: 1 },
        announcer: { leaseDurationMs: '4s', renewDeadlineMs: '2s', retryPeriodMs: '0.5s' },
        measurement: { warmupSeconds: 2, windowSeconds: 8, repetitions: 1, idle: false },
        faults: { kinds: ['crash'], trialsPerKind: 1, settleSeconds: 1 },
        probes: { maxDurationSeconds: 30 },
        sweep: { 'nodes.count': [2, 3] },
      }),
    );
    const lines: string[] = [];
    const { dir, summary } = await runScenario({
      scenario: file,
      parallel: 2,
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => {
        lines.push(l);
        process.stderr.write(`${l}\n`);
      },
    });
    assert.equal(summary.complete, true);
    assert.equal(summary.environment.parallelClusters, 2);
    assert.deepEqual(
      summary.variants.map((v) => v.nodes),
      [2, 3],
    );
    for (const v of summary.variants) {
      assert.ok(
        v.notes.some((n) => n.includes('--parallel')),
        `${v.id} notes: ${v.notes.join(' | ')}`,
      );
      assert.ok(
        v.requests.some((r) => r.measuredPerSecond.median > 0),
        `${v.id} measured lease requests`,
      );
      assert.equal(v.failover[0]?.failedTrials, 0, `${v.id} crash trial`);
    }
    // Progress lines carry the cluster they come from, and both clusters were busy at once: the
    // announce windows of the two variants overlap in time.
    assert.ok(lines.some((l) => l.startsWith('c1 ')) && lines.some((l) => l.startsWith('c2 ')));
    const windows = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(1) // the format header
      .map((l) => SampleLine.parse(JSON.parse(l)))
      .flatMap((s) => (s.type === 'phase' ? [s] : []));
    const span = (id: string) => {
      const mine = windows.filter((w) => w.variantId === id);
      return { start: Math.min(...mine.map((w) => w.startMs)), end: Math.max(...mine.map((w) => w.endMs)) };
    };
    const [a, b] = summary.variants.map((v) => span(v.id)) as [
      { start: number; end: number },
      { start: number; end: number },
    ];
    assert.ok(
      a.start < b.end && b.start < a.end,
      `variants ran one after another: ${JSON.stringify([a, b])}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
