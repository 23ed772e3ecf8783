import { type KubeConfig, Watch } from '@kubernetes/client-node';

/** One observed state of a component's Lease. */
export interface LeaseObservation {
  renewTimeMs: number;
  holder: string;
}

/** A component's leader election over one window. */
export interface ComponentLeaseWindow {
  /** The Lease's name in kube-system (kube-controller-manager, kube-scheduler). */
  name: string;
  /** Renewals the window saw (distinct renewTimes). */
  renewals: number;
  /**
   * Longest time without a renewal, counting from the last renewal before the window to the window's
   * end: client-go renews every retry period (2 s for both components), so this is its renew latency.
   */
  maxRenewGapMs: number | null;
  /** Holder changes in the window: each one is a lost leadership (a lone component exits on loss). */
  holderChanges: number;
  /** Whether the Lease was held at the window's end: renewed within its leaseDuration (15 s). */
  heldAtEnd: boolean;
}

/** The components' lease duration (kube-controller-manager and kube-scheduler defaults). */
export const COMPONENT_LEASE_DURATION_MS = 15_000;

/** Window figures of one Lease from its observations (any order). Pure. */
export function leaseWindow(
  name: string,
  observations: readonly LeaseObservation[],
  startMs: number,
  endMs: number,
): ComponentLeaseWindow {
  const sorted = [...observations].sort((a, b) => a.renewTimeMs - b.renewTimeMs);
  const before = sorted.filter((o) => o.renewTimeMs < startMs).at(-1);
  const inside = sorted.filter((o) => o.renewTimeMs >= startMs && o.renewTimeMs <= endMs);
  const times = [...(before ? [before.renewTimeMs] : []), ...inside.map((o) => o.renewTimeMs)];
  let maxRenewGapMs: number | null = null;
  if (times.length > 0) {
    maxRenewGapMs = endMs - (times.at(-1) ?? endMs);
    for (let i = 1; i < times.length; i++) maxRenewGapMs = Math.max(maxRenewGapMs, times[i]! - times[i - 1]!);
  }
  let holderChanges = 0;
  let holder = before?.holder;
  for (const o of inside) {
    if (holder !== undefined && o.holder !== holder) holderChanges++;
    holder = o.holder;
  }
  const last = times.at(-1);
  return {
    name,
    renewals: inside.length,
    maxRenewGapMs,
    holderChanges,
    heldAtEnd: last !== undefined && endMs - last <= COMPONENT_LEASE_DURATION_MS,
  };
}

/**
 * Watches the kube-system Leases of kube-controller-manager and kube-scheduler, one watch per
 * Lease by name, so the watch carries only their renewals (a watch on every kube-system Lease
 * would also carry the agents' and cost more in announce windows than in the others).
 */
export class ControlPlaneLeaseWatch implements Disposable {
  static readonly NAMES = ['kube-controller-manager', 'kube-scheduler'] as const;
  readonly #seen = new Map<string, Map<number, LeaseObservation>>();
  readonly #aborts: AbortController[] = [];
  #closed = false;

  constructor(private readonly kc: KubeConfig) {}

  start(): this {
    for (const name of ControlPlaneLeaseWatch.NAMES) void this.#watch(name);
    return this;
  }

  async #watch(name: string): Promise<void> {
    if (this.#closed) return;
    const restart = () => {
      if (!this.#closed) setTimeout(() => void this.#watch(name), 1000).unref();
    };
    try {
      const ac = await new Watch(this.kc).watch(
        '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases',
        { fieldSelector: `metadata.name=${name}` },
        (_type, obj: { spec?: { renewTime?: string | Date; holderIdentity?: string } }) => {
          const t = obj.spec?.renewTime ? new Date(obj.spec.renewTime).getTime() : Number.NaN;
          if (!Number.isFinite(t)) return;
          const byTime = this.#seen.get(name) ?? new Map<number, LeaseObservation>();
          byTime.set(t, { renewTimeMs: t, holder: obj.spec?.holderIdentity ?? '' });
          this.#seen.set(name, byTime);
        },
        restart,
      );
      this.#aborts.push(ac);
    } catch {
      restart();
    }
  }

  /** Each component's figures over [startMs, endMs]. */
  window(startMs: number, endMs: number): ComponentLeaseWindow[] {
    return ControlPlaneLeaseWatch.NAMES.map((name) =>
      leaseWindow(name, [...(this.#seen.get(name)?.values() ?? [])], startMs, endMs),
    );
  }

  [Symbol.dispose](): void {
    this.#closed = true;
    for (const ac of this.#aborts) ac.abort();
  }
}
