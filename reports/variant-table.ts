import type { VariantSummary } from '../harness/results/results-schema.js';
import {
  formatDurationMs,
  formatInterval,
  formatRelative,
  formatValue,
  intervalKind,
  MIN_N_FOR_INTERVAL,
} from './format-interval.js';
import { leaseText, whoDecides } from './specs/chart.js';
import { verbName } from './variant-metrics.js';

/** A table as plain text cells; HTML and Markdown writers escape and lay it out. */
export interface TextTable {
  columns: string[];
  rows: string[][];
  /** Column indexes whose cells read badly when wrapped (intervals); HTML keeps them on one line. */
  nowrap?: number[];
  /** Long remarks printed under the table, numbered; cells refer to them as `[1]`. */
  footnotes?: string[];
}

/** How a variant's measured request rate compares with the model, e.g. `get 151/s [148, 153], n=3; model 150/s (+0.7%, inside the interval)`. */
export function requestText(r: VariantSummary['requests'][number], showN = true): string {
  const measured = `${r.verb === 'all' ? 'all' : verbName(r.verb)} ${formatInterval(r.measuredPerSecond, { unit: '/s', showN })}`;
  if (r.modelPerSecond === null) return `${measured}; no model`;
  const m = r.measuredPerSecond;
  const inside = m.n > 1 && m.lo <= r.modelPerSecond && r.modelPerSecond <= m.hi;
  const rel =
    r.relativeError ?? (r.modelPerSecond === 0 ? null : (m.median - r.modelPerSecond) / r.modelPerSecond);
  return `${measured}; model ${formatValue(r.modelPerSecond, '/s')} (${formatRelative(rel)}${inside ? `, inside the ${m.n < MIN_N_FOR_INTERVAL ? 'range' : 'interval'}` : ''})`;
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
  parts.push(dualAnsweringText(f));
  if (f.apiOutage) {
    const a = f.apiOutage;
    parts.push(
      `VIPs silent per trial p50 ${a.vipsSilent.p50 ?? '—'}, max ${a.vipsSilent.max ?? '—'}; ` +
        `silence p50 ${formatDurationMs(a.silentMs.p50)}, max ${formatDurationMs(a.silentMs.max)}; ` +
        `answering again p95 ${formatDurationMs(a.answeredAfterRestoreMs.p95)} after the API server returned`,
    );
  }
  if (f.takeoverMs.n > 0) parts.push(`takeover p50 ${formatDurationMs(f.takeoverMs.p50)}`);
  if (f.arpConvergenceMs.n > 0) parts.push(`ARP convergence p50 ${formatDurationMs(f.arpConvergenceMs.p50)}`);
  else if (implementation !== 'bundled') parts.push(`ARP convergence ${NOT_FROM_PEER(implementation)}`);
  return parts.join('; ');
}

/**
 * Two nodes answering for one VIP, beside the outage: how many trials, and for how long, and where
 * the figure comes from (the wire, or, in summaries written before the wire watch, the probes).
 */
export function dualAnsweringText(f: VariantSummary['failover'][number]): string {
  const d = f.dualAnsweringMs;
  const n = d?.n ?? 0;
  const wire = f.dualAnsweringWireTrials ?? 0;
  const from = n > 0 && wire === n ? 'wire' : wire === 0 ? 'probes' : `wire in ${wire} of ${n}`;
  if (d && n === 0)
    return 'two nodes answering: not observed (the probes reach an echo pod, not the announcer)';
  if (f.dualAnsweringTrials === 0) return `two nodes answering: never (${from})`;
  const spread =
    d && d.max !== null ? `, p50 ${formatDurationMs(d.p50)}, max ${formatDurationMs(d.max)}` : '';
  const of = n > 0 ? ` of ${n}` : '';
  const a = f.dualAnsweringAfterLiftMs;
  const afterLift =
    a && a.max !== null
      ? `; after the fault lifted p50 ${formatDurationMs(a.p50)}, max ${formatDurationMs(a.max)}`
      : '';
  return `two nodes answering in ${f.dualAnsweringTrials}${of} trials${spread}${afterLift} (${from})`;
}

/**
 * The per-variant summary table of a run report. Cells with several entries are joined by ` · `.
 * When every interval of the run has the same number of values, the header says what the brackets
 * are (`median [range of 3 values]`) instead of every cell; variants' notes become footnotes, so the
 * table fits a 1400-pixel page.
 */
export function variantTable(variants: readonly VariantSummary[], coresK: number): TextTable {
  const ns = new Set(
    variants.flatMap((v) => [
      v.cpu.controlPlaneOverheadMillicores.n,
      ...(v.cpu.overheadVsIdleMillicores ? [v.cpu.overheadVsIdleMillicores.n] : []),
      ...v.requests.map((r) => r.measuredPerSecond.n),
      ...(v.requestsTotal ? [v.requestsTotal.measuredPerSecond.n] : []),
    ]),
  );
  const [onlyN] = ns;
  const uniform = ns.size === 1 && onlyN !== undefined && onlyN > 1;
  const brackets = uniform ? `, median [${intervalKind(onlyN)}]` : '';
  const columns = [
    'variant',
    'N × M (services × nodes)',
    'lease, and who decides',
    `CPU overhead${brackets}`,
    // The seed's definition (announce − the same agents announcing nothing); absent without idle windows.
    `CPU overhead vs idle agents${brackets}`,
    `% of a ${coresK}-core node`,
    `lease requests vs model${brackets}`,
    'failover outage',
    'announce time',
  ];
  const footnotes: string[] = [];
  const rows = variants.map((v) => {
    const marks = v.notes.map((note) => {
      footnotes.push(`${v.label}: ${note}`);
      return `[${footnotes.length}]`;
    });
    return [
      marks.length === 0 ? v.label : `${v.label} ${marks.join('')}`,
      `${v.announcedServices} × ${v.selectedNodes === v.nodes ? v.nodes : `${v.selectedNodes} of ${v.nodes}`}`,
      // Strategies are the bundled agent's; a peer's own mode is in its implementation name.
      `${leaseText(v)} (${v.implementation === 'bundled' ? `${v.strategy}, bundled` : v.implementation}; decided by ${whoDecides(v)})`,
      formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU', showN: !uniform }),
      v.cpu.overheadVsIdleMillicores
        ? formatInterval(v.cpu.overheadVsIdleMillicores, { unit: 'mCPU', showN: !uniform })
        : '—',
      formatInterval(v.cpu.controlPlaneOverheadPctOfNode, { unit: '%', showN: !uniform }),
      v.requests.length === 0
        ? '—'
        : [
            ...(v.requestsTotal && v.requestsTotal.measuredPerSecond.n > 0
              ? [requestText({ verb: 'all', ...v.requestsTotal }, !uniform)]
              : []),
            ...v.requests.map((r) => requestText(r, !uniform)),
          ].join(' · '),
      v.failover.length === 0
        ? 'no faults injected'
        : v.failover.map((f) => failoverText(f, v.implementation)).join(' · '),
      formatDurationMs(v.announceTimeMs),
    ];
  });
  return { columns, rows, nowrap: uniform ? [3, 4, 5, 8] : [8], footnotes };
}
