import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStrategy, parseStrategy, type StrategySpec } from './election-strategy.js';
import { FakeClock } from './fake-clock.js';
import { FakeLeaseStore } from './fake-lease-store.js';
import { strategyRequestsPerSecond } from './request-model.js';
import { seededRandom } from './seeded-random.js';
import { failoverBoundMs } from './strategy-bounds.js';
import { SimAgent, type SimOptions, simPlan } from './strategy-sim.js';

const STRATEGIES: StrategySpec[] = [
  { kind: 'per-service' },
  { kind: 'per-service-watch' },
  { kind: 'sharded', shards: 4 },
  { kind: 'node-lease' },
];
const TIMINGS = { leaseDurationMs: 15_000, renewDeadlineMs: 5_000, retryPeriodMs: 2_000 };

function cluster(opts: SimOptions, seed = 1) {
  const clock = new FakeClock();
  const store = new FakeLeaseStore(clock);
  const plan = simPlan(opts.services);
  const names = Array.from({ length: opts.nodes }, (_, i) => `node-${i}`);
  const agents = new Map<string, SimAgent>();
  let n = 0;
  const boot = (name: string) => {
    const a = new SimAgent(name, store, clock, opts, plan, seed * 1000 + n++);
    agents.set(name, a);
    a.start();
    return a;
  };
  for (const name of names) boot(name);
  /** Running carriers of each service. */
  const carriers = () => {
    const out = new Map<string, string[]>();
    for (const a of plan.announcements) out.set(a.service, []);
    for (const [name, a] of agents) for (const s of a.carried()) out.get(s)?.push(name);
    return out;
  };
  /** Stops an agent while time keeps moving (its in-flight requests need the clock to finish). */
  const stop = async (a: SimAgent, release: boolean) => {
    let done = false;
    const stopping = a.stop(release).finally(() => {
      done = true;
    });
    for (let i = 0; i < 1000 && !done; i++) await clock.advance(10);
    await stopping;
  };
  return { clock, store, plan, names, agents, boot, carriers, stop, t0: clock.now() };
}

test('--strategy values parse, and bad ones are refused', () => {
  for (const s of STRATEGIES) assert.deepEqual(parseStrategy(formatStrategy(s)), s);
  for (const bad of ['sharded', 'sharded:0', 'sharded:-1', 'sharded:1.5', 'sharded:5000', 'node', ''])
    assert.equal(parseStrategy(bad), null, bad);
});

for (const spec of STRATEGIES) {
  const name = formatStrategy(spec);

  test(`${name}: one carrier per service through 2 h of random crashes, SIGTERMs, partitions and restarts`, async () => {
    const opts: SimOptions = { spec, services: 12, nodes: 4, ...TIMINGS, latencyMs: () => 20 };
    const random = seededRandom(42);
    const c = cluster({ ...opts, latencyMs: () => random() * 40 });
    const bound = failoverBoundMs(spec, TIMINGS);
    const doubles: string[] = [];
    const late: string[] = [];
    let faults = 0;
    const durationMs = 2 * 3_600_000;
    let nextFaultMs = c.clock.now() + 60_000;
    // Sampled every 250 ms: never two running carriers; after a fault, its services move in time.
    let pending: { service: string; fromMs: number; limitMs: number }[] = [];
    const cuts: { agent: SimAgent; fromMs: number; toMs: number }[] = [];
    const cutCarrying: string[] = [];
    while (c.clock.now() - c.t0 < durationMs) {
      await c.clock.advance(250);
      const now = c.clock.now();
      const carriers = c.carriers();
      for (const [svc, nodes] of carriers)
        if (nodes.length > 1) doubles.push(`${svc} on ${nodes.join('+')} at +${now - c.t0}`);
      // A cut-off node must give up its services within renewDeadline (+ one retry for polling).
      for (const cut of cuts)
        if (now >= cut.fromMs + TIMINGS.renewDeadlineMs + TIMINGS.retryPeriodMs + 250 && now < cut.toMs)
          if (cut.agent.carried().size > 0) cutCarrying.push(`${cut.agent.name} at +${now - c.t0}`);
      pending = pending.filter((p) => {
        if ((carriers.get(p.service) ?? []).length === 1) return false;
        if (now - p.fromMs > p.limitMs) {
          late.push(`${p.service} not carried ${now - p.fromMs}ms after a fault (limit ${p.limitMs})`);
          return false;
        }
        return true;
      });
      if (now < nextFaultMs || pending.length > 0) continue;
      // A fault: SIGKILL or SIGTERM one running agent that carries something, restart it later.
      const running = [...c.agents.values()].filter((a) => a.running && a.carried().size > 0);
      const victim = running[Math.floor(random() * running.length)];
      if (victim === undefined) continue;
      const dice = random();
      if (dice < 0.3) {
        // A partition: the agent runs on but none of its requests (nor its watch) get through.
        const cutMs = 20_000 + random() * 30_000;
        victim.client.fault = () => 'unavailable';
        cuts.push({ agent: victim, fromMs: now, toMs: now + cutMs });
        for (const s of victim.carried())
          pending.push({ service: s, fromMs: now, limitMs: bound.crashMs + 250 });
        faults++;
        void c.clock.sleep(cutMs).then(() => {
          victim.client.fault = null;
        });
        nextFaultMs = now + cutMs + 60_000 + random() * 120_000;
        continue;
      }
      const graceful = dice < 0.55;
      const moved = [...victim.carried()];
      await c.stop(victim, graceful);
      faults++;
      const limitMs = graceful ? bound.gracefulMs : bound.crashMs;
      for (const s of moved) pending.push({ service: s, fromMs: now, limitMs: limitMs + 250 });
      const restartInMs = 20_000 + random() * 60_000;
      nextFaultMs = now + restartInMs + 60_000 + random() * 120_000;
      const victimName = victim.name;
      void c.clock.sleep(restartInMs).then(() => c.boot(victimName));
    }
    await c.clock.advance(bound.crashMs + 5_000);
    assert.deepEqual(doubles.slice(0, 5), [], `${doubles.length} double carriers`);
    assert.deepEqual(late.slice(0, 5), [], `${late.length} late failovers`);
    assert.deepEqual(cutCarrying.slice(0, 5), [], 'partitioned nodes kept carrying');
    assert.ok(cuts.length >= 5, `only ${cuts.length} partitions`);
    assert.ok(faults >= 20, `only ${faults} faults`);
    const final = c.carriers();
    for (const [svc, nodes] of final) assert.equal(nodes.length, 1, `${svc}: ${nodes.join(',')}`);
    for (const a of [...c.agents.values()].filter((x) => x.running)) await c.stop(a, true);
    assert.equal(c.store.openWatches, 0, 'every watch closed');
  });

  test(`${name}: crash failover after leaseDuration, within its documented bound; release hands over at once`, async () => {
    const c = cluster({ spec, services: 6, nodes: 3, ...TIMINGS });
    const bound = failoverBoundMs(spec, TIMINGS);
    await c.clock.advance(60_000);
    for (const [svc, nodes] of c.carriers()) assert.equal(nodes.length, 1, `${svc}: ${nodes.join(',')}`);
    // Crash the busiest node.
    const busiest = [...c.agents.values()].sort((a, b) => b.carried().size - a.carried().size)[0]!;
    const moved = [...busiest.carried()];
    const killedAt = c.clock.now();
    await c.stop(busiest, false);
    const takeover = new Map<string, number>();
    while (takeover.size < moved.length && c.clock.now() - killedAt < bound.crashMs + 10_000) {
      await c.clock.advance(50);
      for (const [svc, nodes] of c.carriers())
        if (moved.includes(svc) && nodes.length === 1 && !takeover.has(svc))
          takeover.set(svc, c.clock.now() - killedAt);
    }
    for (const s of moved) {
      const ms = takeover.get(s);
      assert.ok(ms !== undefined, `${s} never taken over`);
      // Nobody may take over before the lease could have expired (the last renewal was at most
      // one renew interval before the kill).
      assert.ok(ms >= TIMINGS.leaseDurationMs - 5_000, `${s} taken over after only ${ms}ms`);
      assert.ok(ms <= bound.crashMs + 50, `${s} taken over after ${ms}ms (bound ${bound.crashMs})`);
    }
    await c.clock.advance(30_000);
    // SIGTERM the busiest: its leases are released, the services move within the graceful bound.
    const next = [...c.agents.values()]
      .filter((a) => a.running)
      .sort((a, b) => b.carried().size - a.carried().size)[0]!;
    const handed = [...next.carried()];
    assert.ok(handed.length > 0);
    const stoppedAt = c.clock.now();
    await c.stop(next, true);
    let tookMs = Number.NaN;
    while (c.clock.now() - stoppedAt < bound.gracefulMs + 5_000) {
      await c.clock.advance(20);
      const carriers = c.carriers();
      if (handed.every((s) => (carriers.get(s) ?? []).length === 1)) {
        tookMs = c.clock.now() - stoppedAt;
        break;
      }
    }
    assert.ok(
      // + the stop itself and the 20 ms sampling step.
      tookMs <= bound.gracefulMs + 50,
      `released services taken over after ${tookMs}ms (bound ${bound.gracefulMs})`,
    );
    await Promise.all([...c.agents.values()].filter((a) => a.running).map((a) => a.stop(true)));
  });

  for (const mode of ['get-then-update', 'update-first'] as const) {
    if (mode === 'get-then-update' && (spec.kind === 'per-service-watch' || spec.kind === 'node-lease'))
      continue;
    test(`${name} (${mode}): request rates over 1 h match strategyRequestsPerSecond within 5%`, async () => {
      const opts: SimOptions = { spec, services: 20, nodes: 5, ...TIMINGS, renewMode: mode };
      const c = cluster(opts, 3);
      await c.clock.advance(120_000); // past creation and the first elections
      const before = { ...c.store.requests };
      const conflictsBefore = c.store.conflicts;
      const seconds = 3600;
      await c.clock.advance(seconds * 1000);
      const model = strategyRequestsPerSecond({
        strategy: spec,
        services: 20,
        candidates: 5,
        ...TIMINGS,
        renewMode: mode,
      });
      for (const verb of ['get', 'update'] as const) {
        const measured = (c.store.requests[verb] - before[verb]) / seconds;
        const expected = model[verb];
        assert.ok(
          Math.abs(measured - expected) <= 0.05 * expected + 1e-9,
          `${verb}: ${measured.toFixed(3)}/s vs model ${expected.toFixed(3)}/s`,
        );
      }
      assert.equal(c.store.requests.create - before.create, 0, 'no creates in steady state');
      assert.equal(c.store.conflicts - conflictsBefore, 0, 'no 409s in steady state');
      await Promise.all([...c.agents.values()].map((a) => a.stop(true)));
    });
  }
}

test('node-lease and per-service-watch: >= 20x fewer requests than per-service at N=200, M=25 (model)', () => {
  const rates = (strategy: StrategySpec) => {
    const r = strategyRequestsPerSecond({
      strategy,
      services: 200,
      candidates: 25,
      ...TIMINGS,
      renewMode: 'update-first',
    });
    return r.get + r.update + r.create + r.list + r.watch;
  };
  const reference = rates({ kind: 'per-service' });
  assert.ok(
    reference / rates({ kind: 'per-service-watch' }) >= 20,
    `${reference / rates({ kind: 'per-service-watch' })}`,
  );
  assert.ok(reference / rates({ kind: 'node-lease' }) >= 20);
});
