import type { TlsIdentity } from '../util/https-get.js';
import { groupSum, type Scrape, scrapeMetrics, sumWhere } from './prom-scrape.js';

/** Where a backend's control-plane metrics are scraped from. */
export interface MetricsEndpoints {
  apiserverUrl: string;
  apiserverTls: TlsIdentity;
  etcdUrl: string;
  etcdTls?: TlsIdentity;
  /**
   * etcd's metrics may be out of reach (an existing cluster whose etcd serves them on its node's
   * loopback only): a failed etcd scrape then yields no etcd figures (null), not a failed run.
   */
  etcdOptional?: boolean;
}

/** Scrapes kube-apiserver and etcd at (nearly) the same moment. */
export async function scrapeControlPlane(ep: MetricsEndpoints): Promise<{ apiserver: Scrape; etcd: Scrape }> {
  const etcdScrape = scrapeMetrics(ep.etcdUrl, ep.etcdTls);
  const [apiserver, etcd] = await Promise.all([
    scrapeMetrics(`${ep.apiserverUrl}/metrics`, ep.apiserverTls),
    ep.etcdOptional ? etcdScrape.catch((): Scrape => ({ tMs: Date.now(), families: new Map() })) : etcdScrape,
  ]);
  return { apiserver, etcd };
}

export interface ControlPlaneRates {
  /** Lease requests per second by verb and code (apiserver_request_total{resource="leases"}). */
  leaseRequests: { verb: string; code: string; perSecond: number }[];
  /** Raft proposals committed per second: every Kubernetes write is one. */
  writesPerSecond: number | null;
  /** WAL fsyncs per second (etcd_disk_wal_fsync_duration_seconds_count). */
  fsyncsPerSecond: number | null;
  /** Growth of the backend DB file over the window (etcd_mvcc_db_total_size_in_bytes). */
  dbSizeGrowthBytes: number | null;
}

/** Rates between two scrapes of the same processes. */
export function controlPlaneRates(
  before: { apiserver: Scrape; etcd: Scrape },
  after: { apiserver: Scrape; etcd: Scrape },
): ControlPlaneRates {
  const apiSeconds = (after.apiserver.tMs - before.apiserver.tMs) / 1000;
  const etcdSeconds = (after.etcd.tMs - before.etcd.tMs) / 1000;
  const b = groupSum(before.apiserver, 'apiserver_request_total', ['verb', 'code'], { resource: 'leases' });
  const a = groupSum(after.apiserver, 'apiserver_request_total', ['verb', 'code'], { resource: 'leases' });
  const leaseRequests = [...a.entries()]
    .map(([key, v]) => {
      const [verb = '', code = ''] = key.split('|');
      return { verb, code, perSecond: (v - (b.get(key) ?? 0)) / apiSeconds };
    })
    .filter((r) => r.perSecond > 0)
    .sort((x, y) => (x.verb + x.code).localeCompare(y.verb + y.code));
  const rate = (name: string) => {
    const x = sumWhere(before.etcd, name);
    const y = sumWhere(after.etcd, name);
    return x === null || y === null ? null : (y - x) / etcdSeconds;
  };
  const dbBefore = sumWhere(before.etcd, 'etcd_mvcc_db_total_size_in_bytes');
  const dbAfter = sumWhere(after.etcd, 'etcd_mvcc_db_total_size_in_bytes');
  return {
    leaseRequests,
    writesPerSecond: rate('etcd_server_proposals_committed_total'),
    fsyncsPerSecond: rate('etcd_disk_wal_fsync_duration_seconds'),
    dbSizeGrowthBytes: dbBefore === null || dbAfter === null ? null : dbAfter - dbBefore,
  };
}
