import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupSum, parseScrape, sumWhere } from './prom-scrape.js';

const TEXT = `# HELP apiserver_request_total Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",resource="leases",verb="GET",group="coordination.k8s.io"} 40
apiserver_request_total{code="200",resource="leases",verb="PUT",group="coordination.k8s.io"} 20
apiserver_request_total{code="409",resource="leases",verb="PUT",group="coordination.k8s.io"} 2
apiserver_request_total{code="200",resource="nodes",verb="GET",group=""} 7
# HELP etcd_disk_wal_fsync_duration_seconds fsync
# TYPE etcd_disk_wal_fsync_duration_seconds histogram
etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 3
etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 9
etcd_disk_wal_fsync_duration_seconds_sum 0.02
etcd_disk_wal_fsync_duration_seconds_count 9
`;

test('lease requests are summed by verb and code, other resources excluded', () => {
  const s = parseScrape(TEXT, 0);
  assert.equal(sumWhere(s, 'apiserver_request_total', { resource: 'leases' }), 62);
  const g = groupSum(s, 'apiserver_request_total', ['verb', 'code'], { resource: 'leases' });
  assert.deepEqual([...g.entries()].sort(), [
    ['GET|200', 40],
    ['PUT|200', 20],
    ['PUT|409', 2],
  ]);
  assert.equal(sumWhere(s, 'no_such_metric'), null);
});

test('histogram count is read from the parsed family', () => {
  const s = parseScrape(TEXT, 0);
  assert.equal(sumWhere(s, 'etcd_disk_wal_fsync_duration_seconds'), 9);
});
