import { z } from 'zod';
import { Environment, FittedCost, type WindowRecord } from '../results/results-schema.js';

const ComponentFit = z.object({
  intercept: FittedCost,
  perRequest: z.record(z.string(), FittedCost),
  draws: z.array(z.array(z.number())),
  points: z.number().int(),
});

/** One calibration window: the load k6 was asked for and what the control plane did. */
export const CalibrationWindow = z.object({
  /** null: an idle window (no load), the fit's intercept. */
  verb: z.enum(['GET', 'PUT']).nullable(),
  targetPerSecond: z.number(),
  /** Measured lease requests per second by verb (apiserver_request_total, all codes). */
  perSecond: z.record(z.string(), z.number()),
  apiserverMillicores: z.number(),
  etcdMillicores: z.number(),
  startMs: z.number(),
  endMs: z.number(),
});
export type CalibrationWindow = z.infer<typeof CalibrationWindow>;

/** A measured window as a calibration window: its lease requests summed by verb; `load` null when idle. */
export function calibrationWindowOf(
  w: Pick<WindowRecord, 'leaseRequests' | 'cpuMillicores' | 'startMs' | 'endMs'>,
  load: { verb: 'GET' | 'PUT'; targetPerSecond: number } | null,
): CalibrationWindow {
  const perSecond: Record<string, number> = {};
  for (const r of w.leaseRequests) perSecond[r.verb] = (perSecond[r.verb] ?? 0) + r.perSecond;
  return {
    verb: load?.verb ?? null,
    targetPerSecond: load?.targetPerSecond ?? 0,
    perSecond,
    apiserverMillicores: w.cpuMillicores.apiserver,
    etcdMillicores: w.cpuMillicores.etcd,
    startMs: w.startMs,
    endMs: w.endMs,
  };
}

/**
 * `calibration.json`, written by `l2bench calibrate`, read by `l2bench predict`: the cost of one
 * Lease request by verb at kube-apiserver and etcd (mCPU per request per second, i.e. CPU-ms per
 * request), fitted over fixed-rate windows of pure GETs and PUTs with an agent's identity.
 */
export const Calibration = z.object({
  formatVersion: z.literal(1),
  createdAt: z.string(),
  environment: Environment,
  /** How k6 authenticated: the agents' identity on this backend. */
  identity: z.enum(['client-certificate', 'bearer-token']),
  windowSeconds: z.number(),
  verbs: z.array(z.string()),
  windows: z.array(CalibrationWindow),
  fits: z.object({ apiserver: ComponentFit, etcd: ComponentFit }),
});
export type Calibration = z.infer<typeof Calibration>;
