/**
 * Issue 17, the agent side, on the real local backend (kube-apiserver + etcd, node namespaces,
 * real `ip addr`): the three ways the bundled agent let two nodes carry one VIP, or logged a false
 * warning, and that the fixes close them.
 * 1. Freeze: SIGSTOP the holder past its lease, SIGCONT. With `--step-down renew-deadline`
 *    (client-go's rule) the VIP stays on two nodes for about renewDeadline after the resumed agent
 *    sees the new holder; with `on-observe` it unbinds before the elector's next attempt (the
 *    issue's 100 ms is a speed target: `bench/step-down-latency.ts` prints its distribution).
 * 2. Agent crash on a live node: SIGKILL the agent alone (its VIP stays on the interface), restart
 *    it: the stale VIP is gone within 1 s of the new agent's start.
 * 3. SIGTERM: no "timed out" warning when the lease release landed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  agentLog,
  carriers,
  DEADLINE_MS,
  LEASE_MS,
  RETRY_MS,
  SplitBrainRig,
  until,
} from './split-brain-rig.js';

const asRoot = process.getuid?.() === 0;

describe('split brain in the bundled agent (issue 17)', { skip: !asRoot && 'needs root' }, () => {
  let rig: SplitBrainRig;
  before(async () => {
    rig = await SplitBrainRig.start();
  });
  after(async () => {
    await rig?.[Symbol.asyncDispose]();
  });

  test('freeze, renew-deadline (client-go): two nodes carry the VIP for about renewDeadline after the observation', async (t) => {
    let r = await rig.freeze(t.diagnostic.bind(t));
    r ??= await rig.freeze(t.diagnostic.bind(t)); // the first freeze landed mid-renewal: once more
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

  test('freeze, on-observe: the VIP leaves the resumed holder before its next attempt', async (t) => {
    await rig.restartAll('on-observe', t.diagnostic.bind(t));
    let r = await rig.freeze(t.diagnostic.bind(t));
    r ??= await rig.freeze(t.diagnostic.bind(t));
    assert.ok(r, 'the resumed holder observed the other holder');
    // What the agent guarantees: the observation ends leadership in the same turn of the event
    // loop and the unbind runs at once (one `ip addr del`, behind a dataplane pass already under
    // way), not at the next attempt a retry period later, nor at the renew deadline as
    // client-go's rule does (≥ renewDeadline/2 above). How long the `ip` commands take on a busy
    // 2-core machine is not guaranteed (139 ms was seen once in CI): the 100 ms target is
    // measured by bench/step-down-latency.ts, not bounded here.
    assert.ok(
      r.unbindMs - r.observedMs < RETRY_MS,
      `unbind ${r.unbindMs - r.observedMs}ms after the observation (retryPeriod ${RETRY_MS}ms)`,
    );
    // The kernel agrees: no sample begun a retry period after the observation saw two carriers.
    assert.ok(
      r.lastDualMs === null || r.lastDualMs < r.observedMs + RETRY_MS,
      `last dual sample ${r.lastDualMs === null ? '' : r.lastDualMs - r.observedMs}ms after the observation`,
    );
  });

  test('agent crash: a restarted agent removes the stale VIP within 1 s of its start', async (t) => {
    const h = await rig.holderIndex();
    const holder = rig.cluster.nodes[h]!;
    const agent = rig.d.agents.get(h)!;
    agent.signal('SIGKILL');
    await agent.waitForExit();
    // The kernel keeps the VIP and the other node takes the lease: two carriers.
    const both = await until(
      async () => {
        const c = await carriers(rig.cluster, rig.vip);
        return c.nodes.length === 2 ? c : undefined;
      },
      LEASE_MS + 2.2 * RETRY_MS + 5000,
    );
    assert.ok(both, `${rig.vip} on two nodes after SIGKILL of ${holder.name}'s agent`);
    const tSpawn = Date.now();
    await rig.d.startAgent(h);
    const gone = await until(async () => {
      const c = await carriers(rig.cluster, rig.vip);
      return c.nodes.includes(holder.name) ? undefined : c;
    }, 20_000);
    assert.ok(gone, `${rig.vip} left ${holder.name}`);
    // The log file is written through a stream: give the lines a moment to land.
    const logged = await until(() => {
      const lines = agentLog(rig.cluster, h, tSpawn);
      const start = lines.find((l) => l.event === 'start');
      const unbind = lines.find((l) => l.event === 'unbind' && l.vip === rig.vip);
      return start && unbind ? { start, unbind } : undefined;
    }, 5000);
    assert.ok(logged, 'start and unbind logged');
    const { start, unbind } = logged;
    t.diagnostic(
      `crash: agent start +${start.ts - tSpawn}ms after spawn, stale ${rig.vip} unbound +${unbind.ts - start.ts}ms after start ` +
        `(${unbind.reason}), kernel shows it gone +${gone.atMs - start.ts}ms after start`,
    );
    assert.equal(unbind.reason, 'stale');
    // Removal needs one `ip -j addr show` and one `ip addr del` after the start line, no API
    // round trip: 1 s is the bound, an order of magnitude above what they take.
    assert.ok(unbind.ts - start.ts <= 1000, `stale VIP removed ${unbind.ts - start.ts}ms after start`);
    assert.equal(gone.nodes.length, 1, 'the new holder still carries it');
  });
});
