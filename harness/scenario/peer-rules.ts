/** What each peer implementation accepts of a scenario; the rules use it, the peers' launchers follow it. */

/**
 * k8s.io/client-go in kube-vip v1.0.0's go.mod. Its leaderelection (like every release since
 * 0.30) renews with a bare PUT of the cached Lease first: the model's `update-first`.
 */
export const KUBE_VIP_CLIENT_GO = 'v0.33.3';
export const KUBE_VIP_RENEW_MODE = 'update-first' as const;

export interface TimersMs {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Scenario fields kube-vip cannot take, with one-line messages naming each. */
export function kubeVipTimerIssues(t: TimersMs): { field: keyof TimersMs; message: string }[] {
  return (['leaseDurationMs', 'renewDeadlineMs', 'retryPeriodMs'] as const).flatMap((field) =>
    t[field] % 1000 === 0 && t[field] > 0
      ? []
      : [
          {
            field,
            message: `announcer.${field} (${t[field]}) must be a whole number of seconds with implementation kube-vip (its vip_* timers are integer seconds): use ${Math.max(1000, Math.round(t[field] / 1000) * 1000)}`,
          },
        ],
  );
}

/**
 * hashicorp/memberlist v0.5.1's DefaultLANConfig, which MetalLB v0.15.2's speakers use unchanged
 * (internal/speakerlist New: only name, address, port, key and event channel are set).
 */
export const MEMBERLIST_LAN = {
  probeIntervalMs: 1000,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  gossipIntervalMs: 200,
} as const;

/**
 * The longest MetalLB's speakers take to move a service off a crashed speaker among `nodes`
 * speakers, in ms: memberlist's failure detection, then one resync. The parts (memberlist
 * state.go/suspicion.go at v0.5.1):
 * - probing: every member probes one other per probe interval, walking a shuffled list of the
 *   rest, so some survivor probes the dead node within 2(n − 1) intervals of the crash;
 * - the failed probe: the direct ping's timeout and the indirect pings end within that interval
 *   (the live helpers answer with nacks, so the prober's awareness, which would stretch its
 *   interval up to 8×, does not grow);
 * - suspicion: min = suspicionMult × max(1, log10 n) × interval; the timer starts at min when
 *   fewer than suspicionMult − 2 other members can confirm (n − 2 < 2, so 3 speakers: 4 s), else
 *   at max = suspicionMaxTimeoutMult × min (24 s), shrinking toward min as confirmations arrive;
 * - the suspect message reaching the survivors (they time their own suspicion from it): a few
 *   gossip intervals, and the NodeLeave event's resync (ForceSync: every service re-decided, ARP
 *   answered and gratuitous ARP sent at once): 1 s for both on a loaded host.
 */
export function metallbTakeoverBoundMs(nodes: number): number {
  const m = MEMBERLIST_LAN;
  const n = Math.max(2, nodes);
  const probing = 2 * (n - 1) * m.probeIntervalMs;
  const failedProbe = m.probeIntervalMs;
  const min = m.suspicionMult * Math.max(1, Math.log10(n)) * m.probeIntervalMs;
  const suspicion = n - 2 < m.suspicionMult - 2 ? min : m.suspicionMaxTimeoutMult * min;
  return Math.ceil(probing + failedProbe + suspicion + 2 * m.gossipIntervalMs + 1000);
}

/** The announcer fields MetalLB has no counterpart for, with their defaults (what "unset" means). */
const METALLB_ABSENT: readonly { field: string; default: string; what: string }[] = [
  { field: 'renewMode', default: 'get-then-update', what: 'a Lease renew mode' },
  { field: 'stepDown', default: 'on-observe', what: 'a Lease step-down rule' },
  {
    field: 'onApiOutage',
    default: 'release',
    what: 'an API-outage rule (it needs no API server to keep announcing)',
  },
  {
    field: 'sharedAddressElection',
    default: 'per-address',
    what: 'a shared-address election (it decides per address already)',
  },
  { field: 'leaseNameStyle', default: 'cilium', what: 'Lease names' },
  { field: 'selection', default: 'policy', what: 'the Cilium all-services bug' },
];

/**
 * Scenario fields implementation metallb cannot take, with one-line messages naming each. The
 * lease timers are not refused: a shared timer setting may sit beside it in one sweep, and
 * MetalLB ignores them (it has no Lease).
 */
export function metallbIssues(a: Record<string, unknown> & { strategyText: string; strategyKind: string }): {
  field: string;
  message: string;
}[] {
  const issues = METALLB_ABSENT.flatMap((f) =>
    a[f.field] === undefined || a[f.field] === f.default
      ? []
      : [
          {
            field: f.field,
            message: `announcer.${f.field} (${String(a[f.field])}) is ${f.what} that implementation metallb does not have (memberlist and a hash decide who announces): leave ${f.field} unset with implementation metallb`,
          },
        ],
  );
  if (a.strategyKind !== 'per-service') {
    issues.unshift({
      field: 'strategy',
      message: `announcer.strategy (${a.strategyText}) is a bundled-agent strategy that implementation metallb does not have (memberlist and a hash decide who announces): leave strategy unset with implementation metallb`,
    });
  }
  return issues;
}
