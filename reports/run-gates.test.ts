import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EXIT_CODES, ScenarioError } from '../harness/errors.js';
import { repoRoot } from '../harness/paths.js';
import { Summary } from '../harness/results/results-schema.js';
import { KNOWN_METRICS } from './metric-names.js';
import { evaluateRunGates, parseRunGates } from './run-gates.js';

/** A real tiny run: crash p95 4.65 s, 1.59% of a 4-core node, GET 5.3% under the model. */
const fixture = (): Summary =>
  Summary.parse(JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/results-small/summary.json'), 'utf8')));

test('thresholds that hold pass with exit 0', () => {
  const gates = parseRunGates(
    ['cpu.overhead.pct < 2', 'failover.crash.p95 < 20s', 'requests.rel_error < 10%', 'dualAnswering == 0'],
    ['failover.failed > 0'],
  );
  const verdict = evaluateRunGates(fixture(), gates);
  assert.deepEqual(verdict.failures, []);
  assert.deepEqual(
    verdict.gates.map((g) => g.checked),
    [1, 1, 1, 1, 1],
  );
  assert.equal(verdict.exitCode, EXIT_CODES.ok);
});

test('a breached threshold or fail-if names the variant and value, and exits 99', () => {
  const verdict = evaluateRunGates(
    fixture(),
    parseRunGates(['failover.crash.p95 < 4s'], ['cpu.overhead.pct >= 1.5']),
  );
  assert.equal(verdict.exitCode, 99);
  assert.deepEqual(verdict.failures, [
    "threshold 'failover.crash.p95 < 4s': base: failover.node-crash.p95 = 4.65 s",
    "--fail-if 'cpu.overhead.pct >= 1.5': base: cpu.overhead.pct = 1.59%",
  ]);
});

test('a gate on a metric the run lacks fails instead of passing on nothing', () => {
  const verdict = evaluateRunGates(fixture(), parseRunGates(['requests.watch < 1'], []));
  assert.equal(verdict.exitCode, 99);
  assert.match(verdict.failures[0] ?? '', /no variant of this run has requests\.watch/);
});

test('a trial that never recovered fails the run whatever the gates say', () => {
  const s = fixture();
  const crash = s.variants[0]!.failover.find((f) => f.fault === 'node-crash')!;
  crash.failedTrials = 1;
  const verdict = evaluateRunGates(s, []);
  assert.equal(verdict.exitCode, 99);
  assert.deepEqual(verdict.neverRecovered, ['base: 1 of 2 node-crash trials never recovered']);
});

test('unknown metrics are refused with the list; relative limits are sent to compare', () => {
  assert.throws(
    () => parseRunGates(['cpu.overheat < 2'], []),
    (err: unknown) =>
      err instanceof ScenarioError &&
      err.message.startsWith("thresholds 'cpu.overheat < 2': unknown metric 'cpu.overheat'") &&
      err.message.includes(`(known: ${KNOWN_METRICS})`),
  );
  assert.throws(
    () => parseRunGates([], ['cpu.overhead > +20%']),
    /needs a baseline run: use it with `l2bench compare --fail-if`/,
  );
});
