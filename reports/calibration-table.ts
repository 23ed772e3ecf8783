import type { VariantSummary } from '../harness/results/results-schema.js';
import { formatInterval } from './format-interval.js';
import type { TextTable } from './variant-table.js';

/** Read above the table: where the unit costs come from and what is compared. */
export const CALIBRATION_TABLE_NOTE =
  "Unit costs fitted in this run, on each variant's own cluster: k6 drove pure Lease GETs and PUTs at fixed rates over the idle agents after each idle window (measurement.calibration), and kube-apiserver's and etcd's CPU was fitted as intercept + Σ rate × CPU-ms per request (least squares, 95% bootstrap interval within each verb's windows). The prediction multiplies the model's service-Lease rates by those costs; the measurement is announce − idle, median [95% bootstrap interval].";

type FittedCost = { estimate: number; lo: number; hi: number };
const cost = (x: FittedCost | undefined, d: number) =>
  x ? `${x.estimate.toFixed(d)} [${x.lo.toFixed(d)}, ${x.hi.toFixed(d)}]` : '—';

/** One row per variant with an in-run calibration; null when none has one. */
export function calibrationTable(variants: readonly VariantSummary[]): TextTable | null {
  const rows = variants.flatMap((v) => {
    const c = v.calibration;
    if (!c) return [];
    const rates = Object.entries(c.modelPerSecondVsIdle)
      .map(([verb, r]) => `${verb} ${r.toFixed(2)}`)
      .join(', ');
    const measured = v.cpu.overheadVsIdleMillicores;
    return [
      [
        v.id,
        `${cost(c.apiserverMsPerRequest.GET, 2)} / ${cost(c.apiserverMsPerRequest.PUT, 2)}`,
        `${cost(c.etcdMsPerRequest.GET, 2)} / ${cost(c.etcdMsPerRequest.PUT, 2)}`,
        rates,
        cost(c.predictedVsIdleMillicores, 0),
        measured ? formatInterval(measured, { unit: 'mCPU' }) : '—',
        c.errorPct === null ? '—' : `${c.errorPct >= 0 ? '+' : ''}${c.errorPct.toFixed(0)}%`,
        `${c.loadWindows} + ${c.idleWindows}`,
      ],
    ];
  });
  if (rows.length === 0) return null;
  return {
    columns: [
      'variant',
      'kube-apiserver CPU-ms per GET / PUT',
      'etcd CPU-ms per GET / PUT',
      'model lease req/s vs idle',
      'predicted vs idle, mCPU',
      'measured vs idle',
      'error',
      'load + idle windows',
    ],
    rows,
  };
}
