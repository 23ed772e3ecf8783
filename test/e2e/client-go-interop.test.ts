/**
 * The bundled announcer's election against client-go's own (issue "Real peers side by side"): a
 * Go program running k8s.io/client-go's `leaderelection` (built here from committed source)
 * competes with two bundled agents for one service's Lease. One believed holder at a time, the VIP
 * bound on at most one node, takeovers after a SIGKILL of either side within client-go's bound,
 * and `leaseTransitions` counting each takeover once.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { DeployedService } from '../../harness/backends/bench-target.js';
import { StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../../harness/backends/local/local-deployment.js';
import type { ManagedProcess } from '../../harness/backends/local/managed-process.js';
import { type AnnouncerEvent, parseAnnouncerLine } from '../../harness/deployment/announcer-events.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { worstCaseTakeoverMs } from '../../harness/scenario/takeover-bound.js';
import { runCommand } from '../../harness/util/run-command.js';
import { buildClientGoCandidate } from '../interop/build-client-go-candidate.js';

const asRoot = process.getuid?.() === 0;
const LEASE_MS = 4000;
const RENEW_MS = 2000;
const RETRY_MS = 500;
/** client-go's documented bound (lease runs out, then a jittered retry) plus 1 s for the API and the machine. */
const CRASH_LIMIT_MS = worstCaseTakeoverMs(LEASE_MS, RETRY_MS) + 1000;
/** A released Lease is free at once: one jittered retry period plus the same slack. */
const GRACEFUL_LIMIT_MS = 2.2 * RETRY_MS + 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LeaseState {
  holder: string | null;
  transitions: number;
  acquireTimeMs: number | null;
}
/** The per-service Lease this test contests (per-service strategy: every service has one). */
function leaseNameOf(s: DeployedService): string {
  assert.ok(s.leaseName, `${s.name} has a per-service Lease`);
  return s.leaseName;
}

async function readLease(kc: KubeConfig, s: DeployedService): Promise<LeaseState> {
  const l = await kc
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ namespace: s.leaseNamespace, name: leaseNameOf(s) });
  const at = l.spec?.acquireTime as unknown;
  return {
    holder: l.spec?.holderIdentity || null,
    transitions: l.spec?.leaseTransitions ?? 0,
    acquireTimeMs: at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : null,
  };
}

async function boundNodes(cluster: StartedLocalCluster, vip: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of cluster.nodes) {
    const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', n.ifname]);
    if (r.stdout.includes(`inet ${vip}/32`)) out.push(n.name);
  }
  return out;
}

/** Polls the Lease every 100 ms until `pred` holds, at most `timeoutMs`. */
async function leaseUntil(
  kc: KubeConfig,
  s: DeployedService,
  pred: (l: LeaseState) => boolean,
  timeoutMs: number,
): Promise<LeaseState | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = await readLease(kc, s).catch(() => undefined);
    if (l && pred(l)) return l;
    if (Date.now() >= deadline) return undefined;
    await sleep(100);
  }
}

/**
 * Intervals during which each process believed it held the Lease, from its own acquire/lose lines;
 * a SIGKILLed process's belief ends at the kill (it logs no `lose`).
 */
function beliefIntervals(events: AnnouncerEvent[], lease: string, kills: Map<string, number[]>) {
  const open = new Map<string, number>();
  const out: { node: string; fromMs: number; toMs: number }[] = [];
  const killed = [...kills].flatMap(([node, ts]) => ts.map((tMs) => ({ node, tMs, event: 'lose', lease })));
  const sorted = [...events.filter((e) => e.lease === lease), ...killed].sort((a, b) => a.tMs - b.tMs);
  for (const e of sorted) {
    if (e.event === 'acquire' && !open.has(e.node)) open.set(e.node, e.tMs);
    if (e.event === 'lose' && open.has(e.node)) {
      out.push({ node: e.node, fromMs: open.get(e.node)!, toMs: e.tMs });
      open.delete(e.node);
    }
  }
  for (const [node, fromMs] of open) out.push({ node, fromMs, toMs: Date.now() });
  return out;
}

describe('client-go leaderelection and the bundled announcer share one Lease', {
  skip: !asRoot && 'needs root',
}, () => {
  const stack = new AsyncDisposableStack();
  let cluster: StartedLocalCluster;
  let d: LocalDeployment;
  let kc: KubeConfig;
  let svc: DeployedService;
  let candidatePath: string;
  let candidate: ManagedProcess;
  const candidateEvents: AnnouncerEvent[] = [];
  const kills = new Map<string, number[]>();
  const overlapsSeen: string[] = [];
  let polling = true;
  let poller: Promise<void> = Promise.resolve();
  // Node 2 runs the client-go candidate (identity = its node name); nodes 0 and 1 bundled agents.
  const CANDIDATE = 2;

  const startCandidate = async () => {
    const node = cluster.nodes[CANDIDATE]!;
    candidate = await cluster.startInNamespace(node.netns, {
      name: `client-go-candidate-${node.name}`,
      command: candidatePath,
      args: [
        '--kubeconfig',
        node.kubeconfigPath,
        '--identity',
        node.name,
        '--lease-namespace',
        svc.leaseNamespace,
        '--lease-name',
        leaseNameOf(svc),
        '--lease-duration-ms',
        String(LEASE_MS),
        '--renew-deadline-ms',
        String(RENEW_MS),
        '--retry-period-ms',
        String(RETRY_MS),
      ],
      logFile: join(cluster.workDir, 'logs', 'client-go-candidate.log'),
      onLine: (line) => {
        const e = parseAnnouncerLine(line, node.name);
        if (e) candidateEvents.push(e);
      },
    });
  };
  const kill = (node: string, p: ManagedProcess) => {
    kills.set(node, [...(kills.get(node) ?? []), Date.now()]);
    p.signal('SIGKILL');
  };

  before(async () => {
    try {
      candidatePath = await buildClientGoCandidate();
      cluster = stack.use(
        await StartedLocalCluster.start({ nodes: 3, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
      );
      kc = cluster.kubeConfig();
      const scenario = resolveScenario(
        parseScenario(
          `name: client-go-interop
nodes: {count: 3}
services: {announced: 1}
announcer: {leaseDurationMs: ${LEASE_MS}, renewDeadlineMs: ${RENEW_MS}, retryPeriodMs: ${RETRY_MS}, renewMode: update-first}
`,
          'client-go-interop.test.ts',
        ),
      );
      d = stack.use(new LocalDeployment(cluster, scenario));
      await d.prepare();
      await d.createServices();
      svc = d.services[0]!;
      // The candidate first, so it creates and holds the Lease before any bundled agent campaigns.
      await startCandidate();
      const first = await leaseUntil(kc, svc, (l) => l.holder === cluster.nodes[CANDIDATE]!.name, 10_000);
      assert.ok(first, `client-go candidate holds ${svc.leaseName} within 10000ms`);
      await Promise.all([d.startAgent(0), d.startAgent(1)]);
      await d.waitForAddresses(90_000);
      poller = (async () => {
        while (polling) {
          const bound = await boundNodes(cluster, svc.vip!);
          if (bound.length > 1) overlapsSeen.push(`${new Date().toISOString()} ${svc.vip} on ${bound}`);
          await sleep(100);
        }
      })();
    } catch (err) {
      await stack.disposeAsync();
      throw err;
    }
  });
  after(async () => {
    polling = false;
    await poller;
    await using _shared = stack;
  });

  test('while client-go holds the Lease, bundled agents follow it and bind nothing', async () => {
    await sleep(3 * LEASE_MS);
    const l = await readLease(kc, svc);
    assert.equal(l.holder, cluster.nodes[CANDIDATE]!.name, 'the candidate still holds the Lease');
    assert.deepEqual(await boundNodes(cluster, svc.vip!), [], 'no node binds a VIP the candidate holds');
    const agentAcquires = d.events.events.filter((e) => e.event === 'acquire' && e.lease === svc.leaseName);
    assert.deepEqual(agentAcquires, [], 'no bundled agent believed it held the Lease');
    const followers = new Set(
      d.events.events.filter((e) => e.event === 'leader' && e.lease === svc.leaseName).map((e) => e.node),
    );
    assert.ok(followers.size >= 1, 'the bundled agents saw the candidate as leader');
  });

  test(`SIGKILL of the client-go holder: a bundled agent takes over within ${CRASH_LIMIT_MS} ms, one transition`, async () => {
    const before = await readLease(kc, svc);
    const node = cluster.nodes[CANDIDATE]!.name;
    assert.equal(before.holder, node);
    const tKill = Date.now();
    kill(node, candidate);
    const l = await leaseUntil(kc, svc, (x) => x.holder !== null && x.holder !== node, CRASH_LIMIT_MS + 3000);
    assert.ok(l, `a new holder within ${CRASH_LIMIT_MS + 3000}ms`);
    const takeoverMs = (l.acquireTimeMs ?? Number.NaN) - tKill;
    assert.ok(takeoverMs <= CRASH_LIMIT_MS, `takeover ${takeoverMs}ms ≤ ${CRASH_LIMIT_MS}ms`);
    assert.ok(takeoverMs >= LEASE_MS - 1000, `takeover ${takeoverMs}ms waited for the lease to run out`);
    assert.equal(l.transitions, before.transitions + 1, 'leaseTransitions counted the takeover once');
    const vipOn = await (async () => {
      for (let i = 0; i < 30; i++) {
        const b = await boundNodes(cluster, svc.vip!);
        if (b.length > 0) return b;
        await sleep(100);
      }
      return [];
    })();
    assert.deepEqual(vipOn, [l.holder], 'the VIP is bound on the new bundled holder only');
    await candidate.waitForExit();
    await startCandidate();
  });

  test(`SIGKILL of the bundled holder: client-go or the other agent takes over within ${CRASH_LIMIT_MS} ms, one transition`, async () => {
    const before = await readLease(kc, svc);
    const i = cluster.nodes.findIndex((n) => n.name === before.holder);
    assert.ok(i === 0 || i === 1, `a bundled agent holds the Lease (holder ${before.holder})`);
    const node = cluster.nodes[i]!;
    const tKill = Date.now();
    kill(node.name, d.agents.get(i)!);
    await d.flushVips(node);
    const l = await leaseUntil(
      kc,
      svc,
      (x) => x.holder !== null && x.holder !== node.name,
      CRASH_LIMIT_MS + 3000,
    );
    assert.ok(l, `a new holder within ${CRASH_LIMIT_MS + 3000}ms`);
    const takeoverMs = (l.acquireTimeMs ?? Number.NaN) - tKill;
    assert.ok(
      takeoverMs <= CRASH_LIMIT_MS,
      `takeover ${takeoverMs}ms ≤ ${CRASH_LIMIT_MS}ms (by ${l.holder})`,
    );
    assert.ok(takeoverMs >= LEASE_MS - 1000, `takeover ${takeoverMs}ms waited for the lease to run out`);
    assert.equal(l.transitions, before.transitions + 1, 'leaseTransitions counted the takeover once');
    await d.agents.get(i)!.waitForExit();
    d.agents.delete(i);
    await d.startAgent(i);
  });

  test(`SIGTERM of a client-go holder releases the Lease: taken within ${GRACEFUL_LIMIT_MS} ms`, async () => {
    // Make the candidate the holder: stop both bundled agents gracefully (they release), wait for
    // the candidate to take the Lease, then start them again as followers.
    const node = cluster.nodes[CANDIDATE]!.name;
    await d.stopAllAgents();
    await d.flushVips(cluster.nodes[0]!);
    await d.flushVips(cluster.nodes[1]!);
    const held = await leaseUntil(kc, svc, (x) => x.holder === node, GRACEFUL_LIMIT_MS + 3000);
    assert.ok(held, 'the candidate took the released Lease');
    const restartedAt = Date.now();
    await Promise.all([d.startAgent(0), d.startAgent(1)]);
    // Both agents campaign again (they saw the candidate as leader) before the candidate lets go;
    // a Node agent can take seconds to start on a busy 2-core machine.
    const following = () =>
      new Set(
        d.events
          .since(restartedAt)
          .filter((e) => e.event === 'leader' && e.lease === svc.leaseName)
          .map((e) => e.node),
      );
    for (let waited = 0; following().size < 2 && waited < 30_000; waited += 100) await sleep(100);
    assert.equal(following().size, 2, 'both restarted agents follow the candidate within 30000ms');
    const before = await readLease(kc, svc);
    assert.equal(before.holder, node, 'the candidate still holds the Lease with the agents back');
    const tTerm = Date.now();
    candidate.signal('SIGTERM');
    const l = await leaseUntil(
      kc,
      svc,
      (x) => x.holder !== null && x.holder !== '' && x.holder !== node,
      GRACEFUL_LIMIT_MS + 3000,
    );
    assert.ok(l, `a new holder within ${GRACEFUL_LIMIT_MS + 3000}ms`);
    const takeoverMs = (l.acquireTimeMs ?? Number.NaN) - tTerm;
    assert.ok(takeoverMs <= GRACEFUL_LIMIT_MS, `takeover ${takeoverMs}ms ≤ ${GRACEFUL_LIMIT_MS}ms`);
    assert.equal(l.transitions, before.transitions + 1, 'leaseTransitions counted the takeover once');
    assert.equal(await candidate.waitForExit(), 0, 'the candidate exited cleanly after releasing');
    assert.ok(
      candidateEvents.some((e) => e.event === 'lose' && e.tMs >= tTerm),
      'the candidate logged that it stopped leading',
    );
  });

  test('over the whole run: never two believed holders, never the VIP on two nodes', () => {
    const intervals = beliefIntervals([...d.events.events, ...candidateEvents], leaseNameOf(svc), kills);
    assert.ok(intervals.length >= 3, `several holders took turns (${intervals.length})`);
    assert.ok(
      intervals.some((x) => x.node === cluster.nodes[CANDIDATE]!.name),
      'client-go held the Lease at some point',
    );
    const sorted = intervals.sort((a, b) => a.fromMs - b.fromMs);
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1]!;
      const cur = sorted[k]!;
      assert.ok(
        cur.fromMs >= prev.toMs,
        `${cur.node} believed it held from ${cur.fromMs} while ${prev.node} did until ${prev.toMs}`,
      );
    }
    assert.deepEqual(overlapsSeen, [], 'the VIP was never bound on two nodes');
  });
});
