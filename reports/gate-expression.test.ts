import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScenarioError } from '../harness/errors.js';
import { crosses, KNOWN_METRICS, parseGate } from './gate-expression.js';
import { msg } from './messages.js';

test('relative, signed-difference and level gates, with units', () => {
  assert.deepEqual(parseGate('cpu.overhead > +20%'), {
    expr: 'cpu.overhead > +20%',
    metric: 'cpu.overhead',
    op: '>',
    mode: 'relative',
    threshold: 20,
  });
  assert.deepEqual(parseGate('requests.get<-10%'), {
    expr: 'requests.get<-10%',
    metric: 'requests.get',
    op: '<',
    mode: 'relative',
    threshold: -10,
  });
  assert.equal(parseGate('failover.crash.p95 > +500ms').mode, 'difference');
  assert.equal(parseGate('failover.crash.p95 > +0.5s').threshold, 500);
  // `crash` reads as node-crash, as in results files; dual answering gates by level.
  assert.equal(parseGate('failover.crash.p95 > +0.5s').metric, 'failover.node-crash.p95');
  const dual = parseGate('failover.agent-crash.dualAnsweringMs > 0');
  assert.deepEqual(
    [dual.metric, dual.mode, dual.threshold],
    ['failover.agent-crash.dualAnsweringMs', 'level', 0],
  );
  assert.equal(parseGate('failover.control-plane-outage.p95 > 2s').threshold, 2000);
  assert.deepEqual(
    [
      parseGate('cpu.overhead >= 150').mode,
      parseGate('cpu.overhead >= 150mCPU').threshold,
      parseGate('requests.update <= 40/s').op,
    ],
    ['level', 150, '<='],
  );
});

test('parse errors are one-line ScenarioErrors quoting the expression', () => {
  const cases: [string, string][] = [
    ['cpu.overheat > +20%', `unknown metric 'cpu.overheat' (known: ${KNOWN_METRICS})`],
    ['failover.meltdown.p95 > 1s', `unknown metric 'failover.meltdown.p95' (known: ${KNOWN_METRICS})`],
    ['cpu.overhead +20%', 'no comparator (one of >, >=, <, <=, ==, !=)'],
    ['cpu.overhead > lots', 'the value must be a number, optionally signed, with % or a unit'],
    ['cpu.overhead > +20s', "unit 's' does not fit cpu.overhead (use %, m, mcpu)"],
  ];
  for (const [expr, problem] of cases) {
    assert.throws(
      () => parseGate(expr),
      (err: unknown) =>
        err instanceof ScenarioError &&
        err.message === msg.gateSyntax(expr, problem) &&
        !err.message.includes('\n'),
      expr,
    );
  }
});

test('comparators', () => {
  assert.deepEqual(
    [
      crosses(21, '>', 20),
      crosses(20, '>', 20),
      crosses(20, '>=', 20),
      crosses(-11, '<', -10),
      crosses(-10, '<=', -10),
    ],
    [true, false, true, true, true],
  );
});

test('absolute gates on the metrics a run reports: % metrics take % as their own unit', () => {
  const level = (expr: string) => {
    const g = parseGate(expr);
    return [g.mode, g.op, g.threshold];
  };
  assert.deepEqual(level('cpu.overhead.pct < 2'), ['level', '<', 2]);
  assert.deepEqual(level('requests.rel_error < 10%'), ['level', '<', 10]);
  assert.deepEqual(level('failover.crash.p95 < 20s'), ['level', '<', 20_000]);
  assert.deepEqual(level('dualAnswering == 0'), ['level', '==', 0]);
  assert.deepEqual(level('etcd.db_growth < 2MiB'), ['level', '<', 2 * 1024 ** 2]);
  assert.deepEqual(level('cpu.overhead.pct > +1%'), ['difference', '>', 1]);
  assert.throws(() => parseGate('dualAnswering == 1s'), /unit 's' does not fit dualAnswering \(use %\)/);
  assert.equal(crosses(0, '==', 0), true);
  assert.equal(crosses(1, '!=', 0), true);
});
