import type { Interval, WindowRecord } from '../results/results-schema.js';
import { bootstrapMedian } from '../results/statistics.js';

/** The windows of one repetition. */
export interface RepetitionWindows {
  baseline?: WindowRecord;
  idle?: WindowRecord;
  announce?: WindowRecord;
}

/**
 * A queue wait p99 above this marks a priority level as queueing: APF's wait histogram has buckets
 * at 0, 5 and 20 ms, and an unloaded level dispatches at once (wait 0), so a p99 past 20 ms means
 * requests really waited for seats.
 */
export const QUEUE_WAIT_P99_THRESHOLD_SECONDS = 0.02;

/** client-go's default renew deadline for both components: a longer gap fails a renewal. */
export const COMPONENT_RENEW_DEADLINE_MS = 10_000;

/** The level the agents' lease requests land in when they match a leader-election FlowSchema. */
export const LEADER_ELECTION_LEVEL = 'leader-election';

export interface PriorityLevelSummary {
  priorityLevel: string;
  /** Announce windows' dispatch rate. */
  dispatchedPerSecond: Interval;
  /** Announce − idle per repetition (announce − baseline where there is no idle window). */
  netDispatchedPerSecond: Interval;
  /** Highest queue wait p99 of any window of the variant. */
  maxWaitP99Seconds: number | null;
  rejected: number;
  maxSeatsInUse: number | null;
  seatLimit: number | null;
}

export interface SaturationSignal {
  /** `queue <level>`, `reject <level>`, `lease <component>`. */
  signal: string;
  /** Start of the first window in which it fired. */
  firstWindowStartMs: number;
}

export interface ControlPlaneSummary {
  /** Median CPU of each component over the windows of each phase (mCPU). */
  componentsMillicores: { component: string; phase: string; millicores: Interval }[];
  priorityLevels: PriorityLevelSummary[];
  /** FlowSchemas whose dispatch rate grew from idle (or baseline) to announce: where the agents' lease traffic went. */
  agentFlowSchemas: { flowSchema: string; priorityLevel: string; netDispatchedPerSecond: Interval }[];
  leases: {
    name: string;
    renewals: number;
    maxRenewGapMs: number | null;
    holderChanges: number;
    windowsNotHeld: number;
  }[];
  /** Signals of saturation in time order (empty when none fired). */
  saturation: SaturationSignal[];
}

const COMPONENTS: { component: string; key: keyof WindowRecord['cpuMillicores'] }[] = [
  { component: 'kube-apiserver', key: 'apiserver' },
  { component: 'etcd', key: 'etcd' },
  { component: 'kube-controller-manager', key: 'controllerManager' },
  { component: 'kube-scheduler', key: 'scheduler' },
];

const PHASES = ['baseline', 'idle', 'announce'] as const;

/** The reference window an announce window's rates are netted against. */
function referenceOf(r: RepetitionWindows): WindowRecord | undefined {
  return r.idle ?? r.baseline;
}

function levelRate(w: WindowRecord | undefined, level: string): number {
  return w?.apf?.levels.find((l) => l.priorityLevel === level)?.dispatchedPerSecond ?? 0;
}

function schemaRate(w: WindowRecord | undefined, key: string): number {
  const row = w?.apf?.flowSchemas.find((f) => `${f.flowSchema}|${f.priorityLevel}` === key);
  return row?.dispatchedPerSecond ?? 0;
}

/**
 * Control-plane health of one variant: each component's CPU per phase, APF per priority level,
 * where the agents' traffic went, the components' leases, and the saturation signals in the order
 * they first fired. Pure.
 */
export function summarizeControlPlane(reps: readonly RepetitionWindows[]): ControlPlaneSummary {
  const all = reps.flatMap((r) => PHASES.flatMap((p) => r[p] ?? [])).sort((a, b) => a.startMs - b.startMs);
  const componentsMillicores = COMPONENTS.flatMap(({ component, key }) =>
    PHASES.flatMap((phase) => {
      const values = reps.flatMap((r) => {
        const v = r[phase]?.cpuMillicores[key];
        return v === undefined ? [] : [v];
      });
      return values.length === 0 ? [] : [{ component, phase, millicores: bootstrapMedian(values) }];
    }),
  );

  const withApf = reps.filter((r) => r.announce?.apf);
  const levelNames = new Set(all.flatMap((w) => w.apf?.levels.map((l) => l.priorityLevel) ?? []));
  const priorityLevels = [...levelNames].sort().map((level) => {
    const rows = all.flatMap((w) => w.apf?.levels.filter((l) => l.priorityLevel === level) ?? []);
    const waits = rows.flatMap((l) => (l.waitP99Seconds === null ? [] : [l.waitP99Seconds]));
    const seats = rows.flatMap((l) => (l.seatsInUse === null ? [] : [l.seatsInUse]));
    return {
      priorityLevel: level,
      dispatchedPerSecond: bootstrapMedian(withApf.map((r) => levelRate(r.announce, level))),
      netDispatchedPerSecond: bootstrapMedian(
        withApf.map((r) => levelRate(r.announce, level) - levelRate(referenceOf(r), level)),
      ),
      maxWaitP99Seconds: waits.length === 0 ? null : Math.max(...waits),
      rejected: rows.reduce((s, l) => s + l.rejected, 0),
      maxSeatsInUse: seats.length === 0 ? null : Math.max(...seats),
      seatLimit: rows.find((l) => l.seatLimit !== null)?.seatLimit ?? null,
    };
  });

  const schemaKeys = new Set(
    withApf.flatMap(
      (r) => r.announce?.apf?.flowSchemas.map((f) => `${f.flowSchema}|${f.priorityLevel}`) ?? [],
    ),
  );
  const agentFlowSchemas = [...schemaKeys]
    .map((key) => {
      const [flowSchema = '', priorityLevel = ''] = key.split('|');
      const net = bootstrapMedian(
        withApf.map((r) => schemaRate(r.announce, key) - schemaRate(referenceOf(r), key)),
      );
      return { flowSchema, priorityLevel, netDispatchedPerSecond: net };
    })
    // More than half a request a second above the reference: traffic the agents added, not noise.
    .filter((f) => f.netDispatchedPerSecond.median > 0.5)
    .sort((a, b) => b.netDispatchedPerSecond.median - a.netDispatchedPerSecond.median);

  const leaseNames = new Set(all.flatMap((w) => w.controlPlaneLeases?.map((l) => l.name) ?? []));
  const leases = [...leaseNames].sort().map((name) => {
    const rows = all.flatMap((w) => w.controlPlaneLeases?.filter((l) => l.name === name) ?? []);
    const gaps = rows.flatMap((l) => (l.maxRenewGapMs === null ? [] : [l.maxRenewGapMs]));
    return {
      name,
      renewals: rows.reduce((s, l) => s + l.renewals, 0),
      maxRenewGapMs: gaps.length === 0 ? null : Math.max(...gaps),
      holderChanges: rows.reduce((s, l) => s + l.holderChanges, 0),
      windowsNotHeld: rows.filter((l) => !l.heldAtEnd).length,
    };
  });

  const agentLevels = new Set([LEADER_ELECTION_LEVEL, ...agentFlowSchemas.map((f) => f.priorityLevel)]);
  return {
    componentsMillicores,
    priorityLevels,
    agentFlowSchemas,
    leases,
    saturation: saturationSignals(all, agentLevels),
  };
}

/** Each signal once, at the first window (in time order) where it fired. */
export function saturationSignals(
  windows: readonly WindowRecord[],
  agentLevels: ReadonlySet<string>,
): SaturationSignal[] {
  const out = new Map<string, number>();
  const fire = (signal: string, w: WindowRecord) => {
    if (!out.has(signal)) out.set(signal, w.startMs);
  };
  for (const w of [...windows].sort((a, b) => a.startMs - b.startMs)) {
    for (const l of w.apf?.levels ?? []) {
      if (!agentLevels.has(l.priorityLevel)) continue;
      if (l.waitP99Seconds !== null && l.waitP99Seconds > QUEUE_WAIT_P99_THRESHOLD_SECONDS)
        fire(`queue ${l.priorityLevel}`, w);
      if (l.rejected > 0) fire(`reject ${l.priorityLevel}`, w);
    }
    for (const c of w.controlPlaneLeases ?? []) {
      const late = c.maxRenewGapMs !== null && c.maxRenewGapMs > COMPONENT_RENEW_DEADLINE_MS;
      if (c.holderChanges > 0 || !c.heldAtEnd || late) fire(`lease ${c.name}`, w);
    }
  }
  return [...out.entries()]
    .map(([signal, firstWindowStartMs]) => ({ signal, firstWindowStartMs }))
    .sort((a, b) => a.firstWindowStartMs - b.firstWindowStartMs);
}

/** The first variant (in run order) where any saturation signal fired, and its first signal. */
export function firstSaturation(
  variants: readonly { id: string; controlPlane?: { saturation: SaturationSignal[] } }[],
): { variantId: string; signal: string; signals: string[] } | null {
  for (const v of variants) {
    const s = v.controlPlane?.saturation ?? [];
    if (s.length > 0) return { variantId: v.id, signal: s[0]!.signal, signals: s.map((x) => x.signal) };
  }
  return null;
}
