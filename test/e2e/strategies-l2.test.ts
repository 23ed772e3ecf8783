/**
 * Every election strategy on the real local backend (issue 7): 3 node namespaces, 10 announced
 * services, short timers. For each strategy in turn on one cluster: one node answers ARP for each
 * VIP; a SIGKILLed holder's VIPs move within the strategy's documented crash bound; and after a
 * partition longer than leaseDuration heals, no VIP stays bound on two nodes beyond its
 * documented bound. The strategies' own request counts are printed as diagnostics.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  formatStrategy,
  parseStrategy,
  type StrategySpec,
} from '../../announcer/election/election-strategy.js';
import { failoverBoundMs } from '../../announcer/election/strategy-bounds.js';
import { type LocalNode, StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../../harness/backends/local/local-deployment.js';
import { applyManifests } from '../../harness/manifests/apply-manifests.js';
import { announcementObjects } from '../../harness/manifests/scenario-objects.js';
import { arpAnswers } from '../../harness/measure/vip-probe.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { type ResolvedScenario, resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { runCommand } from '../../harness/util/run-command.js';

const asRoot = process.getuid?.() === 0;
const TIMINGS = { leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
/** Request latency, bind, GARP and a loaded 2-core machine. */
const SLACK_MS = 1500;
const STRATEGIES = ['per-service', 'per-service-watch', 'sharded:4', 'node-lease'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function scenario(): ResolvedScenario {
  const yaml = `name: strategies-l2
nodes: {count: 3}
services: {announced: 10}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}
`;
  return resolveScenario(parseScenario(yaml, 'strategies-l2.test.ts'));
}

/** The local deployment with `--strategy` appended to every agent's command line. */
class StrategyDeployment extends LocalDeployment {
  strategy = 'per-service';
  override agentArgs(node: LocalNode): string[] {
    return [...super.agentArgs(node), '--strategy', this.strategy];
  }
}

/** Which nodes' kernels carry each address as a /32 on eth0. */
async function boundOn(cluster: StartedLocalCluster): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  await Promise.all(
    cluster.nodes.map(async (n) => {
      const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      for (const m of r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g))
        out.set(m[1]!, [...(out.get(m[1]!) ?? []), n.name]);
    }),
  );
  return out;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(intervalMs);
  }
}

/** Scrapes one agent's l2announcer_api_requests_total by verb. */
async function agentRequests(cluster: StartedLocalCluster, node: LocalNode): Promise<Record<string, number>> {
  const r = await runCommand(
    'ip',
    ['netns', 'exec', node.netns, 'curl', '-s', '--max-time', '2', 'http://127.0.0.1:9090/metrics'],
    { allowFailure: true, timeoutMs: 4000 },
  );
  void cluster;
  const out: Record<string, number> = {};
  for (const m of r.stdout.matchAll(/^l2announcer_api_requests_total\{verb="(\w+)",code="\d+"\} (\d+)/gm))
    out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

describe('election strategies on 3 node namespaces with 10 announced services', {
  skip: !asRoot && 'needs root',
}, () => {
  const stack = new AsyncDisposableStack();
  let cluster: StartedLocalCluster;
  let d: StrategyDeployment;
  let vips: string[] = [];

  before(async () => {
    try {
      cluster = stack.use(
        await StartedLocalCluster.start({ nodes: 3, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
      );
      const s = scenario();
      d = stack.use(new StrategyDeployment(cluster, s));
      await d.prepare();
      await applyManifests(
        cluster.kubeConfig(),
        announcementObjects(s, cluster.plan.vipCidr, cluster.runId) as KubernetesObject[],
      );
      await d.createServices();
      await d.startAllAgents();
      await d.waitForAddresses(30_000);
      vips = d.services.flatMap((x) => (x.vip ? [x.vip] : []));
      await d.stopAllAgents();
    } catch (err) {
      await stack.disposeAsync();
      throw err;
    }
  });
  after(async () => {
    await using _shared = stack;
  });

  /**
   * Waits until every VIP is bound on exactly one node and that placement held for STABLE_MS;
   * returns VIP → node. Agents start one after another, so node-lease hands services to each
   * node that joins (retryPeriod after it is ready): one node alone carrying everything is a
   * placement on the way, not the steady one.
   */
  async function steady(timeoutMs: number): Promise<Map<string, string>> {
    const STABLE_MS = 4 * TIMINGS.retryPeriodMs;
    let since = 0;
    let key = '';
    const state = await until(async () => {
      const b = await boundOn(cluster);
      if (!vips.every((v) => (b.get(v) ?? []).length === 1)) {
        key = '';
        return undefined;
      }
      const k = vips.map((v) => b.get(v)![0]).join(',');
      if (k !== key) [key, since] = [k, Date.now()];
      return Date.now() - since >= STABLE_MS ? b : undefined;
    }, timeoutMs);
    const last = state ?? (await boundOn(cluster));
    const bad = vips.filter((v) => (last.get(v) ?? []).length !== 1).map((v) => `${v}: ${last.get(v) ?? []}`);
    assert.deepEqual(bad, [], 'every VIP bound on exactly one node');
    return new Map(vips.map((v) => [v, last.get(v)![0]!]));
  }

  const busiest = (holders: Map<string, string>) => {
    const count = new Map<string, number>();
    for (const n of holders.values()) count.set(n, (count.get(n) ?? 0) + 1);
    const name = [...count].sort((a, b) => b[1] - a[1])[0]![0];
    return cluster.nodes.find((n) => n.name === name)!;
  };

  for (const text of STRATEGIES) {
    const spec = parseStrategy(text) as StrategySpec;
    const bounds = failoverBoundMs(spec, TIMINGS);

    test(`${formatStrategy(spec)}: one MAC per VIP, crash failover and partition heal within bounds`, async (t: TestContext) => {
      d.strategy = text;
      await d.startAllAgents();
      const holders = await steady(20_000);
      // ARP: exactly the holder's MAC answers for each VIP.
      const macs = await Promise.all(vips.map((v) => arpAnswers(cluster.network.client.netns, v)));
      for (const [i, v] of vips.entries()) {
        const mac = cluster.nodes.find((n) => n.name === holders.get(v))!.mac;
        assert.deepEqual(macs[i], [mac], `ARP for ${v} answered by ${holders.get(v)} alone`);
      }
      const requestsBefore = await Promise.all(cluster.nodes.map((n) => agentRequests(cluster, n)));
      const windowStart = Date.now();
      await sleep(5000);
      const requestsAfter = await Promise.all(cluster.nodes.map((n) => agentRequests(cluster, n)));
      const seconds = (Date.now() - windowStart) / 1000;
      const rates: Record<string, number> = {};
      for (const [i, a] of requestsAfter.entries())
        for (const [verb, n] of Object.entries(a))
          rates[verb] = (rates[verb] ?? 0) + (n - (requestsBefore[i]![verb] ?? 0)) / seconds;
      t.diagnostic(
        `${text}: lease requests/s ${JSON.stringify(Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, +v.toFixed(2)])))}`,
      );

      // Crash: SIGKILL the busiest node's agent and drop its VIPs, as a dead node would.
      const victim = busiest(holders);
      const moved = vips.filter((v) => holders.get(v) === victim.name);
      const tKill = Date.now();
      d.agents.get(victim.index)!.signal('SIGKILL');
      await d.flushVips(victim);
      const limitMs = bounds.crashMs + SLACK_MS;
      const rebound = await until(async () => {
        const b = await boundOn(cluster);
        return moved.every((v) => (b.get(v) ?? []).some((n) => n !== victim.name))
          ? Date.now() - tKill
          : undefined;
      }, limitMs + 3000);
      t.diagnostic(
        `${text}: crash of ${victim.name} (${moved.length} VIPs): all rebound after ${rebound}ms (bound ${bounds.crashMs}+${SLACK_MS})`,
      );
      assert.ok(
        rebound !== undefined && rebound <= limitMs,
        `rebound after ${rebound}ms, limit ${limitMs}ms`,
      );
      await d.agents.get(victim.index)!.waitForExit();
      await d.startAgent(victim.index);
      const afterCrash = await steady(20_000);

      // Partition: the busiest node's link down for leaseDuration + 2 s, then up again.
      const cut = busiest(afterCrash);
      const cutVips = vips.filter((v) => afterCrash.get(v) === cut.name);
      await cluster.network.setLink(cut, false);
      try {
        await sleep(TIMINGS.leaseDurationMs + 2000);
        // By now the cut-off node has given up its VIPs and the others carry them.
        const during = await boundOn(cluster);
        for (const v of cutVips) {
          assert.ok(
            !(during.get(v) ?? []).includes(cut.name),
            `${v} still bound on ${cut.name} during the partition`,
          );
          assert.equal(
            (during.get(v) ?? []).length,
            1,
            `${v} carried by one other node during the partition`,
          );
        }
      } finally {
        await cluster.network.setLink(cut, true);
      }
      const tHeal = Date.now();
      let lastDualMs = -1;
      while (Date.now() - tHeal < 6000) {
        const b = await boundOn(cluster);
        if (vips.some((v) => (b.get(v) ?? []).length > 1)) lastDualMs = Date.now() - tHeal;
        await sleep(100);
      }
      t.diagnostic(
        `${text}: after heal, last sample with a VIP on two nodes: ${lastDualMs < 0 ? 'none' : `+${lastDualMs}ms`}`,
      );
      assert.ok(
        lastDualMs <= bounds.partitionDualMs + SLACK_MS,
        `dual answering until +${lastDualMs}ms after heal (bound ${bounds.partitionDualMs}+${SLACK_MS})`,
      );
      await steady(10_000);
      await d.stopAllAgents();
    });
  }
});
