import type { ElectorHandle } from '../elector-factory.js';
import type { Announcement, AnnouncementPlan } from '../policy/select-announcements.js';
import { type ElectionStrategy, makeStrategy, type StrategySpec } from './election-strategy.js';
import type { FakeClock } from './fake-clock.js';
import type { FakeLeaseClient, FakeLeaseStore } from './fake-lease-store.js';
import { seededRandom } from './seeded-random.js';

/** Timings and scope of a simulated cluster (test support for the strategies). */
export interface SimOptions {
  spec: StrategySpec;
  services: number;
  nodes: number;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  renewMode?: 'get-then-update' | 'update-first';
  namespace?: string;
  latencyMs?: () => number;
}

interface Election {
  handle: ElectorHandle;
  members: Announcement[];
  leading: boolean;
  done: Promise<void>;
}

/**
 * One simulated agent: the agent's grouping of announcements into elections, without the data
 * plane. `carried()` is what it would bind. Test support only.
 */
export class SimAgent {
  readonly client: FakeLeaseClient;
  readonly strategy: ElectionStrategy;
  readonly #elections = new Map<string, Election>();
  /** Every start/stop of carrying a service, with the clock's time. */
  readonly transitions: { atMs: number; service: string; carrying: boolean }[] = [];
  running = false;

  constructor(
    readonly name: string,
    readonly store: FakeLeaseStore,
    readonly clock: FakeClock,
    readonly opts: SimOptions,
    readonly plan: AnnouncementPlan,
    seed: number,
  ) {
    this.client = store.client({ latencyMs: opts.latencyMs ?? 0 });
    this.strategy = makeStrategy({
      spec: opts.spec,
      base: {
        identity: name,
        leaseDurationMs: opts.leaseDurationMs,
        renewDeadlineMs: opts.renewDeadlineMs,
        retryPeriodMs: opts.retryPeriodMs,
        renewMode: opts.renewMode ?? 'update-first',
        labels: { 'app.kubernetes.io/managed-by': 'sim' },
      },
      leaseNamespace: opts.namespace ?? 'kube-system',
      client: this.client,
      watchApi: this.client,
      clock,
      random: seededRandom(seed),
    });
  }

  start(): void {
    this.running = true;
    this.strategy.start();
    this.strategy.update(this.plan);
    const groups = new Map<
      string,
      { ref: ReturnType<ElectionStrategy['electionFor']>; members: Announcement[] }
    >();
    for (const a of this.plan.announcements) {
      const ref = this.strategy.electionFor(a);
      const g = groups.get(ref.key) ?? { ref, members: [] };
      g.members.push(a);
      groups.set(ref.key, g);
    }
    for (const [key, g] of groups) {
      const e: Partial<Election> & { members: Announcement[]; leading: boolean } = {
        members: g.members,
        leading: false,
      };
      const mark = (carrying: boolean) => {
        e.leading = carrying;
        for (const m of g.members)
          this.transitions.push({ atMs: this.clock.now(), service: m.service, carrying });
      };
      e.handle = this.strategy.makeElector(g.ref, () => g.members, {
        onStartedLeading: () => mark(true),
        onStoppedLeading: () => mark(false),
      });
      e.done = e.handle.run();
      this.#elections.set(key, e as Election);
    }
  }

  /** Services this agent would bind now. */
  carried(): Set<string> {
    const out = new Set<string>();
    if (!this.running) return out;
    for (const e of this.#elections.values()) if (e.leading) for (const m of e.members) out.add(m.service);
    return out;
  }

  /** SIGTERM (release) or SIGKILL (no release; the agent's requests stop at once). */
  async stop(release: boolean): Promise<void> {
    this.running = false;
    if (!release) this.client.fault = () => 'unavailable';
    await Promise.all([...this.#elections.values()].map((e) => e.handle.stop({ release })));
    await this.strategy.stop({ release });
    this.#elections.clear();
  }
}

/** Announcements of `count` services, every one selected by policy `p`. */
export function simPlan(count: number, namespace = 'kube-system'): AnnouncementPlan {
  const announcements: Announcement[] = [];
  for (let i = 0; i < count; i++) {
    const name = `svc-${i}`;
    announcements.push({
      service: `default/${name}`,
      lease: { namespace, name: `cilium-l2announce-default-${name}` },
      vips: [`198.18.8.${i + 1}`],
      iface: 'eth0',
      policy: 'p',
      selectingPolicies: ['p'],
    });
  }
  return { announcements, problems: [], applicablePolicies: ['p'] };
}
