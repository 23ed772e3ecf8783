/**
 * The real MetalLB v0.15.2 in L2 mode as `announcer.implementation: metallb` on the local backend
 * (issue 18): its controller assigns the VIP from an IPAddressPool, its speakers (one per node
 * namespace, memberlist between them) pick one node by their hash, and that node alone answers
 * ARP. SIGKILL of that speaker with the node's VIP routes dropped (node-crash, as a dead node)
 * moves the VIP to another node within memberlist's failure-detection bound, and the wire never
 * shows two nodes answering. MetalLB has no Lease: none is made.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { LocalBenchTarget } from '../../harness/backends/local/local-bench-target.js';
import { arpAnswers } from '../../harness/measure/vip-probe.js';
import { wireDualAnswering } from '../../harness/run/wire-dual-answering.js';
import { metallbTakeoverBoundMs } from '../../harness/scenario/peer-rules.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';

const asRoot = process.getuid?.() === 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(250);
  }
}

test('MetalLB on 3 nodes: one node answers; after a crash of its speaker another does, never two at once', {
  skip: !asRoot && 'needs root',
  timeout: 300_000,
}, async () => {
  const scenario = resolveScenario(
    parseScenario(
      'name: metallb-peer\nnodes: {count: 3}\nservices: {announced: 1, unannounced: 1}\nannouncer: {implementation: metallb}\n',
      'metallb-peer.test.ts',
    ),
  );
  const log = (l: string) => process.stderr.write(`${l}\n`);
  await using target = await LocalBenchTarget.start({
    scenario,
    k6Path: 'unused',
    progress: log,
    signal: new AbortController().signal,
  });
  const { cluster } = target;
  const client = cluster.network.client.netns;
  // The work dir goes with the cluster: on failure, show what MetalLB said.
  const dumpLogs = () => {
    const dir = join(cluster.workDir, 'logs');
    for (const f of readdirSync(dir).filter((x) => x.startsWith('metallb-')))
      log(`--- ${f}\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-40).join('\n')}`);
  };
  try {
    await exercise();
  } catch (err) {
    dumpLogs();
    throw err;
  }
  async function exercise(): Promise<void> {
    await target.prepare();
    await target.createServices();
    await target.startAllAgents();
    await target.waitForAddresses(60_000);
    const service = target.services.find((s) => s.announced)!;
    const vip = service.vip!;
    // The unannounced service asked for no pool: MetalLB's controller gave it no address.
    assert.equal(target.services.find((s) => !s.announced)?.vip ?? null, null);

    // Memberlist forms, the hash picks one node, it logs serviceAnnounced and answers ARP.
    const macToNode = new Map(cluster.nodes.map((n) => [n.mac.toLowerCase(), n.name]));
    let seen = 'nothing yet';
    const holder = await until(async () => {
      const macs = await arpAnswers(client, vip);
      const logged = target.announcingNode?.(service);
      seen = `ARP answers from [${macs.map((m) => macToNode.get(m) ?? m).join(', ')}], speakers logged ${logged ?? 'none'}`;
      return macs.length === 1 && logged && macToNode.get(macs[0]!) === logged ? logged : undefined;
    }, 90_000);
    assert.ok(
      holder,
      `one node answers ARP for ${vip} and its speaker logged the announcement; last seen: ${seen}`,
    );
    const answered = await target.waitUntilAllAnswer([vip], 10_000);
    assert.notEqual(answered, null, `${vip} answers HTTP from ${holder}'s echo backend`);

    const bound = metallbTakeoverBoundMs(scenario.nodes.count);
    const wire = await target.startWireWatch([vip], Math.ceil(bound / 1000) + 20);
    await sleep(1500);
    const faultAtMs = Date.now();
    await target.injectFault('node-crash', holder);
    const back = await target.waitUntilAllAnswer([vip], bound + 5000);
    // Keep watching a while: a second answerer (the old one back, or two winners) would show here.
    await sleep(4000);
    const observed = await wire.stop();

    assert.notEqual(back, null, `${vip} answered again within ${bound + 5000} ms of the crash`);
    const takeover = target.events
      .since(faultAtMs)
      .find((e) => e.event === 'acquire' && e.vip === vip && e.node !== holder);
    assert.ok(takeover, 'another speaker logged serviceAnnounced after the crash');
    const takeoverMs = takeover.tMs - faultAtMs;
    log(`metallb crash takeover: ${holder} → ${takeover.node} in ${takeoverMs} ms (bound ${bound} ms)`);
    // Memberlist's failure detection bounds it (harness/scenario/peer-rules.ts metallbTakeoverBoundMs).
    assert.ok(takeoverMs > 0 && takeoverMs <= bound, `takeover ${takeoverMs} ms within ${bound} ms`);
    const macs = await arpAnswers(client, vip);
    assert.deepEqual(
      macs.map((m) => macToNode.get(m)),
      [takeover.node],
      'the new speaker alone answers ARP',
    );

    const dual = wireDualAnswering(observed, vip);
    assert.ok(dual.record.arpRepliesSeen > 0, 'the watch saw ARP replies for the VIP');
    assert.deepEqual(dual.record.intervals, [], 'no interval in which two nodes answered ARP');

    // No Lease anywhere is held by a node: MetalLB elects with memberlist and a hash.
    const leases = await target.kubeConfig().makeApiClient(CoordinationV1Api).listLeaseForAllNamespaces();
    const nodes = new Set(cluster.nodes.map((n) => n.name));
    assert.deepEqual(
      leases.items.filter((l) => nodes.has(l.spec?.holderIdentity ?? '')).map((l) => l.metadata?.name),
      [],
    );
  }
});
