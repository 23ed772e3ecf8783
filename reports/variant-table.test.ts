import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatInterval } from './format-interval.js';
import { SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';
import { dualAnsweringText, failoverText, requestText, variantTable } from './variant-table.js';

const { summary } = syntheticRun(SMALL_RUN);

test('one row per variant; CPU overhead and % of node printed with their intervals', () => {
  const t = variantTable(summary.variants, summary.coresK);
  assert.equal(t.rows.length, summary.variants.length);
  assert.ok(t.columns.includes(`% of a ${summary.coresK}-core node`));
  for (const [i, v] of summary.variants.entries()) {
    const row = t.rows[i]!;
    // Every interval has 3 values: the header says so once, the cells carry median and range.
    assert.equal(
      row[t.columns.indexOf('CPU overhead, median [range of 3 values]')],
      formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU', showN: false }),
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
  assert.equal(inside, 'get 151/s [148, 153], range of 3 values; model 150/s (+0.7%, inside the range)');
  const outside = requestText({
    verb: 'PUT',
    measuredPerSecond: { median: 60, lo: 58, hi: 62, n: 3 },
    modelPerSecond: 50,
    relativeError: 0.2,
  });
  assert.equal(outside, 'update 60/s [58, 62], range of 3 values; model 50.0/s (+20%)');
  assert.equal(
    requestText({
      verb: 'GET',
      measuredPerSecond: { median: 1, lo: 1, hi: 1, n: 1 },
      modelPerSecond: null,
      relativeError: null,
    }),
    'get 1.00/s, n=1 (no interval); no model',
  );
});

test('failover text carries p50, p95, n, failed trials and dual answering', () => {
  const f = summary.variants.at(-1)!.failover.find((x) => x.fault === 'partition')!;
  const text = failoverText(f);
  assert.ok(text.startsWith(`partition: p50 `));
  assert.ok(text.includes(`(n=${f.outageMs.n})`));
  assert.ok(text.includes(`${f.failedTrials} never recovered`));
  assert.ok(f.dualAnsweringTrials > 0, 'the synthetic partition has trials with two answerers');
  assert.ok(text.includes(`two nodes answering in ${f.dualAnsweringTrials}`));
});

test('dual answering says where it was measured, and "never" rather than nothing', () => {
  const f = summary.variants.at(-1)!.failover.find((x) => x.fault === 'partition')!;
  const values = [0, 3000, 7200];
  const wire = {
    ...f,
    dualAnsweringTrials: 2,
    dualAnsweringWireTrials: 3,
    dualAnsweringMs: { n: 3, p50: 3000, p95: 7200, min: 0, max: 7200, values },
  };
  assert.equal(
    dualAnsweringText(wire),
    'two nodes answering in 2 of 3 trials, p50 3.00 s, max 7.20 s (wire)',
  );
  const never = { ...wire, dualAnsweringTrials: 0 };
  assert.equal(dualAnsweringText(never), 'two nodes answering: never (wire)');
  // A summary written before the wire watch: no per-trial figures, probes only.
  const { dualAnsweringMs: _, dualAnsweringWireTrials: __, ...old } = wire;
  assert.equal(dualAnsweringText(old), 'two nodes answering in 2 trials (probes)');
  // kind: no trial could see it (probes reach an echo pod, no wire watch).
  const unseen = {
    ...wire,
    dualAnsweringTrials: 0,
    dualAnsweringWireTrials: 0,
    dualAnsweringMs: { n: 0, p50: null, p95: null, min: null, max: null, values: [] },
  };
  assert.match(dualAnsweringText(unseen), /^two nodes answering: not observed/);
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

test('notes go under the table as numbered footnotes, marked in the variant cell', () => {
  const t = variantTable(summary.variants, summary.coresK);
  assert.ok(!t.columns.includes('notes'));
  const noted = summary.variants.findIndex((v) => v.notes.length > 0);
  assert.ok(noted >= 0, 'SMALL_RUN has a variant with a note');
  assert.ok(t.rows[noted]![0]!.endsWith('[1]'));
  assert.equal(t.footnotes?.[0], `${summary.variants[noted]!.label}: ${summary.variants[noted]!.notes[0]}`);
});

test('the overhead against idle agents has its own column, a dash where no idle window ran', () => {
  const idle = { median: 40, lo: 35, hi: 45, n: 3 };
  const [first, ...rest] = summary.variants;
  const variants = [{ ...first!, cpu: { ...first!.cpu, overheadVsIdleMillicores: idle } }, ...rest];
  const t = variantTable(variants, summary.coresK);
  const col = t.columns.findIndex((c) => c.startsWith('CPU overhead vs idle agents'));
  // Every interval here has 3 values, so the header says what the brackets are, not each cell.
  assert.equal(t.columns[col], 'CPU overhead vs idle agents, median [range of 3 values]');
  assert.equal(t.rows[0]?.[col], formatInterval(idle, { unit: 'mCPU', showN: false }));
  if (t.rows[1]) assert.equal(t.rows[1][col], '—');
});

test('each row says what decides who announces, and MetalLB rows show no Lease timers', () => {
  const v = summary.variants[0]!;
  const row = (over: Partial<typeof v>) => variantTable([{ ...v, ...over }], summary.coresK).rows[0]![2]!;
  assert.match(
    row({ implementation: 'bundled', strategy: 'node-lease' }),
    /node-lease, bundled; decided by node Leases and a hash\)$/,
  );
  assert.match(
    row({ implementation: 'kube-vip services-lease' }),
    /\(kube-vip services-lease; decided by one Lease for all services\)$/,
  );
  assert.equal(
    row({ implementation: 'metallb' }),
    'no Lease (memberlist) (metallb; decided by memberlist and a hash of node and service)',
  );
});
