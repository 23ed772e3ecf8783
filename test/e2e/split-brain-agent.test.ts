/**
 * Issue 17, the agent side, on the real local backend (kube-apiserver + etcd, node namespaces,
 * real `ip addr`): the three ways the bundled agent let two nodes carry one VIP, or logged a false
 * warning, and that the fixes close them.
 * 1. Freeze: SIGSTOP the holder past its lease, SIGCONT. With `--step-down renew-deadline`
 *    (client-go's rule) the VIP stays on two nodes for about renewDeadline after the resumed agent
 *    sees the new holder; with `on-observe` it is on at most one node 100 ms after that.
 * 2. Agent crash on a live node: SIGKILL the agent alone (its VIP stays on the interface), restart
 *    it: the stale VIP is gone within 1 s of the new agent's start.
 * 3. SIGTERM: no "timed out" warning when the lease release landed.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { type LocalNode, StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../../harness/backends/local/local-deployment.js';
import { readLeaseHolder } from '../../harness/deployment/announcing-node.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { runCommand } from '../../harness/util/run-command.js';

const asRoot = process.getuid?.() === 0;
const LEASE_MS = 4000;
const DEADLINE_MS = 2000;
const RETRY_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type StepDown = 'on-observe' | 'renew-deadline';

/** The local deployment with `--step-down` chosen by the test (the scenario has no field for it here). */
class StepDownDeployment extends LocalDeployment {
  stepDown: StepDown = 'renew-deadline';
  override agentArgs(node: LocalNode, extra: readonly string[] = []): string[] {
    return [...super.agentArgs(node, extra), '--step-down', this.stepDown];
  }
}

/** One parsed line of an agent's JSON log. */
interface LogLine {
  ts: number;
  event: string;
  node: string;
  msg?: string;
  holder?: string;
  vip?: string;
  reason?: string;
}

/** Node i's agent log lines (the file collects every run of that agent) at or after `sinceMs`. */
function agentLog(cluster: StartedLocalCluster, i: number, sinceMs: number): LogLine[] {
  const text = readFileSync(join(cluster.workDir, 'logs', `announcer-${i}.log`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.ts >= sinceMs);
}

/** Nodes whose kernel carries `vip` on eth0, read in parallel; `atMs` is when the reads began. */
async function carriers(
  cluster: StartedLocalCluster,
  vip: string,
): Promise<{ atMs: number; nodes: string[] }> {
  const atMs = Date.now();
  const found = await Promise.all(
    cluster.nodes.map(async (n) => {
      const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      return r.stdout.includes(` ${vip}/32 `) ? [n.name] : [];
    }),
  );
  return { atMs, nodes: found.flat() };
}

/** Samples `carriers` back to back (~10–20 ms apart) until `untilMs`; bounded by the deadline. */
async function sampleCarriers(cluster: StartedLocalCluster, vip: string, untilMs: number) {
  const samples: Array<{ atMs: number; nodes: string[] }> = [];
  while (Date.now() < untilMs) samples.push(await carriers(cluster, vip));
  return samples;
}

/** Polls until `probe` returns a value or `timeoutMs` passes. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(50);
  }
}

describe('split brain in the bundled agent (issue 17)', { skip: !asRoot && 'needs root' }, () => {
  const stack = new AsyncDisposableStack();
  let cluster: StartedLocalCluster;
  let d: StepDownDeployment;
  let kc: KubeConfig;
  let vip: string;
  let leaseName: string;
  let leaseNamespace: string;

  const holderIndex = async (): Promise<number> => {
    const holder = await until(async () => {
      const h = (await readLeaseHolder(kc, leaseNamespace, leaseName)).holder;
      const c = await carriers(cluster, vip);
      return h && c.nodes.length === 1 && c.nodes[0] === h ? h : undefined;
    }, 15_000);
    assert.ok(holder, `${vip} settles on its lease holder`);
    return cluster.nodes.findIndex((n) => n.name === holder);
  };

  /** Restarts every agent with `mode`; the SIGTERMs double as case 3. */
  const restartAll = async (mode: StepDown, t: TestContext): Promise<void> => {
    const before = (await readLeaseHolder(kc, leaseNamespace, leaseName)).holder;
    const t0 = Date.now();
    await d.stopAllAgents();
    for (const n of cluster.nodes) {
      const lines = agentLog(cluster, n.index, t0);
      const stop = lines.find((l) => l.event === 'stop');
      t.diagnostic(`SIGTERM ${n.name}: ${stop?.msg ?? 'no stop line'} after ${stop ? stop.ts - t0 : '?'}ms`);
      assert.deepEqual(
        lines.filter((l) => l.event === 'warn' && /timed out/.test(l.msg ?? '')).map((l) => l.msg),
        [],
        `${n.name} logged no release timeout`,
      );
      assert.equal(stop?.msg, 'stopped', `${n.name} confirmed its release`);
    }
    // The release landed: the holder's name is gone from the lease. (Without a release it would
    // stay for leaseDuration, longer than the whole shutdown.)
    const afterStop = (await readLeaseHolder(kc, leaseNamespace, leaseName)).holder;
    assert.ok(before && afterStop !== before, `lease held by ${before} before SIGTERM, ${afterStop} after`);
    d.stepDown = mode;
    await d.startAllAgents();
  };

  /**
   * Freezes the holder until the other node has bound the VIP, resumes it, and samples which
   * kernels carry the VIP for renewDeadline + 1 s. Returns null if the freeze caught the holder in
   * the middle of a renewal (its request then times out on resume and it steps down without
   * having observed anyone: not the case under test).
   */
  const freeze = async (t: TestContext) => {
    const h = await holderIndex();
    const holder = cluster.nodes[h]!;
    const agent = d.agents.get(h)!;
    agent.signal('SIGSTOP');
    const tStop = Date.now();
    // The other node takes over once the lease expires: leaseDuration + 2.2 × retryPeriod + slack.
    const both = await until(
      async () => {
        const c = await carriers(cluster, vip);
        return c.nodes.length === 2 ? c : undefined;
      },
      LEASE_MS + 2.2 * RETRY_MS + 5000,
    );
    assert.ok(both, `${vip} bound by a second node while ${holder.name} is frozen`);
    agent.signal('SIGCONT');
    const tCont = Date.now();
    const samples = await sampleCarriers(cluster, vip, tCont + DEADLINE_MS + 1000);
    await sleep(200); // the log file is written through a stream
    const lines = agentLog(cluster, h, tCont);
    const observed = lines.find((l) => l.event === 'leader' && l.holder && l.holder !== holder.name);
    const unbind = lines.find((l) => l.event === 'unbind' && l.vip === vip);
    assert.ok(unbind, `${holder.name} unbound ${vip} after SIGCONT`);
    if (!observed || unbind.ts < observed.ts) return null;
    const lastDual = samples.filter((s) => s.nodes.length > 1).at(-1);
    const single = samples.filter((s) => s.nodes.length === 1);
    const end = samples.at(-1)!;
    t.diagnostic(
      `freeze ${holder.name} ${tCont - tStop}ms: observed other holder +${observed.ts - tCont}ms after SIGCONT, ` +
        `unbind +${unbind.ts - tCont}ms, last dual sample +${lastDual ? lastDual.atMs - tCont : 'none'}ms, ` +
        `${samples.length} samples`,
    );
    assert.equal(end.nodes.length, 1, `${vip} ends on one node`);
    assert.ok(single.length > 0);
    return { tCont, observedMs: observed.ts, unbindMs: unbind.ts, lastDualMs: lastDual?.atMs ?? null };
  };

  before(async () => {
    try {
      // The scenario's policy announces from workers only (the seed's nodeSelector).
      cluster = stack.use(
        await StartedLocalCluster.start({ nodes: 2, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
      );
      kc = cluster.kubeConfig();
      const octet = Number(cluster.plan.vipCidr.split('.')[2]);
      const scenario = resolveScenario(
        parseScenario(
          `name: split-brain-agent
nodes: {count: 2}
services: {announced: 1}
pool: {cidr: 198.18.${octet}.0/24}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}
`,
          'split-brain-agent.test.ts',
        ),
      );
      d = stack.use(new StepDownDeployment(cluster, scenario));
      await d.prepare();
      await d.createServices();
      await d.startAllAgents();
      await d.waitForAddresses(30_000);
      const svc = d.services.find((s) => s.vip)!;
      vip = svc.vip!;
      leaseName = svc.leaseName!;
      leaseNamespace = svc.leaseNamespace;
    } catch (err) {
      await stack.disposeAsync();
      throw err;
    }
  });
  after(async () => {
    await using _ = stack;
  });

  test('freeze, renew-deadline (client-go): two nodes carry the VIP for about renewDeadline after the observation', async (t) => {
    let r = await freeze(t);
    r ??= await freeze(t); // the first freeze landed mid-renewal: once more
    assert.ok(r, 'the resumed holder observed the other holder');
    // client-go's rule keeps the VIP until the round's deadline, which began at most one attempt
    // before the observation: so for close to renewDeadline after it. Half of it is a floor the
    // rule guarantees with room for a slow `ip` on a busy machine; the deadline (+ 0.5 s for the
    // unbind itself) is the ceiling.
    assert.ok(r.lastDualMs !== null, 'the VIP was seen on two nodes after SIGCONT');
    assert.ok(
      r.unbindMs - r.observedMs >= DEADLINE_MS / 2,
      `unbound ${r.unbindMs - r.observedMs}ms after observing the other holder (renewDeadline ${DEADLINE_MS}ms)`,
    );
    assert.ok(r.unbindMs - r.observedMs <= DEADLINE_MS + 500);
  });

  test('freeze, on-observe: the VIP is on at most one node 100 ms after the observation', async (t) => {
    await restartAll('on-observe', t);
    let r = await freeze(t);
    r ??= await freeze(t);
    assert.ok(r, 'the resumed holder observed the other holder');
    // The observation ends leadership in the same turn of the event loop; what remains is one
    // `ip -j addr show` and one `ip addr del` (a few ms each). 100 ms is the bound.
    assert.ok(
      r.unbindMs - r.observedMs <= 100,
      `unbind ${r.unbindMs - r.observedMs}ms after the observation`,
    );
    // The kernel agrees: no sample begun 100 ms after the observation saw the VIP on two nodes.
    assert.ok(
      r.lastDualMs === null || r.lastDualMs <= r.observedMs + 100,
      `last dual sample ${r.lastDualMs === null ? '' : r.lastDualMs - r.observedMs}ms after the observation`,
    );
  });

  test('agent crash: a restarted agent removes the stale VIP within 1 s of its start', async (t) => {
    const h = await holderIndex();
    const holder = cluster.nodes[h]!;
    const agent = d.agents.get(h)!;
    agent.signal('SIGKILL');
    await agent.waitForExit();
    // The kernel keeps the VIP and the other node takes the lease: two carriers.
    const both = await until(
      async () => {
        const c = await carriers(cluster, vip);
        return c.nodes.length === 2 ? c : undefined;
      },
      LEASE_MS + 2.2 * RETRY_MS + 5000,
    );
    assert.ok(both, `${vip} on two nodes after SIGKILL of ${holder.name}'s agent`);
    const tSpawn = Date.now();
    await d.startAgent(h);
    const gone = await until(async () => {
      const c = await carriers(cluster, vip);
      return c.nodes.includes(holder.name) ? undefined : c;
    }, 20_000);
    assert.ok(gone, `${vip} left ${holder.name}`);
    // The log file is written through a stream: give the lines a moment to land.
    const logged = await until(() => {
      const lines = agentLog(cluster, h, tSpawn);
      const start = lines.find((l) => l.event === 'start');
      const unbind = lines.find((l) => l.event === 'unbind' && l.vip === vip);
      return start && unbind ? { start, unbind } : undefined;
    }, 5000);
    assert.ok(logged, 'start and unbind logged');
    const { start, unbind } = logged;
    t.diagnostic(
      `crash: agent start +${start.ts - tSpawn}ms after spawn, stale ${vip} unbound +${unbind.ts - start.ts}ms after start ` +
        `(${unbind.reason}), kernel shows it gone +${gone.atMs - start.ts}ms after start`,
    );
    assert.equal(unbind.reason, 'stale');
    // Removal needs one `ip -j addr show` and one `ip addr del` after the start line, no API
    // round trip: 1 s is the bound, an order of magnitude above what they take.
    assert.ok(unbind.ts - start.ts <= 1000, `stale VIP removed ${unbind.ts - start.ts}ms after start`);
    assert.equal(gone.nodes.length, 1, 'the new holder still carries it');
  });
});
