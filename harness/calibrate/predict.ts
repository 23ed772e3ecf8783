import { readFileSync } from 'node:fs';
import { MeasureError } from '../errors.js';
import { type LeaseModel, leaseModelForScenario, serviceLeasesOnly } from '../measure/analytic-model.js';
import type { Interval, Summary } from '../results/results-schema.js';
import type { Variant } from '../scenario/expand-variants.js';
import { type FittedCost, predictMillicores } from './calibration-fit.js';
import { Calibration } from './calibration-schema.js';

/** Reads and validates a calibration.json; one-line error naming the file and the fix. */
export function readCalibration(file: string): Calibration {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MeasureError(
      `--calibration ${file}: cannot read it: run \`l2bench calibrate --out ${file}\` first`,
    );
  }
  const parsed = Calibration.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new MeasureError(
      `--calibration ${file}: not a calibration.json (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}): rerun \`l2bench calibrate\``,
    );
  return parsed.data;
}

/** Expected control-plane overhead of a variant from the model's lease rates × unit costs. */
export interface Prediction {
  id: string;
  label: string;
  perSecond: Record<string, number>;
  apiserver: FittedCost;
  etcd: FittedCost;
  /** Against no agents: every line of the model (the IPAM operator's Lease included). */
  controlPlane: FittedCost;
  /** Against idle agents (the seed's definition): the service Leases alone ({@link serviceLeasesOnly}). */
  controlPlaneVsIdle: FittedCost;
  perSecondVsIdle: Record<string, number>;
}

/** A model's GET and PUT rates, by the verbs the calibration fits. */
function verbRates(m: LeaseModel): Record<string, number> {
  return { GET: m.getPerSecond, PUT: m.updatePerSecond };
}

/** The analytic model's steady lease rates of a variant, by verb, times the calibrated costs. Pure. */
export function predictVariant(v: Variant, c: Calibration): Prediction {
  const m = leaseModelForScenario(v.scenario);
  const perSecond = verbRates(m);
  const perSecondVsIdle = verbRates(serviceLeasesOnly(m));
  return {
    id: v.id,
    label: v.label,
    perSecond,
    apiserver: predictMillicores(c.fits.apiserver, c.verbs, perSecond),
    etcd: predictMillicores(c.fits.etcd, c.verbs, perSecond),
    controlPlane: predictMillicores([c.fits.apiserver, c.fits.etcd], c.verbs, perSecond),
    controlPlaneVsIdle: predictMillicores([c.fits.apiserver, c.fits.etcd], c.verbs, perSecondVsIdle),
    perSecondVsIdle,
  };
}

/** A measured variant's overhead split into measured lease rates × unit costs and the rest. */
export interface Decomposition {
  id: string;
  measured: Interval;
  /** What `measured` is announce minus: the idle window (agents, no service) or the baseline (no agents). */
  reference: 'idle agents' | 'no agents';
  perSecond: Record<string, number>;
  /** Σ measured rate × cost per request (kube-apiserver + etcd). */
  explained: FittedCost;
  /** measured − explained: watches, lists, connections, agents' idle work, noise. */
  residual: number;
}

/** Decomposes every variant of a results summary with a calibration. Pure. */
export function decomposeSummary(s: Summary, c: Calibration): Decomposition[] {
  return s.variants.map((v) => {
    const perSecond: Record<string, number> = {};
    for (const r of v.requests) if (c.verbs.includes(r.verb)) perSecond[r.verb] = r.measuredPerSecond.median;
    const explained = predictMillicores([c.fits.apiserver, c.fits.etcd], c.verbs, perSecond);
    // Announce − idle where measured: the same agents electing nothing, so their watches and lists
    // cancel, leaving what lease requests are meant to explain. Else announce − no agents.
    const vsIdle = v.cpu.overheadVsIdleMillicores;
    const measured = vsIdle && vsIdle.n > 0 ? vsIdle : v.cpu.controlPlaneOverheadMillicores;
    return {
      id: v.id,
      measured,
      reference: measured === vsIdle ? 'idle agents' : 'no agents',
      perSecond,
      explained,
      residual: measured.median - explained.estimate,
    };
  });
}

const f = (x: FittedCost, d = 0) => `${x.estimate.toFixed(d)} [${x.lo.toFixed(d)}, ${x.hi.toFixed(d)}]`;
const rates = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([v, x]) => `${v} ${x.toFixed(2)}/s`)
    .join(', ');

/** The text `l2bench predict` prints. */
export function formatPredictions(
  c: Calibration,
  predictions: readonly Prediction[],
  decompositions: readonly Decomposition[] = [],
): string {
  const cost = (k: 'apiserver' | 'etcd') =>
    c.verbs.map((v) => `${v} ${f(c.fits[k].perRequest[v]!, 3)}`).join(', ');
  const lines = [
    `calibration ${c.createdAt} (${c.windows.length} windows × ${c.windowSeconds} s, ${c.identity}, ${c.environment.cores} cores ${c.environment.cpuModel})`,
    `  CPU-ms per request [95% CI]: kube-apiserver ${cost('apiserver')}; etcd ${cost('etcd')}`,
    '',
    'predicted control-plane overhead from the model rates (lease requests only; watches, lists and idle agents not included):',
  ];
  for (const p of predictions)
    lines.push(
      `  ${p.id}: ${rates(p.perSecond)} → kube-apiserver ${f(p.apiserver)} + etcd ${f(p.etcd)} = ${f(p.controlPlane)} mCPU; vs idle agents (service Leases only: ${rates(p.perSecondVsIdle)}) ${f(p.controlPlaneVsIdle)} mCPU`,
    );
  if (decompositions.length > 0) {
    lines.push('', 'measured overhead = measured lease rates × unit cost + residual:');
    for (const d of decompositions) {
      const m = d.measured;
      lines.push(
        `  ${d.id}: ${m.median.toFixed(0)} [${m.lo.toFixed(0)}, ${m.hi.toFixed(0)}] mCPU (vs ${d.reference}) = ${f(d.explained)} (${rates(d.perSecond)}) + residual ${d.residual.toFixed(0)}`,
      );
    }
  }
  return lines.join('\n');
}
