import type { VariantSummary, WindowRecord } from '../results/results-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/**
 * Why a variant saturated the control plane, or null: overhead above 50% of the K-core node, lease
 * requests answered with 429 (API priority and fairness throttling) or 5xx, or VIPs that were not
 * all announced within one measurement window.
 */
export function saturation(vs: VariantSummary, windows: readonly WindowRecord[], s: Scenario): string | null {
  const first = vs.controlPlane?.saturation[0];
  if (first) return `control plane: ${first.signal} fired first`;
  const pct = vs.cpu.controlPlaneOverheadPctOfNode;
  if (pct.n > 0 && pct.median > 50)
    return `control-plane overhead ${pct.median.toFixed(1)}% of a ${s.coresK}-core node`;
  const bad = windows.flatMap((w) =>
    w.leaseRequests.filter((r) => r.code === '429' || r.code.startsWith('5')),
  );
  if (bad.length > 0)
    return `lease requests answered ${[...new Set(bad.map((r) => `${r.verb} ${r.code}`))].join(', ')}`;
  if (vs.announceTimeMs === null || vs.announceTimeMs > s.measurement.windowSeconds * 1000) {
    return `VIPs not all announced within one ${s.measurement.windowSeconds}s window`;
  }
  return null;
}
