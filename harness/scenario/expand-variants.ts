import { validateScenario } from './scenario-file.js';
import { type ResolvedScenario, resolveScenario, type Scenario, type SweepValue } from './scenario-schema.js';

/** One point of a scenario's sweep: what the runner brings up, measures and summarizes once. */
export interface Variant {
  /** Stable, short and filename-safe: `v01-announced=5_selection=policy` (`v01-base` without a sweep). */
  id: string;
  /** For people: `announced=5, selection=policy`. */
  label: string;
  /** The swept values by full dotted path, as written in the sweep. */
  params: Record<string, SweepValue>;
  /** The base scenario with `params` applied, re-validated, derived defaults filled, sweep emptied. */
  scenario: ResolvedScenario;
}

const MAX_ID_LENGTH = 80;

/**
 * Expands a scenario's sweep into variants: the cross product of the swept lists (first key
 * varies slowest) or, with `sweepMode: zip`, their i-th elements together. Every variant is
 * validated again, so a swept value that breaks a rule (say 2000 services for a /24 pool) is a
 * ScenarioError naming the variant, raised before anything starts.
 */
export function expandVariants(scenario: Scenario, source: string = `scenario ${scenario.name}`): Variant[] {
  const keys = Object.keys(scenario.sweep);
  const points = sweepPoints(scenario);
  const names = shortNames(keys);
  const width = Math.max(2, String(points.length).length);
  // A key with the same value in every variant (a zip column of 3s) tells variants nothing apart.
  const varying = new Set(
    keys.filter((k) => points.length === 1 || new Set(points.map((p) => String(p[k]))).size > 1),
  );
  return points.map((params, index) => {
    const number = `v${String(index + 1).padStart(width, '0')}`;
    const applied: Record<string, unknown> = structuredClone({ ...scenario, sweep: {} });
    for (const key of keys) setAtPath(applied, key.split('.'), params[key]);
    const implementation = (applied.announcer as { implementation?: string } | undefined)?.implementation;
    // A swept field the variant's implementation has no use for (MetalLB's lease timers, a bundled
    // strategy on kube-vip) stays in `params` but not in the name people read.
    const parts = keys
      .filter((key) => varying.has(key) && sweptFieldApplies(key, implementation ?? 'bundled'))
      .map((key) => `${names.get(key)}=${String(params[key])}`);
    const id = parts.length === 0 ? `${number}-base` : safeId(`${number}-${parts.join('_')}`);
    const label = parts.length === 0 ? 'base' : parts.join(', ');
    const validated = validateScenario(applied, `${source}, variant ${id}`);
    return { id, label, params, scenario: resolveScenario(validated) };
  });
}

/** Announcer fields only a Lease-based implementation reads (MetalLB elects by memberlist and a hash). */
const LEASE_FIELDS = new Set([
  'announcer.leaseDurationMs',
  'announcer.renewDeadlineMs',
  'announcer.retryPeriodMs',
  'announcer.renewMode',
  'announcer.leaseNameStyle',
  'announcer.stepDown',
  'announcer.onApiOutage',
]);

/** Whether a swept field means anything to `implementation` (for variant names only). */
export function sweptFieldApplies(key: string, implementation: string): boolean {
  if (key === 'announcer.strategy') return implementation === 'bundled';
  if (key === 'announcer.kubeVipMode') return implementation === 'kube-vip';
  if (LEASE_FIELDS.has(key)) return implementation !== 'metallb';
  return true;
}

function sweepPoints(scenario: Scenario): Record<string, SweepValue>[] {
  const entries = Object.entries(scenario.sweep);
  if (entries.length === 0) return [{}];
  if (scenario.sweepMode === 'zip') {
    // The schema checked equal lengths; the shortest list still bounds us if it was bypassed.
    const length = Math.min(...entries.map(([, values]) => values.length));
    return Array.from({ length }, (_, i) =>
      Object.fromEntries(entries.map(([key, values]) => [key, values[i]!])),
    );
  }
  let points: Record<string, SweepValue>[] = [{}];
  for (const [key, values] of entries) {
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

/** The shortest dotted suffix of each key that no other key ends with. */
function shortNames(keys: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const key of keys) {
    const segments = key.split('.');
    let name = key;
    for (let take = 1; take <= segments.length; take++) {
      const candidate = segments.slice(-take).join('.');
      const clash = keys.some(
        (other) => other !== key && (other === candidate || other.endsWith(`.${candidate}`)),
      );
      if (!clash) {
        name = candidate;
        break;
      }
    }
    names.set(key, name);
  }
  return names;
}

function safeId(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._=-]/g, '_');
  return safe.length > MAX_ID_LENGTH ? safe.slice(0, MAX_ID_LENGTH) : safe;
}

function setAtPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}
