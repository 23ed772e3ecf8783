import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { bucketsDelta, histogramBuckets, histogramQuantile } from './histogram.js';

const TEXT = `# TYPE w histogram
w_bucket{flow_schema="a",priority_level="leader-election",execute="true",le="0.001"} 90
w_bucket{flow_schema="a",priority_level="leader-election",execute="true",le="0.01"} 99
w_bucket{flow_schema="a",priority_level="leader-election",execute="true",le="+Inf"} 100
w_bucket{flow_schema="b",priority_level="leader-election",execute="true",le="0.001"} 10
w_bucket{flow_schema="b",priority_level="leader-election",execute="true",le="0.01"} 10
w_bucket{flow_schema="b",priority_level="leader-election",execute="true",le="+Inf"} 10
w_bucket{flow_schema="c",priority_level="workload-low",execute="true",le="0.001"} 1
w_bucket{flow_schema="c",priority_level="workload-low",execute="true",le="0.01"} 1
w_bucket{flow_schema="c",priority_level="workload-low",execute="true",le="+Inf"} 1
w_sum{flow_schema="c",priority_level="workload-low",execute="true"} 0.0001
`;

test('buckets sum over the series of each group, read from the text', () => {
  const byLevel = histogramBuckets(TEXT, 'w', ['priority_level']);
  assert.deepEqual(
    [...(byLevel.get('leader-election') ?? [])],
    [
      [0.001, 100],
      [0.01, 109],
      [Number.POSITIVE_INFINITY, 110],
    ],
  );
  assert.equal(byLevel.get('workload-low')?.get(0.01), 1);
  assert.equal(histogramBuckets(TEXT, 'w', ['flow_schema'], { priority_level: 'workload-low' }).size, 1);
});

test('the quantile interpolates inside its bucket, like histogram_quantile', () => {
  const b = new Map([
    [0.001, 90],
    [0.01, 99],
    [Number.POSITIVE_INFINITY, 100],
  ]);
  // rank 50 of 100 lies in the first bucket: 0 + 0.001 × 50/90.
  assert.ok(Math.abs((histogramQuantile(b, 0.5) ?? 0) - 0.001 * (50 / 90)) < 1e-12);
  // rank 99 is the top of the second bucket.
  assert.ok(Math.abs((histogramQuantile(b, 0.99) ?? 0) - 0.01) < 1e-12);
  // rank 99.5 falls in +Inf: the highest finite bound.
  assert.equal(histogramQuantile(b, 0.995), 0.01);
  assert.equal(histogramQuantile(new Map([[1, 0]]), 0.99), null);
});

test('a window quantile comes from the bucket deltas, not the totals since start', () => {
  const before = new Map([
    [0.001, 1000],
    [1, 1000],
    [Number.POSITIVE_INFINITY, 1000],
  ]);
  const after = new Map([
    [0.001, 1000],
    [1, 1010],
    [Number.POSITIVE_INFINITY, 1010],
  ]);
  const d = bucketsDelta(before, after);
  assert.equal(d.get(Number.POSITIVE_INFINITY), 10);
  // Every request of the window waited between 1 ms and 1 s; over the totals the p99 would be ≤ 1 ms.
  assert.ok((histogramQuantile(d, 0.99) ?? 0) > 0.9);
  assert.ok((histogramQuantile(after, 0.5) ?? 1) <= 0.001);
});
