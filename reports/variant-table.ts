import type { VariantSummary } from '../harness/run/results-schema.js';
import { formatDurationMs, formatInterval, formatRelative, formatValue } from './format-interval.js';
import { leaseText } from './specs/chart.js';

/** A table as plain text cells; HTML and Markdown writers escape and lay it out. */
export interface TextTable {
  columns: string[];
  rows: string[][];
  /** Column indexes whose cells read badly when wrapped (intervals); HTML keeps them on one line. */
  nowrap?: number[];
}

/** How a variant's measured request rate compares with the model, e.g. `get 151/s [148, 153], n=3; model 150/s (+0.7%, inside the interval)`. */
export function requestText(r: VariantSummary['requests'][number]): string {
  const measured = `${r.verb} ${formatInterval(r.measuredPerSecond, { unit: '/s' })}`;
  if (r.modelPerSecond === null) return `${measured}; no model`;
  const m = r.measuredPerSecond;
  const inside = m.n > 1 && m.lo <= r.modelPerSecond && r.modelPerSecond <= m.hi;
  const rel =
    r.relativeError ?? (r.modelPerSecond === 0 ? null : (m.median - r.modelPerSecond) / r.modelPerSecond);
  return `${measured}; model ${formatValue(r.modelPerSecond, '/s')} (${formatRelative(rel)}${inside ? ', inside the interval' : ''})`;
}

/**
 * Said where a figure needs our agent's own log lines (its `bind` events) and a peer implementation
 * has none: ARP convergence of kube-vip runs.
 */
export const NOT_FROM_PEER = (implementation: string) => `not available from ${implementation}`;

/**
 * Failover of one fault kind, e.g. `crash: p50 15.2 s, p95 16.3 s (n=5); 1 never recovered;
 * takeover p50 15.1 s; ARP convergence p50 10 ms`. Takeover comes from the Lease's acquireTime (any
 * implementation); ARP convergence from the bundled agent's bind events, so a peer says so.
 */
export function failoverText(f: VariantSummary['failover'][number], implementation = 'bundled'): string {
  const o = f.outageMs;
  const parts = [`${f.fault}: p50 ${formatDurationMs(o.p50)}, p95 ${formatDurationMs(o.p95)} (n=${o.n})`];
  if (f.failedTrials > 0) parts.push(`${f.failedTrials} never recovered`);
  if (f.dualAnsweringTrials > 0) parts.push(`${f.dualAnsweringTrials} with two nodes answering`);
  if (f.takeoverMs.n > 0) parts.push(`takeover p50 ${formatDurationMs(f.takeoverMs.p50)}`);
  if (f.arpConvergenceMs.n > 0) parts.push(`ARP convergence p50 ${formatDurationMs(f.arpConvergenceMs.p50)}`);
  else if (implementation !== 'bundled') parts.push(`ARP convergence ${NOT_FROM_PEER(implementation)}`);
  return parts.join('; ');
}

/** The per-variant summary table of a run report. Cells with several entries are joined by ` · `. */
export function variantTable(variants: readonly VariantSummary[], coresK: number): TextTable {
  const columns = [
    'variant',
    'nodes × services',
    'lease',
    'CPU overhead',
    // The seed's definition (announce − the same agents announcing nothing); absent without idle windows.
    'CPU overhead vs idle agents',
    `% of a ${coresK}-core node`,
    'lease requests vs model',
    'failover outage',
    'announce time',
    'notes',
  ];
  const rows = variants.map((v) => [
    v.label,
    `${v.selectedNodes === v.nodes ? v.nodes : `${v.selectedNodes} of ${v.nodes}`} × ${v.announcedServices}`,
    `${leaseText(v)} (${v.strategy}, ${v.implementation})`,
    formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' }),
    v.cpu.overheadVsIdleMillicores ? formatInterval(v.cpu.overheadVsIdleMillicores, { unit: 'mCPU' }) : '—',
    formatInterval(v.cpu.controlPlaneOverheadPctOfNode, { unit: '%' }),
    v.requests.length === 0
      ? '—'
      : [
          ...(v.requestsTotal && v.requestsTotal.measuredPerSecond.n > 0
            ? [requestText({ verb: 'all', ...v.requestsTotal })]
            : []),
          ...v.requests.map(requestText),
        ].join(' · '),
    v.failover.length === 0
      ? 'no faults injected'
      : v.failover.map((f) => failoverText(f, v.implementation)).join(' · '),
    formatDurationMs(v.announceTimeMs),
    v.notes.length === 0 ? '' : v.notes.join(' · '),
  ]);
  return { columns, rows, nowrap: [3, 4, 5, 8] };
}
