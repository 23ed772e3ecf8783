import { BOOTSTRAP_RESAMPLES, DEFAULT_BOOTSTRAP_SEED, mulberry32, quantile } from '../results/statistics.js';

/** One calibration window: measured lease request rates by verb and one component's CPU. */
export interface CalibrationPoint {
  /** Requests per second by verb (uppercase), from apiserver_request_total deltas. */
  perSecond: Record<string, number>;
  millicores: number;
  /**
   * The window's place in the design (the verb it drove, or `idle`): the bootstrap resamples
   * within each stratum, so every resample keeps windows of every verb. Absent: one stratum.
   */
  stratum?: string;
}

/** A fitted cost: least-squares estimate and 95% percentile-bootstrap interval. */
export interface FittedCost {
  estimate: number;
  lo: number;
  hi: number;
}

/** CPU of one component as intercept + Σ verb rate × cost per request (millicores per request/s). */
export interface ComponentFit {
  /** CPU at no lease traffic (the component's own work: its identity lease, scrapes, GC). */
  intercept: FittedCost;
  /** mCPU per (request per second) by verb, i.e. CPU-milliseconds per request. */
  perRequest: Record<string, FittedCost>;
  /** Bootstrap draws of the per-request costs, in `verbs` order, for intervals of predictions. */
  draws: number[][];
  points: number;
}

/**
 * Solves the normal equations XᵀX β = Xᵀy of ordinary least squares by Gaussian elimination with
 * partial pivoting; null when the design is singular (e.g. a resample without one verb's windows).
 */
export function leastSquares(rows: readonly number[][], y: readonly number[]): number[] | null {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) => rows.reduce((s, r, n) => s + r[i]! * (j < k ? r[j]! : y[n]!), 0)),
  );
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    const scale = Math.max(...a.map((r) => Math.abs(r[c]!)), 1e-300);
    if (Math.abs(a[p]![c]!) < 1e-9 * scale) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((r, i) => r[k]! / r[i]!);
}

/** Bootstrap draws kept per component: enough for 2.5/97.5% ends of a prediction, small in JSON. */
const KEPT_DRAWS = 400;

/**
 * Fits `millicores = a + Σ_v b_v × perSecond_v` over the windows (every verb's rate is a
 * regressor, so the few GETs a PUT window needs count as GETs); intervals resample windows with
 * replacement within each stratum (seeded, so a fit is reproducible) and take the 2.5/97.5%
 * quantiles of the refits. Resampling across strata would draw sets without one verb's windows,
 * where that verb's rate is only the control plane's own ~1/s: nearly collinear with the
 * intercept, such a refit gave costs of ±600 CPU-ms and intervals that meant nothing.
 * Throws when the design cannot separate the verbs (too few distinct rates).
 */
export function fitComponent(points: readonly CalibrationPoint[], verbs: readonly string[]): ComponentFit {
  const row = (p: CalibrationPoint) => [1, ...verbs.map((v) => p.perSecond[v] ?? 0)];
  const fit = (ps: readonly CalibrationPoint[]) =>
    leastSquares(
      ps.map(row),
      ps.map((p) => p.millicores),
    );
  const full = fit(points);
  if (!full)
    throw new RangeError(
      `calibration: ${points.length} windows cannot separate ${verbs.join(', ')}: run more distinct rates per verb`,
    );
  const random = mulberry32(DEFAULT_BOOTSTRAP_SEED);
  const strata = new Map<string, CalibrationPoint[]>();
  for (const p of points) strata.set(p.stratum ?? '', [...(strata.get(p.stratum ?? '') ?? []), p]);
  const draws: number[][] = [];
  for (let i = 0; i < BOOTSTRAP_RESAMPLES; i++) {
    const sample = [...strata.values()].flatMap((s) => s.map(() => s[Math.floor(random() * s.length)]!));
    const b = fit(sample);
    if (b) draws.push(b);
  }
  const cost = (i: number): FittedCost => {
    const col = draws.map((d) => d[i]!);
    return col.length === 0
      ? { estimate: full[i]!, lo: full[i]!, hi: full[i]! }
      : { estimate: full[i]!, lo: quantile(col, 0.025), hi: quantile(col, 0.975) };
  };
  const step = Math.max(1, Math.ceil(draws.length / KEPT_DRAWS));
  return {
    intercept: cost(0),
    perRequest: Object.fromEntries(verbs.map((v, i) => [v, cost(i + 1)])),
    draws: draws.filter((_, i) => i % step === 0).map((d) => d.slice(1)),
    points: points.length,
  };
}

/**
 * Σ rate × cost per request over one or more components (kube-apiserver + etcd), with a 95%
 * interval from the fits' bootstrap draws: the verbs' costs are correlated through the shared
 * windows, so their intervals are not simply added; components fitted over the same windows with
 * the same seed resampled the same windows, so their i-th draws pair up.
 */
export function predictMillicores(
  fits: ComponentFit | readonly ComponentFit[],
  verbs: readonly string[],
  perSecond: Record<string, number>,
): FittedCost {
  const list = Array.isArray(fits) ? (fits as readonly ComponentFit[]) : [fits as ComponentFit];
  const dot = (cost: (v: string, i: number) => number) =>
    verbs.reduce((s, v, i) => s + (perSecond[v] ?? 0) * cost(v, i), 0);
  const estimate = list.reduce((s, f) => s + dot((v) => f.perRequest[v]?.estimate ?? 0), 0);
  const n = Math.min(...list.map((f) => f.draws.length));
  if (n === 0 || !Number.isFinite(n)) return { estimate, lo: estimate, hi: estimate };
  const sims = Array.from({ length: n }, (_, k) =>
    list.reduce((s, f) => s + dot((_, i) => f.draws[k]![i] ?? 0), 0),
  );
  return { estimate, lo: quantile(sims, 0.025), hi: quantile(sims, 0.975) };
}

/** The per-window figures a calibration fit reads (calibration-schema's CalibrationWindow). */
interface FitWindow {
  verb: string | null;
  perSecond: Record<string, number>;
  apiserverMillicores: number;
  etcdMillicores: number;
}

/**
 * kube-apiserver's and etcd's fits over calibration windows, stratified by the verb each window
 * drove (`idle` for none). Throws {@link fitComponent}'s RangeError when the verbs cannot be told apart.
 */
export function fitCalibrationWindows(
  windows: readonly FitWindow[],
  verbs: readonly string[],
): { apiserver: ComponentFit; etcd: ComponentFit } {
  const points = (pick: (w: FitWindow) => number): CalibrationPoint[] =>
    windows.map((w) => ({ perSecond: w.perSecond, millicores: pick(w), stratum: w.verb ?? 'idle' }));
  return {
    apiserver: fitComponent(
      points((w) => w.apiserverMillicores),
      verbs,
    ),
    etcd: fitComponent(
      points((w) => w.etcdMillicores),
      verbs,
    ),
  };
}
