import type { ElectionEvents } from './leader-elector.js';
import type { NodeLeasePlacement } from './node-lease-placement.js';

/**
 * The `node-lease` strategy's per-service view, shaped like an elector so the agent drives every
 * strategy alike: it "leads" while the shared {@link NodeLeasePlacement} says this node carries the
 * service. It sends no requests of its own.
 */
export class NodeLeaseServiceElector {
  readonly #placement: NodeLeasePlacement;
  readonly #service: string;
  readonly #policies: () => readonly string[];
  readonly #events: ElectionEvents;
  #leading = false;
  #owner: string | null = null;
  #unsubscribe: (() => void) | null = null;
  #done: (() => void) | null = null;
  #stopped = false;

  constructor(
    placement: NodeLeasePlacement,
    service: string,
    selectingPolicies: () => readonly string[],
    events: ElectionEvents,
  ) {
    this.#placement = placement;
    this.#service = service;
    this.#policies = selectingPolicies;
    this.#events = events;
  }

  /** Follows the placement until {@link stop}. */
  run(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#unsubscribe !== null)
      return Promise.reject(new Error(`${this.#service}: run() was already called`));
    this.#unsubscribe = this.#placement.subscribe(() => this.#evaluate());
    this.#evaluate();
    return new Promise((resolve) => {
      this.#done = resolve;
    });
  }

  async stop(_opts: { release: boolean }): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#leading) {
      this.#leading = false;
      this.#events.onStoppedLeading();
    }
    this.#done?.();
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The node the placement names for this service (null: none live and eligible). */
  observedHolder(): string | null {
    return this.#owner;
  }

  #evaluate(): void {
    if (this.#stopped) return;
    const policies = this.#policies();
    const owner = this.#placement.isReady() ? this.#placement.owner(this.#service, policies) : this.#owner;
    if (owner !== this.#owner) {
      this.#owner = owner;
      if (owner !== null) this.#events.onNewLeader?.(owner);
    }
    const carry = this.#placement.carries(this.#service, policies);
    if (carry === this.#leading) return;
    this.#leading = carry;
    if (carry) this.#events.onStartedLeading();
    else this.#events.onStoppedLeading();
  }
}
