/**
 * The bundled announcer on the real local backend (issue "The bundled announcer"): one VIP holder
 * per service seen by the Lease, the kernel, ARP and HTTP alike; takeover after SIGKILL and
 * SIGTERM within the election's bounds, with the client's ARP cache following by gratuitous ARP;
 * misconfigurations reported by Events and conditions without disturbing announced services; and
 * the seed's own manifests producing an announced service.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  type V1Service,
} from '@kubernetes/client-node';
import { StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../../harness/backends/local/local-deployment.js';
import type { AnnouncerEvent } from '../../harness/deployment/announcer-events.js';
import { readLeaseHolder } from '../../harness/deployment/announcing-node.js';
import { applyManifests, parseManifests, readManifestDir } from '../../harness/manifests/apply-manifests.js';
import { announcementObjects, RUN_LABEL } from '../../harness/manifests/scenario-objects.js';
import { arpAnswers, whoAnswers } from '../../harness/measure/vip-probe.js';
import { repoRoot } from '../../harness/paths.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { type ResolvedScenario, resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { runCommand } from '../../harness/util/run-command.js';

const asRoot = process.getuid?.() === 0;
const LEASE_MS = 4000;
const RETRY_MS = 500;
/** client-go's bound: a dead holder's lease expires, then a candidate's jittered retry takes it. */
const CRASH_LIMIT_MS = LEASE_MS + 1.2 * RETRY_MS + 1000;
/** A released lease is free at once; a candidate's next retry takes it. */
const GRACEFUL_LIMIT_MS = 1.2 * RETRY_MS + 1000;
/** Services with this label get addresses only from the test's own pools, not the scenario's. */
const TEST_POOL_LABEL = 'l2bench.io/e2e-pool';
const POLICY_LABEL = { 'homelab/public-service': 'true' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shortTimerScenario(poolCidr: string): ResolvedScenario {
  const yaml = `name: announcer-l2
nodes: {count: 3}
services: {announced: 10}
pool: {cidr: ${poolCidr}}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}
`;
  return resolveScenario(parseScenario(yaml, 'announcer-l2.test.ts'));
}

/** Third octet of the run's VIP /22 (198.18.{16k+8}.0/22): the test carves /24s out of it. */
function vipOctet(vipCidr: string): number {
  return Number(vipCidr.split('.')[2]);
}

/** Polls `probe` every `intervalMs` until it returns a value, at most `timeoutMs`; else undefined. */
async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(intervalMs);
  }
}

async function leaseExists(kc: KubeConfig, namespace: string, name: string): Promise<boolean> {
  try {
    await kc.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace, name });
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}

/** Reasons of the Events recorded against an object (pools' Events live in `default`). */
async function eventReasons(kc: KubeConfig, name: string, namespace = 'default'): Promise<string[]> {
  const list = await kc
    .makeApiClient(CoreV1Api)
    .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => `${e.reason}: ${e.message}`);
}

interface Condition {
  type: string;
  status: string;
  message: string;
}
async function poolConditions(kc: KubeConfig, name: string): Promise<Condition[]> {
  const pool = (await kc.makeApiClient(CustomObjectsApi).getClusterCustomObject({
    group: 'cilium.io',
    version: 'v2alpha1',
    plural: 'ciliumloadbalancerippools',
    name,
  })) as { status?: { conditions?: Condition[] } };
  return pool.status?.conditions ?? [];
}

async function ingressOf(kc: KubeConfig, name: string, namespace = 'default'): Promise<string[]> {
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedService({ name, namespace });
  return (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
}

/** Which nodes' kernels carry each address as a /32 on eth0. */
async function boundOn(cluster: StartedLocalCluster): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const n of cluster.nodes) {
    const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    for (const m of r.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\/32/g))
      out.set(m[1]!, [...(out.get(m[1]!) ?? []), n.name]);
  }
  return out;
}

interface VipState {
  vip: string;
  lease: string;
  holder: string | null;
  bound: string[];
  http: string | null;
}
async function observe(d: LocalDeployment, kc: KubeConfig): Promise<VipState[]> {
  const services = d.services.filter((s) => s.vip);
  const vips = services.map((s) => s.vip!);
  const [bound, http, holders] = await Promise.all([
    boundOn(d.cluster),
    whoAnswers(d.cluster.network.client.netns, vips),
    Promise.all(services.map((s) => readLeaseHolder(kc, s.leaseNamespace, s.leaseName!))),
  ]);
  return services.map((s, i) => ({
    vip: s.vip!,
    lease: s.leaseName!,
    holder: holders[i]!.holder,
    bound: bound.get(s.vip!) ?? [],
    http: http.get(s.vip!) ?? null,
  }));
}
const steady = (states: VipState[]) =>
  states.every((s) => s.holder && s.bound.length === 1 && s.bound[0] === s.holder && s.http === s.holder);

/** First `bind` of each VIP by a node other than `from`, at or after `sinceMs`. */
function bindsElsewhere(
  d: LocalDeployment,
  vips: string[],
  from: string,
  sinceMs: number,
): Map<string, AnnouncerEvent> {
  const out = new Map<string, AnnouncerEvent>();
  for (const e of d.events.since(sinceMs))
    if (e.event === 'bind' && e.vip && vips.includes(e.vip) && e.node !== from && !out.has(e.vip))
      out.set(e.vip, e);
  return out;
}

/**
 * Watches the client's neighbour table (no traffic: reading it sends nothing) and records, per
 * VIP, the first time its MAC differs from `oldMac`. Bounded by `deadlineMs` (one read per 50 ms).
 */
async function watchNeighbours(netns: string, vips: string[], oldMac: string, deadlineMs: number) {
  const seen = new Map<string, { mac: string; tMs: number }>();
  while (Date.now() < deadlineMs && seen.size < vips.length) {
    const r = await runCommand('ip', ['-n', netns, '-j', 'neigh', 'show', 'dev', 'eth0'], {
      allowFailure: true,
    });
    const tMs = Date.now();
    for (const e of JSON.parse(r.stdout || '[]') as { dst: string; lladdr?: string }[])
      if (vips.includes(e.dst) && e.lladdr && e.lladdr !== oldMac && !seen.has(e.dst))
        seen.set(e.dst, { mac: e.lladdr, tMs });
    await sleep(50);
  }
  return seen;
}

async function neighbours(netns: string): Promise<Map<string, string>> {
  const r = await runCommand('ip', ['-n', netns, '-j', 'neigh', 'show', 'dev', 'eth0']);
  const entries = JSON.parse(r.stdout || '[]') as { dst: string; lladdr?: string }[];
  return new Map(entries.flatMap((e) => (e.lladdr ? [[e.dst, e.lladdr] as const] : [])));
}

/** Restarts node i's agent after it exited and waits until its caches are synced again. */
async function restartAgent(d: LocalDeployment, i: number): Promise<void> {
  await d.agents.get(i)?.waitForExit();
  const t0 = Date.now();
  await d.startAgent(i);
  const name = d.cluster.nodes[i]!.name;
  const ready = await until(
    () => d.events.since(t0).find((e) => e.event === 'ready' && e.node === name),
    20_000,
  );
  assert.ok(ready, `restarted agent on ${name} not ready after 20000ms`);
}

function service(
  name: string,
  type: 'LoadBalancer' | 'ClusterIP',
  labels: Record<string, string>,
  runId: string,
) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { ...labels, [RUN_LABEL]: runId } },
    spec: {
      type,
      selector: { app: 'l2bench-echo' },
      ports: [{ name: 'http-port', port: 80, targetPort: 8080 }],
    },
  } satisfies V1Service;
}

function pool(name: string, spec: Record<string, unknown>, runId: string): KubernetesObject {
  return {
    apiVersion: 'cilium.io/v2alpha1',
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name, labels: { [RUN_LABEL]: runId } },
    spec,
  } as KubernetesObject;
}

const busiest = (states: VipState[]) => {
  const count = new Map<string, number>();
  for (const s of states) if (s.holder) count.set(s.holder, (count.get(s.holder) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]![0];
};

describe('the bundled announcer on 3 node namespaces with 10 announced services', {
  skip: !asRoot && 'needs root',
}, () => {
  // One cluster for the cases below; disposed in `after` even when a case failed.
  const stack = new AsyncDisposableStack();
  let cluster: StartedLocalCluster;
  let d: LocalDeployment;
  let kc: KubeConfig;
  let octet = 0;

  before(async () => {
    try {
      cluster = stack.use(
        await StartedLocalCluster.start({ nodes: 3, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
      );
      kc = cluster.kubeConfig();
      octet = vipOctet(cluster.plan.vipCidr);
      const scenario = shortTimerScenario(`198.18.${octet}.0/24`);
      d = stack.use(new LocalDeployment(cluster, scenario));
      await d.prepare();
      // The scenario's pool leaves services with TEST_POOL_LABEL to the test's own pools.
      const [scenarioPool] = announcementObjects(scenario, cluster.plan.vipCidr, cluster.runId) as [
        KubernetesObject & { spec: Record<string, unknown> },
      ];
      scenarioPool.spec.serviceSelector = {
        matchExpressions: [{ key: TEST_POOL_LABEL, operator: 'DoesNotExist' }],
      };
      await applyManifests(kc, [scenarioPool]);
      await d.createServices();
      await d.startAllAgents();
      await d.waitForAddresses(30_000);
    } catch (err) {
      await stack.disposeAsync();
      throw err;
    }
  });
  after(async () => {
    await using _shared = stack;
  });

  test('at steady state each VIP has one holder, answered by its MAC alone and served by it', async () => {
    const states = await until(async () => {
      const s = await observe(d, kc);
      return steady(s) ? s : undefined;
    }, 20_000);
    const last = states ?? (await observe(d, kc));
    assert.equal(last.length, 10);
    for (const s of last) {
      assert.ok(s.holder, `lease ${s.lease} has a holder`);
      assert.deepEqual(s.bound, [s.holder], `${s.vip} is bound on its holder only`);
      assert.equal(s.http, s.holder, `${s.vip} is served by its holder`);
    }
    const macs = await Promise.all(last.map((s) => arpAnswers(cluster.network.client.netns, s.vip)));
    for (const [i, s] of last.entries()) {
      const holderMac = cluster.nodes.find((n) => n.name === s.holder)!.mac;
      assert.deepEqual(
        macs[i],
        [holderMac],
        `ARP for ${s.vip} is answered by ${s.holder} (${holderMac}) only`,
      );
    }
  });

  test('SIGKILL of a holder: its VIPs move within leaseDuration + 1.2 × retryPeriod + 1 s and ARP caches follow', async (t: TestContext) => {
    const initial = await observe(d, kc);
    assert.ok(steady(initial), JSON.stringify(initial));
    const victim = cluster.nodes.find((n) => n.name === busiest(initial))!;
    const moved = initial.filter((s) => s.holder === victim.name).map((s) => s.vip);
    // Traffic from the client now, so it has a neighbour entry for each VIP pointing at the victim.
    const http = await whoAnswers(cluster.network.client.netns, moved);
    for (const v of moved) assert.equal(http.get(v), victim.name);
    const neigh = await neighbours(cluster.network.client.netns);
    for (const v of moved) assert.equal(neigh.get(v), victim.mac, `client caches ${v} → ${victim.mac}`);

    const tKill = Date.now();
    const watching = watchNeighbours(
      cluster.network.client.netns,
      moved,
      victim.mac,
      tKill + CRASH_LIMIT_MS + 4000,
    );
    d.agents.get(victim.index)!.signal('SIGKILL');
    // A crashed node loses its kernel addresses too. Without this the dead agent's namespace would
    // go on answering ARP for its VIPs (a SIGKILLed agent cannot unbind): two answering nodes.
    await d.flushVips(victim);
    const binds = await until<Map<string, AnnouncerEvent>>(() => {
      const b = bindsElsewhere(d, moved, victim.name, tKill);
      return b.size === moved.length ? b : undefined;
    }, CRASH_LIMIT_MS + 3000);
    const seen = await watching;
    assert.ok(binds, `all of ${moved.join(', ')} rebound elsewhere within ${CRASH_LIMIT_MS + 3000}ms`);

    for (const v of moved) {
      const bind: AnnouncerEvent = binds.get(v)!;
      const svc = d.services.find((s) => s.vip === v)!;
      const lease = await readLeaseHolder(kc, svc.leaseNamespace, svc.leaseName!);
      const takeoverMs = bind.tMs - tKill;
      const acquireMs = (lease.acquireTimeMs ?? Number.NaN) - tKill;
      const newMac = cluster.nodes.find((n) => n.name === bind.node)!.mac;
      const arp = seen.get(v);
      t.diagnostic(
        `crash ${v}: ${victim.name} → ${bind.node}, acquire +${acquireMs}ms, bind +${takeoverMs}ms, ` +
          `client ARP cache +${arp ? arp.tMs - bind.tMs : 'never'}ms after bind`,
      );
      assert.equal(lease.holder, bind.node, `lease ${svc.leaseName} held by the node that bound ${v}`);
      assert.ok(
        takeoverMs <= CRASH_LIMIT_MS,
        `${v} rebound ${takeoverMs}ms after the kill (limit ${CRASH_LIMIT_MS}ms)`,
      );
      assert.ok(arp, `client's neighbour entry for ${v} left ${victim.mac}`);
      assert.equal(arp.mac, newMac, `client's neighbour entry for ${v} points at the new holder`);
      assert.ok(
        arp.tMs - bind.tMs <= 1000,
        `ARP cache for ${v} updated ${arp.tMs - bind.tMs}ms after bind (limit 1000ms)`,
      );
    }
    const later = await observe(d, kc);
    for (const s of later.filter((x) => moved.includes(x.vip))) {
      assert.deepEqual(s.bound, [s.holder], `${s.vip} bound once, on its new holder`);
      assert.equal(s.http, s.holder, `${s.vip} served by its new holder`);
    }
    await restartAgent(d, victim.index);
  });

  test('SIGTERM of a holder: it unbinds and releases, its VIPs move within 1.2 × retryPeriod + 1 s', async (t: TestContext) => {
    const initial = await observe(d, kc);
    assert.ok(steady(initial), JSON.stringify(initial));
    const victim = cluster.nodes.find((n) => n.name === busiest(initial))!;
    const moved = initial.filter((s) => s.holder === victim.name).map((s) => s.vip);
    const agent = d.agents.get(victim.index)!;
    const tTerm = Date.now();
    agent.signal('SIGTERM');
    const binds = await until<Map<string, AnnouncerEvent>>(() => {
      const b = bindsElsewhere(d, moved, victim.name, tTerm);
      return b.size === moved.length ? b : undefined;
    }, GRACEFUL_LIMIT_MS + 3000);
    assert.equal(await agent.waitForExit(), 0, 'the agent exits 0 on SIGTERM');
    assert.ok(binds, `all of ${moved.join(', ')} rebound elsewhere within ${GRACEFUL_LIMIT_MS + 3000}ms`);
    for (const v of moved) {
      const bind: AnnouncerEvent = binds.get(v)!;
      const unbind = d.events
        .since(tTerm)
        .find((e) => e.event === 'unbind' && e.vip === v && e.node === victim.name);
      t.diagnostic(
        `graceful ${v}: ${victim.name} → ${bind.node}, unbind +${unbind ? unbind.tMs - tTerm : '?'}ms, bind +${bind.tMs - tTerm}ms`,
      );
      assert.ok(
        bind.tMs - tTerm <= GRACEFUL_LIMIT_MS,
        `${v} rebound ${bind.tMs - tTerm}ms after SIGTERM (limit ${GRACEFUL_LIMIT_MS}ms)`,
      );
      assert.ok(unbind, `${victim.name} logged unbinding ${v}`);
      assert.ok(unbind.tMs <= bind.tMs, `${v} unbound on ${victim.name} before ${bind.node} bound it`);
    }
    const later = await observe(d, kc);
    for (const s of later.filter((x) => moved.includes(x.vip))) {
      assert.deepEqual(s.bound, [s.holder], `${s.vip} bound once, on its new holder`);
      assert.equal(s.http, s.holder);
    }
    await restartAgent(d, victim.index);
  });

  test('misconfigurations get their Event or condition and leave the announced services alone', async () => {
    const initial = await until(async () => {
      const s = await observe(d, kc);
      return steady(s) ? s : undefined;
    }, 10_000);
    assert.ok(initial, 'steady before the bad cases');
    const t0 = Date.now();
    const runId = cluster.runId;
    const scenarioPool = `l2bench-${runId}`;
    const single = `198.18.${octet + 1}.10`;

    // Pools first: a one-address pool, a malformed one, one overlapping the scenario's pool.
    await applyManifests(kc, [
      pool(
        'e2e-single',
        {
          blocks: [{ start: single, stop: single }],
          serviceSelector: { matchLabels: { [TEST_POOL_LABEL]: 'single' } },
        },
        runId,
      ),
      pool('e2e-malformed', { blocks: [{ cidr: `198.18.${octet + 2}.0/33` }] }, runId),
      pool('e2e-overlap', { blocks: [{ cidr: `198.18.${octet}.128/25` }] }, runId),
    ]);
    const conditions = await until(async () => {
      const [s, m, o, p] = await Promise.all(
        ['e2e-single', 'e2e-malformed', 'e2e-overlap', scenarioPool].map((n) => poolConditions(kc, n)),
      );
      return s!.length > 0 && m!.length > 0 && o!.length > 0 ? { s: s!, m: m!, o: o!, p: p! } : undefined;
    }, 10_000);
    assert.ok(conditions, 'the IPAM operator wrote conditions on the new pools');
    const cond = (cs: Condition[], type: string) => cs.find((c) => c.type === type);
    assert.equal(cond(conditions.s, 'cilium.io/IPsTotal')?.message, '1');
    assert.equal(cond(conditions.m, 'l2bench.io/PoolMalformed')?.status, 'True');
    assert.match(cond(conditions.m, 'l2bench.io/PoolMalformed')?.message ?? '', /\/33.*not a CIDR/);
    assert.equal(cond(conditions.o, 'cilium.io/PoolConflict')?.status, 'True');
    assert.match(
      cond(conditions.o, 'cilium.io/PoolConflict')?.message ?? '',
      new RegExp(`overlaps pool ${scenarioPool}`),
    );
    assert.equal(
      cond(conditions.p, 'cilium.io/PoolConflict')?.status,
      'False',
      'the older pool keeps working',
    );
    assert.equal(cond(conditions.p, 'l2bench.io/PoolMalformed')?.status, 'False');

    const core = kc.makeApiClient(CoreV1Api);
    const singlePoolLabels = { ...POLICY_LABEL, [TEST_POOL_LABEL]: 'single' };
    for (const body of [
      service('e2e-unlabelled-lb', 'LoadBalancer', {}, runId),
      service('e2e-labelled-clusterip', 'ClusterIP', POLICY_LABEL, runId),
      service('e2e-single-a', 'LoadBalancer', singlePoolLabels, runId),
      service('e2e-single-b', 'LoadBalancer', singlePoolLabels, runId),
    ])
      await core.createNamespacedService({ namespace: 'default', body });

    // The single address goes to exactly one service; the other is told the pool is exhausted.
    const split = await until(async () => {
      const [a, b] = await Promise.all([ingressOf(kc, 'e2e-single-a'), ingressOf(kc, 'e2e-single-b')]);
      if (a.length + b.length === 0) return undefined;
      const [winner, loser] =
        a.length > 0 ? ['e2e-single-a', 'e2e-single-b'] : ['e2e-single-b', 'e2e-single-a'];
      const loserEvents = await eventReasons(kc, loser);
      return loserEvents.some((e) => e.startsWith('PoolExhausted'))
        ? { winner, loser, a, b, loserEvents }
        : undefined;
    }, 10_000);
    assert.ok(split, 'one of e2e-single-a/b got the address, the other a PoolExhausted Event');
    assert.deepEqual([...split.a, ...split.b], [single], `only ${single} was handed out`);
    assert.deepEqual(await ingressOf(kc, split.loser), []);
    assert.ok(
      (await eventReasons(kc, 'e2e-single')).some((e) => e.startsWith('PoolExhausted')),
      'pool Event',
    );
    // The winner is announced (it has the policy label): the pool's address works end to end.
    const served = await until(async () => {
      const r = await whoAnswers(cluster.network.client.netns, [single]);
      return r.get(single) ?? undefined;
    }, 10_000);
    assert.ok(served, `${single} (${split.winner}) answers`);

    // A LoadBalancer service the policy does not select gets an address, nothing announces it.
    const unlabelled = await until(async () => (await ingressOf(kc, 'e2e-unlabelled-lb'))[0], 10_000);
    assert.ok(unlabelled, 'e2e-unlabelled-lb got an address');
    assert.ok(unlabelled.startsWith(`198.18.${octet}.`), `${unlabelled} comes from the scenario's pool`);
    assert.ok((await eventReasons(kc, 'e2e-unlabelled-lb')).some((e) => e.startsWith('IPAllocated')));
    await sleep(3 * RETRY_MS); // time for a wrong election to show
    const lease = (name: string) => `cilium-l2announce-default-${name}`;
    for (const name of ['e2e-unlabelled-lb', 'e2e-labelled-clusterip', split.loser]) {
      assert.equal(await leaseExists(kc, 'kube-system', lease(name)), false, `no Lease for ${name}`);
      const elected = d.events.since(t0).filter((e) => e.lease === lease(name));
      assert.deepEqual(elected, [], `no agent campaigned for ${name}`);
    }
    assert.equal((await whoAnswers(cluster.network.client.netns, [unlabelled])).get(unlabelled), null);
    assert.deepEqual(
      await arpAnswers(cluster.network.client.netns, unlabelled),
      [],
      `nobody answers ARP for ${unlabelled}`,
    );
    assert.deepEqual(
      await ingressOf(kc, 'e2e-labelled-clusterip'),
      [],
      'a ClusterIP service gets no address',
    );
    assert.deepEqual(
      await eventReasons(kc, 'e2e-labelled-clusterip'),
      [],
      'LB IPAM leaves ClusterIP services alone',
    );
    assert.ok((await eventReasons(kc, 'e2e-malformed')).some((e) => e.startsWith('MalformedPool')));
    assert.ok((await eventReasons(kc, 'e2e-overlap')).some((e) => e.startsWith('AddressConflict')));

    // The ten announced services were not disturbed: same addresses, same holders, no transitions.
    const nowStates = await observe(d, kc);
    for (const s of initial) {
      const n = nowStates.find((x) => x.vip === s.vip);
      assert.ok(n, `${s.vip} still assigned`);
      assert.equal(n.holder, s.holder, `${s.lease} kept its holder`);
      assert.deepEqual(n.bound, [s.holder]);
      assert.equal(n.http, s.holder, `${s.vip} still served by ${s.holder}`);
    }
    for (const s of d.services)
      assert.deepEqual(await ingressOf(kc, s.name), [s.vip], `${s.name} kept its address`);
    const transitions = d.events
      .since(t0)
      .filter(
        (e) => (e.event === 'acquire' || e.event === 'lose') && initial.some((s) => s.lease === e.lease),
      );
    assert.deepEqual(transitions, [], 'no lease of an announced service changed hands');
  });
});

test("the seed's pool, policy and service, applied as they are, give an announced service", {
  skip: !asRoot && 'needs root',
}, async () => {
  // Two workers and a control-plane node, as in the seed's homelab: only workers may announce.
  await using cluster = await StartedLocalCluster.start({
    nodes: 3,
    nodeLabels: (i) => ({ 'homelab/role': i < 2 ? 'worker' : 'control-plane' }),
  });
  const kc = cluster.kubeConfig();
  // Agents, echo servers and RBAC as the local backend deploys them; no scenario pool or policy.
  await using d = new LocalDeployment(cluster, shortTimerScenario(cluster.plan.vipCidr));
  const deployDir = join(repoRoot, 'announcer', 'deploy');
  await applyManifests(kc, [...readManifestDir(join(deployDir, 'crds')), ...readManifestDir(deployDir)]);
  const fixture = join(repoRoot, 'test', 'fixtures', 'seed-manifests.yaml');
  const text = readFileSync(fixture, 'utf8').replaceAll('VIP_CIDR', cluster.plan.vipCidr);
  await applyManifests(kc, parseManifests(text, fixture));
  for (const node of cluster.nodes) await d.startEcho(node);
  await d.startAllAgents();

  const vip = await until(async () => (await ingressOf(kc, 'testsetup-service', 'testsetup'))[0], 20_000);
  assert.ok(vip, 'testsetup-service got an address from cilium-lb-ipam');
  const third = Number(vip.split('.')[2]) - vipOctet(cluster.plan.vipCidr);
  assert.ok(vip.startsWith('198.18.') && third >= 0 && third < 4, `${vip} is in ${cluster.plan.vipCidr}`);
  const leaseName = 'cilium-l2announce-testsetup-testsetup-service';
  const holder = await until(
    async () => (await readLeaseHolder(kc, 'kube-system', leaseName)).holder ?? undefined,
    10_000,
  );
  assert.ok(holder, `${leaseName} has a holder`);
  const holderNode = cluster.nodes.find((n) => n.name === holder);
  assert.equal(holderNode?.labels['homelab/role'], 'worker', `${holder} is a worker`);
  const answer = await until(
    async () => (await whoAnswers(cluster.network.client.netns, [vip])).get(vip) ?? undefined,
    10_000,
  );
  assert.equal(answer, holder, `http://${vip}/ answers from the holder`);
  assert.deepEqual(await arpAnswers(cluster.network.client.netns, vip), [holderNode.mac]);
  const controlPlane = cluster.nodes[2]!.name;
  assert.deepEqual(
    d.events.events.filter((e) => e.node === controlPlane && e.lease === leaseName),
    [],
    'the control-plane node never campaigned (nodeSelector homelab/role: worker)',
  );
});
