import type { Chart, RunData } from './chart.js';
import { cpuOverheadSpec } from './cpu-overhead.js';
import { cpuTimeseriesSpec } from './cpu-timeseries.js';
import { etcdAgentsSpec } from './etcd-agents.js';
import { failoverOutageSpec } from './failover-outage.js';
import { leaseRequestsSpec } from './lease-requests.js';
import { tradeoffSpec } from './tradeoff.js';

/** Every chart of a run report, in report order; charts without data come back as `omitted` with the reason. */
export function buildCharts(run: RunData): Chart[] {
  return [
    cpuOverheadSpec(run, 'millicores'),
    cpuOverheadSpec(run, 'pct-of-node'),
    leaseRequestsSpec(run),
    etcdAgentsSpec(run),
    failoverOutageSpec(run),
    tradeoffSpec(run, 'cpu'),
    tradeoffSpec(run, 'requests'),
    cpuTimeseriesSpec(run),
  ];
}
