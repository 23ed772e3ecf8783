import type { Summary, VariantSummary } from '../harness/results/results-schema.js';
import {
  formatDurationMs,
  formatInterval,
  formatValue,
  intervalKind,
  MIN_N_FOR_INTERVAL,
} from './format-interval.js';

/** The opening of a report: the scenario's question and the run's answer, each sentence from summary.json. */
export interface ReportAnswer {
  question: string;
  lines: AnswerLine[];
}

/** One sentence of the answer, with the items it introduces (variants set against a reference). */
export interface AnswerLine {
  text: string;
  list?: string[];
}

/** Most variants listed by name in the savings sentence; the table has the rest. */
const MAX_LISTED = 5;

/** Fault kinds as a sentence names them. */
const FAULT_NAMES: Record<string, string> = {
  crash: 'a crash',
  freeze: 'a freeze',
  partition: 'a partition',
  graceful: 'a graceful stop',
};

/** Two significant digits, no trailing zeros: `80`, `2`, `57`, `0.25`. */
function twoDigits(x: number): string {
  return String(Number(x.toPrecision(2)));
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether a variant's swept parameters include every one the reference names. */
function matches(v: VariantSummary, wanted: Record<string, string | number | boolean>): boolean {
  return Object.entries(wanted).every(([key, value]) => v.params[key] === value);
}

function paramsText(params: Record<string, string | number | boolean>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** `83 mCPU [71, 95], range of 3 values (2.1% of a 4-core node)`. */
function overheadText(v: VariantSummary, coresK: number): string {
  const pct = formatInterval(v.cpu.controlPlaneOverheadPctOfNode, { unit: '%', showN: false });
  return `${formatInterval(v.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' })} (${pct} of a ${coresK}-core node)`;
}

/** Where a figure lies against an interval, in words. */
function against(x: number, v: VariantSummary): string {
  const iv = v.cpu.controlPlaneOverheadMillicores;
  const kind = iv.n < 2 ? 'single value' : intervalKind(iv.n);
  if (iv.n >= 2 && iv.lo <= x && x <= iv.hi) return `inside this run's ${kind}`;
  const ratio = iv.median === 0 ? null : x / iv.median;
  const side = x > iv.hi ? 'above' : 'below';
  return `${side} this run's ${kind}${ratio === null ? '' : ` (${formatValue(ratio)}× the measured median)`}`;
}

/**
 * The question (the scenario's `question`, or one derived from what the run measured) and a few
 * sentences answering it: the reference figure beside the matching variant's overhead, what each
 * other variant saves against it (or against the dearest variant), how close lease requests came to
 * the model, and failover outage per fault kind. Figures carry their interval and its kind.
 */
export function reportAnswer(summary: Summary): ReportAnswer {
  const k = summary.coresK;
  const withCost = summary.variants.filter((v) => v.cpu.controlPlaneOverheadMillicores.n > 0);
  const faults = [...new Set(summary.variants.flatMap((v) => v.failover.map((f) => f.fault)))];
  const question =
    summary.question ??
    `What does ${summary.scenario} cost the control plane${faults.length > 0 ? ', and how long is a service unreachable when its node fails' : ''}?`;
  const lines: AnswerLine[] = [];
  const say = (text: string, list?: string[]) => lines.push(list ? { text, list } : { text });
  if (summary.variants.length === 0)
    return { question, lines: [{ text: 'No variant finished in this run.' }] };

  const ref = summary.reference;
  let base: VariantSummary | undefined;
  if (ref) {
    const candidates = withCost.filter((v) => matches(v, ref.variant));
    const pct = `${twoDigits(ref.controlPlaneOverheadMillicores / (10 * k))}%`;
    const theirs = `${capitalised(ref.source)} saw about ${ref.controlPlaneOverheadMillicores} mCPU (${pct} of a ${k}-core node) for ${ref.setup}`;
    base = candidates.length === 1 ? candidates[0] : undefined;
    if (base) {
      say(
        `${theirs}; this run measured ${overheadText(base, k)} for the variant that reproduces it (${base.label}): their figure lies ${against(ref.controlPlaneOverheadMillicores, base)}.`,
      );
    } else {
      const wanted = paramsText(ref.variant) || 'a single variant';
      say(
        `${theirs}; ${candidates.length === 0 ? 'no variant of this run has' : 'several variants of this run have'} that setup (${wanted}), so it is not set beside a figure.`,
      );
    }
  }
  if (!base && withCost.length > 1)
    base = withCost.reduce((a, b) =>
      b.cpu.controlPlaneOverheadMillicores.median > a.cpu.controlPlaneOverheadMillicores.median ? b : a,
    );
  if (withCost.length === 1 && !ref) {
    say(`Control-plane CPU overhead: ${overheadText(withCost[0]!, k)} (variant ${withCost[0]!.label}).`);
  } else if (base) {
    const others = withCost
      .filter((v) => v !== base)
      .sort(
        (a, b) => a.cpu.controlPlaneOverheadMillicores.median - b.cpu.controlPlaneOverheadMillicores.median,
      );
    const b = base.cpu.controlPlaneOverheadMillicores;
    const parts = others.slice(0, MAX_LISTED).map((v) => {
      const iv = v.cpu.controlPlaneOverheadMillicores;
      const diff = b.median - iv.median;
      const overlap = iv.lo <= b.hi && b.lo <= iv.hi;
      const what =
        diff >= 0
          ? `saves ${twoDigits(diff)} mCPU${b.median > 0 ? ` (${twoDigits((100 * diff) / b.median)}%)` : ''}`
          : `costs ${twoDigits(-diff)} mCPU more`;
      return `${v.label}: ${formatInterval(iv, { unit: 'mCPU' })}; ${what}${overlap ? `; the two ${Math.min(iv.n, b.n) < MIN_N_FOR_INTERVAL ? 'ranges' : 'intervals'} overlap` : ''}`;
    });
    if (parts.length > 0) {
      const head =
        ref && base
          ? `Against ${base.label}`
          : `Against the dearest variant, ${base.label} (${overheadText(base, k)})`;
      const more = others.length > MAX_LISTED ? ` (${others.length - MAX_LISTED} more in the table)` : '';
      say(`${head}, the other variants cost (differences of medians)${more}:`, parts);
    }
  }

  // All verbs together when the summary has that figure, else each verb's.
  const perVariant = summary.variants.map((v) =>
    v.requestsTotal ? [v.requestsTotal.relativeError] : v.requests.map((r) => r.relativeError),
  );
  const withModel = perVariant.filter((xs) => xs.length > 0 && xs.every((x) => x !== null));
  const errors = withModel.flat() as number[];
  if (errors.length > 0) {
    const worst = Math.max(...errors.map(Math.abs));
    say(
      `Lease requests per second came within ${twoDigits(100 * worst)}% of the model in ${withModel.length === summary.variants.length ? 'every variant' : `the ${withModel.length} variants with a model figure`}.`,
    );
  }

  for (const fault of faults) {
    const rows = summary.variants.flatMap((v) => v.failover.filter((f) => f.fault === fault));
    const range = (xs: (number | null)[]) => {
      const ok = xs.filter((x): x is number => x !== null);
      if (ok.length === 0) return 'n/a';
      const lo = Math.min(...ok);
      const hi = Math.max(...ok);
      return lo === hi ? formatDurationMs(lo) : `${formatDurationMs(lo)} to ${formatDurationMs(hi)}`;
    };
    const trials = rows.map((f) => f.outageMs.n);
    const failed = rows.reduce((a, f) => a + f.failedTrials, 0);
    const spread = rows.length > 1 ? ` across ${rows.length} variants` : '';
    const counts =
      Math.min(...trials) === Math.max(...trials)
        ? `${trials[0]} recovered trial${trials[0] === 1 ? '' : 's'}${rows.length > 1 ? ' each' : ''}`
        : `${Math.min(...trials)}–${Math.max(...trials)} recovered trials each`;
    const outage = trials.every((n) => n === 1)
      ? `${range(rows.map((f) => f.outageMs.p50))}`
      : `p50 ${range(rows.map((f) => f.outageMs.p50))}, p95 ${range(rows.map((f) => f.outageMs.p95))}`;
    say(
      `Failover after ${FAULT_NAMES[fault] ?? fault}: the service was unreachable for ${outage}${spread} (${counts}${failed > 0 ? `; ${failed} never recovered` : ''}).`,
    );
  }
  return { question, lines };
}
