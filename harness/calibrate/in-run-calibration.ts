import { leaseModelForScenario, serviceLeasesOnly } from '../measure/analytic-model.js';
import type { Environment, Interval, VariantSummary, WindowRecord } from '../results/results-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { type ComponentFit, fitCalibrationWindows, predictMillicores } from './calibration-fit.js';
import { type Calibration, type CalibrationWindow, calibrationWindowOf } from './calibration-schema.js';

/** The verbs an in-run calibration drives (the scenario rules ask for rates of both). */
const VERBS = ['GET', 'PUT'] as const;

/** The calibration windows a scenario asks for, in the order they run: every GET rate, then every PUT rate. */
export function calibrationSteps(
  c: Scenario['measurement']['calibration'],
): { verb: 'GET' | 'PUT'; rate: number }[] {
  return [
    ...c.getPerSecond.map((rate) => ({ verb: 'GET' as const, rate })),
    ...c.putPerSecond.map((rate) => ({ verb: 'PUT' as const, rate })),
  ];
}

/** A variant's idle and calibration windows as calibration windows (idle: no load, the intercept). */
export function calibrationWindowsOf(
  windows: readonly WindowRecord[],
  variantId: string,
): CalibrationWindow[] {
  return windows
    .filter((w) => w.variantId === variantId && (w.phase === 'idle' || w.phase === 'calibration'))
    .map((w) => calibrationWindowOf(w, w.phase === 'calibration' ? (w.load ?? null) : null));
}

export interface InRunFit {
  windows: CalibrationWindow[];
  fits: { apiserver: ComponentFit; etcd: ComponentFit };
}

/**
 * Fits CPU per Lease request by verb over a variant's idle windows (the intercept: the same idle
 * agents, no load) and its calibration windows (k6's fixed-rate GETs or PUTs on top), stratified by
 * the verb each window drove. Null without a load window of every verb, or when the windows cannot
 * separate the verbs. Pure.
 */
export function fitInRun(windows: readonly WindowRecord[], variantId: string): InRunFit | null {
  const ws = calibrationWindowsOf(windows, variantId);
  if (!VERBS.every((v) => ws.some((w) => w.verb === v))) return null;
  try {
    return { windows: ws, fits: fitCalibrationWindows(ws, VERBS) };
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** The file name of a variant's in-run calibration beside its summary. */
export function inRunCalibrationFile(variantId: string): string {
  return `calibration-${variantId}.json`;
}

/** An in-run fit as a calibration.json `l2bench predict --calibration` reads. */
export function inRunCalibration(
  fit: InRunFit,
  o: { environment: Environment; windowSeconds: number },
): Calibration {
  const lastEnd = Math.max(...fit.windows.map((w) => w.endMs));
  return {
    formatVersion: 1,
    createdAt: new Date(lastEnd).toISOString(),
    environment: o.environment,
    // Every backend's runner gives the agents a bound ServiceAccount token; k6 uses the same.
    identity: 'bearer-token',
    windowSeconds: o.windowSeconds,
    verbs: [...VERBS],
    windows: fit.windows,
    fits: fit.fits,
  };
}

/**
 * What the summary says of an in-run fit: unit costs, and announce − idle predicted from the
 * model's service-Lease rates beside the measured one. Pure.
 */
export function summarizeInRunCalibration(
  fit: InRunFit,
  s: Scenario,
  measuredVsIdle: Interval | undefined,
  variantId: string,
): NonNullable<VariantSummary['calibration']> {
  const model = serviceLeasesOnly(leaseModelForScenario(s));
  const perSecond = { GET: model.getPerSecond, PUT: model.updatePerSecond };
  const predicted = predictMillicores([fit.fits.apiserver, fit.fits.etcd], VERBS, perSecond);
  const measured = measuredVsIdle && measuredVsIdle.n > 0 ? measuredVsIdle.median : null;
  return {
    loadWindows: fit.windows.filter((w) => w.verb !== null).length,
    idleWindows: fit.windows.filter((w) => w.verb === null).length,
    apiserverMsPerRequest: fit.fits.apiserver.perRequest,
    etcdMsPerRequest: fit.fits.etcd.perRequest,
    modelPerSecondVsIdle: perSecond,
    predictedVsIdleMillicores: predicted,
    // A percentage of an overhead at or below zero (noise larger than the signal) means nothing.
    errorPct: measured === null || measured <= 0 ? null : ((predicted.estimate - measured) / measured) * 100,
    file: inRunCalibrationFile(variantId),
  };
}
