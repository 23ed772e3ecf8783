import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT_CODES } from '../../harness/errors.js';
import { repoRoot } from '../../harness/paths.js';
import { SampleLine, SamplesHeader } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';
import { loadScenario } from '../../harness/scenario/scenario-file.js';
import { runCommand } from '../../harness/util/run-command.js';
import { finishRun } from '../../reports/finish-run.js';
import { parseRunGates } from '../../reports/run-gates.js';

const asRoot = process.getuid?.() === 0;

test('the tiny scenario runs end to end with sane figures', {
  skip: !asRoot && 'needs root',
  timeout: 600_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-e2e-'));
  try {
    const { dir, summary } = await runScenario({
      scenario: 'tiny',
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    assert.equal(summary.complete, true);
    const v = summary.variants[0]!;
    const lease = v.leaseDurationMs;
    const retry = v.retryPeriodMs;

    // Lease request rates within 20% of the model.
    for (const r of v.requests.filter((x) => x.verb === 'GET' || x.verb === 'PUT')) {
      assert.ok(
        r.relativeError !== null && Math.abs(r.relativeError) <= 0.2,
        `${r.verb}: ${r.measuredPerSecond.median}/s vs model ${r.modelPerSecond} (${r.relativeError})`,
      );
    }
    // The leases cost the control plane something measurable.
    assert.ok(
      v.cpu.controlPlaneOverheadMillicores.median > 0,
      JSON.stringify(v.cpu.controlPlaneOverheadMillicores),
    );

    const byFault = new Map(v.failover.map((f) => [f.fault, f]));
    const crash = byFault.get('node-crash')!;
    assert.equal(crash.failedTrials, 0);
    for (const o of crash.outageMs.values)
      assert.ok(o > 0 && o <= lease + 1.2 * retry + 2000, `crash outage ${o} ms`);
    assert.equal(crash.dualAnsweringTrials, 0, 'no dual answering after a crash');
    const graceful = byFault.get('graceful')!;
    for (const o of graceful.outageMs.values) assert.ok(o < 1.2 * retry + 2000, `graceful outage ${o} ms`);
    for (const kind of ['freeze', 'partition'] as const)
      assert.equal(byFault.get(kind)?.failedTrials, 0, kind);

    // Raw samples are valid JSON Lines of the results schema, written as they were taken.
    const [header, ...lines] = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n');
    SamplesHeader.parse(JSON.parse(header ?? ''));
    for (const l of lines) SampleLine.parse(JSON.parse(l));
    assert.ok(lines.some((l) => l.includes('"type":"cpu"')));

    // What `run` does after the run: tiny's thresholds hold; a --fail-if that holds fails with 99.
    const gates = parseRunGates((await loadScenario('tiny')).thresholds, ['failover.crash.p95 > 0']);
    const verdict = await finishRun(dir, summary, gates);
    assert.deepEqual(
      verdict.gates.map((g) => [g.expr, g.breaches.length]),
      [
        ['requests.rel_error < 20%', 0],
        ['failover.node-crash.p95 < 10s', 0],
        ['failover.crash.p95 > 0', 1],
      ],
    );
    assert.equal(verdict.exitCode, EXIT_CODES.gateFailed);
    assert.equal(JSON.parse(readFileSync(join(dir, 'gates.json'), 'utf8')).exitCode, 99);
    assert.match(
      readFileSync(join(dir, 'metrics.om'), 'utf8'),
      /^l2bench_failover_outage_seconds\{.*fault="node-crash",stat="p95"\} \d/m,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('malformed scenarios are refused before anything starts', {
  skip: !asRoot && 'needs root',
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-bad-'));
  const nsBefore = (await runCommand('ip', ['netns', 'list'])).stdout;
  const cases: [string, RegExp][] = [
    [
      'name: x\nnodes: {count: 2}\nservices: {announced: 1}\nmeasurement: {windwSeconds: 5}\n',
      /unknown field.*windwSeconds/,
    ],
    [
      'name: x\nnodes: {count: 2}\nservices: {announced: 1}\nannouncer: {leaseDurationMs: 15s, renewDeadlineMs: 20s}\n',
      /renewDeadlineMs/,
    ],
    [
      'name: x\nnodes: {count: 2}\nservices: {announced: 1}\nannouncer: {retryPeriodMs: 0}\n',
      /retryPeriodMs/,
    ],
    [
      'name: x\nnodes: {count: 2}\nservices: {announced: 300}\npool: {cidr: 198.18.8.0/24}\n',
      /pool|addresses/,
    ],
    ['name: x\nnodes: {count: 2}\nservices: {announced: 1}\nsweep: {services.announced: []}\n', /sweep/],
    [
      'name: x\nnodes: {count: 2}\nservices: {announced: 1}\nthresholds: ["cpu.overheat < 2"]\n',
      /thresholds 'cpu.overheat < 2': unknown metric 'cpu.overheat' \(known: cpu.overhead, /,
    ],
  ];
  try {
    for (const [i, [text, re]] of cases.entries()) {
      const file = join(dir, `bad-${i}.yaml`);
      writeFileSync(file, text);
      const r = spawnSync(join(repoRoot, 'l2bench'), ['run', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, EXIT_CODES.usage, text);
      const err = r.stderr.trim().split('\n');
      assert.equal(err.length, 1, r.stderr);
      assert.match(err[0]!, re);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // No namespace appeared (other runs on the machine may only have gone away meanwhile).
  const names = (t: string) =>
    t
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter(Boolean);
  const before = new Set(names(nsBefore));
  assert.deepEqual(
    names((await runCommand('ip', ['netns', 'list'])).stdout).filter((n) => !before.has(n)),
    [],
  );
});
