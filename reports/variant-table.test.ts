import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInterval } from './format-interval.js';
import { SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';
import { failoverText, requestText, variantTable } from './variant-table.js';

const { summary } = syntheticRun(SMALL_RUN);

test('one row per variant; CPU overhead and % of node printed with their intervals', () => {
  const t = variantTable(summary.variants, summary.coresK);
  assert.equal(t.rows.length, summary.variants.length);
  assert.ok(t.columns.includes(`% of a ${summary.coresK}-core node`));
  for (const [i, v] of summary.variants.entries()) {
    const row = t.rows[i]!;
    assert.equal(
      row[t.columns.indexOf('CPU overhead')],
      formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' }),
    );
    assert.ok(row.every((cell) => !cell.includes('\n')));
  }
});

test('request rates are compared with the model, saying when the model lies inside the interval', () => {
  const inside = requestText({
    verb: 'GET',
    measuredPerSecond: { median: 151, lo: 148, hi: 153, n: 3 },
    modelPerSecond: 150,
    relativeError: 0.0067,
  });
  assert.equal(inside, 'GET 151/s [148, 153], n=3; model 150/s (+0.7%, inside the interval)');
  const outside = requestText({
    verb: 'PUT',
    measuredPerSecond: { median: 60, lo: 58, hi: 62, n: 3 },
    modelPerSecond: 50,
    relativeError: 0.2,
  });
  assert.equal(outside, 'PUT 60/s [58, 62], n=3; model 50.0/s (+20%)');
  assert.equal(
    requestText({
      verb: 'GET',
      measuredPerSecond: { median: 1, lo: 1, hi: 1, n: 1 },
      modelPerSecond: null,
      relativeError: null,
    }),
    'GET 1.00/s, n=1 (no interval); no model',
  );
});

test('failover text carries p50, p95, n, failed trials and dual answering', () => {
  const f = summary.variants.at(-1)!.failover.find((x) => x.fault === 'partition')!;
  const text = failoverText(f);
  assert.ok(text.startsWith(`partition: p50 `));
  assert.ok(text.includes(`(n=${f.outageMs.n})`));
  assert.ok(text.includes(`${f.failedTrials} never recovered`));
  assert.ok(text.includes(`${f.dualAnsweringTrials} with two nodes answering`));
});

test('a peer without our bind events says ARP convergence is not available from it, not a blank', () => {
  const f = summary.variants.at(-1)!.failover.find((x) => x.fault === 'partition')!;
  const none = { ...f, arpConvergenceMs: { ...f.arpConvergenceMs, n: 0, p50: null, values: [] } };
  assert.ok(failoverText(none, 'kube-vip').endsWith('ARP convergence not available from kube-vip'));
  assert.ok(
    !failoverText(none).includes('ARP convergence'),
    'the bundled agent with no binds: nothing to say',
  );
});

test('the overhead against idle agents has its own column, a dash where no idle window ran', () => {
  const idle = { median: 40, lo: 35, hi: 45, n: 3 };
  const [first, ...rest] = summary.variants;
  const variants = [{ ...first!, cpu: { ...first!.cpu, overheadVsIdleMillicores: idle } }, ...rest];
  const t = variantTable(variants, summary.coresK);
  const col = t.columns.indexOf('CPU overhead vs idle agents');
  assert.equal(t.rows[0]?.[col], formatInterval(idle, { unit: 'mCPU' }));
  if (t.rows[1]) assert.equal(t.rows[1][col], '—');
});
