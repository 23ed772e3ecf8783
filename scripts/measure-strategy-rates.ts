/**
 * Measures each election strategy's lease request rates at the real kube-apiserver of a local
 * cluster and prints them next to the analytic model (issue 7). Needs root.
 *   npx tsx scripts/measure-strategy-rates.ts [--services 50] [--nodes 9] [--window-s 60]
 *     [--lease-ms 30000 --deadline-ms 10000 --retry-ms 4000] [--strategies per-service,node-lease]
 */
import 'disposablestack/auto';
import { parseArgs } from 'node:util';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parseStrategy, type StrategySpec } from '../announcer/election/election-strategy.js';
import { type LocalNode, StartedLocalCluster } from '../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../harness/backends/local/local-deployment.js';
import { applyManifests } from '../harness/manifests/apply-manifests.js';
import { announcementObjects } from '../harness/manifests/scenario-objects.js';
import { leaseRequestModel } from '../harness/measure/analytic-model.js';
import { controlPlaneRates, scrapeControlPlane } from '../harness/measure/control-plane-metrics.js';
import { parseScenario } from '../harness/scenario/scenario-file.js';
import { resolveScenario } from '../harness/scenario/scenario-schema.js';
import { runCommand } from '../harness/util/run-command.js';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '50' },
    nodes: { type: 'string', default: '9' },
    'window-s': { type: 'string', default: '60' },
    'lease-ms': { type: 'string', default: '30000' },
    'deadline-ms': { type: 'string', default: '10000' },
    'retry-ms': { type: 'string', default: '4000' },
    'renew-mode': { type: 'string', default: 'get-then-update' },
    strategies: { type: 'string', default: 'per-service,per-service-watch,sharded:8,node-lease' },
  },
});
const N = Number(values.services);
const M = Number(values.nodes);
const windowS = Number(values['window-s']);
const timings = {
  leaseDurationMs: Number(values['lease-ms']),
  renewDeadlineMs: Number(values['deadline-ms']),
  retryPeriodMs: Number(values['retry-ms']),
};
const renewMode = values['renew-mode'] as 'get-then-update' | 'update-first';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class StrategyDeployment extends LocalDeployment {
  strategy = 'per-service';
  override agentArgs(node: LocalNode): string[] {
    return [...super.agentArgs(node), '--strategy', this.strategy];
  }
}

async function boundCount(cluster: StartedLocalCluster, vips: Set<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const n of cluster.nodes) {
    const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    for (const m of r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g))
      if (vips.has(m[1]!)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
  }
  return out;
}

await using stack = new AsyncDisposableStack();
const cluster = stack.use(
  await StartedLocalCluster.start({ nodes: M, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
);
const yaml = `name: strategy-rates
nodes: {count: ${M}}
services: {announced: ${N}}
announcer: {leaseDurationMs: ${timings.leaseDurationMs}ms, renewDeadlineMs: ${timings.renewDeadlineMs}ms, retryPeriodMs: ${timings.retryPeriodMs}ms, renewMode: ${renewMode}}
`;
const scenario = resolveScenario(parseScenario(yaml, 'measure-strategy-rates'));
const d = stack.use(new StrategyDeployment(cluster, scenario));
await d.prepare();
await applyManifests(
  cluster.kubeConfig(),
  announcementObjects(scenario, cluster.plan.vipCidr, cluster.runId) as KubernetesObject[],
);
await d.createServices();
await d.startAllAgents();
await d.waitForAddresses(60_000);
await d.stopAllAgents();
const vips = new Set(d.services.flatMap((s) => (s.vip ? [s.vip] : [])));
const endpoints = {
  apiserverUrl: cluster.apiServerUrl,
  apiserverTls: cluster.adminTls,
  etcdUrl: cluster.etcdMetricsUrl,
};

const rows: string[] = [];
for (const text of values.strategies.split(',')) {
  const strategy = parseStrategy(text) as StrategySpec;
  d.strategy = text;
  await d.startAllAgents();
  const t0 = Date.now();
  for (;;) {
    const b = await boundCount(cluster, vips);
    if ([...vips].every((v) => b.get(v) === 1)) break;
    if (Date.now() - t0 > 120_000) throw new Error(`${text}: not steady after 120 s`);
    await sleep(500);
  }
  const steadyMs = Date.now() - t0;
  await sleep(Math.max(15_000, timings.leaseDurationMs));
  const before = await scrapeControlPlane(endpoints);
  await sleep(windowS * 1000);
  const after = await scrapeControlPlane(endpoints);
  const rates = controlPlaneRates(before, after);
  const byVerb: Record<string, number> = {};
  for (const r of rates.leaseRequests) byVerb[r.verb] = (byVerb[r.verb] ?? 0) + r.perSecond;
  const model = leaseRequestModel({
    services: N,
    candidateNodes: M,
    ...timings,
    renewMode,
    strategy,
    operatorCandidates: 1, // only node 0 runs --operator
  });
  const measuredTotal = Object.values(byVerb).reduce((a, b) => a + b, 0);
  const modelTotal = model.getPerSecond + model.updatePerSecond + model.watchPerSecond;
  const fmt = (x: number) => x.toFixed(2);
  rows.push(
    `${text.padEnd(18)} steady ${(steadyMs / 1000).toFixed(1)}s  measured ${JSON.stringify(Object.fromEntries(Object.entries(byVerb).map(([k, v]) => [k, +v.toFixed(2)])))} total ${fmt(measuredTotal)}/s` +
      `  model get ${fmt(model.getPerSecond)} put ${fmt(model.updatePerSecond)} watch ${model.watchPerSecond.toFixed(3)} total ${fmt(modelTotal)}/s  error ${(((measuredTotal - modelTotal) / modelTotal) * 100).toFixed(1)}%  etcd writes ${rates.writesPerSecond?.toFixed(1)}/s`,
  );
  process.stdout.write(`${rows.at(-1)}\n`);
  await d.stopAllAgents();
  await sleep(2000);
}
process.stdout.write(
  `\nN=${N} M=${M} LD/RD/RP=${timings.leaseDurationMs}/${timings.renewDeadlineMs}/${timings.retryPeriodMs} ms ${renewMode}, window ${windowS}s\n${rows.join('\n')}\n`,
);
