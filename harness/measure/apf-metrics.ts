import { bucketsDelta, histogramBuckets, histogramQuantile } from './histogram.js';
import { groupSum, type Scrape } from './prom-scrape.js';

/** One API Priority and Fairness priority level over a window. */
export interface PriorityLevelWindow {
  priorityLevel: string;
  /** Requests dispatched (executed) per second (apiserver_flowcontrol_dispatched_requests_total). */
  dispatchedPerSecond: number;
  /** Requests rejected in the window (queue full, timed out in queue, concurrency limit). */
  rejected: number;
  /** 99th percentile of the time requests spent queued, from the wait histogram's window delta; null when none arrived. */
  waitP99Seconds: number | null;
  /** Seats executing at the window's end (apiserver_flowcontrol_current_executing_seats). */
  seatsInUse: number | null;
  /** The level's nominal seat limit (apiserver_flowcontrol_nominal_limit_seats). */
  seatLimit: number | null;
}

/** Requests dispatched per second by FlowSchema: which schema (and so level) traffic matched. */
export interface FlowSchemaWindow {
  flowSchema: string;
  priorityLevel: string;
  dispatchedPerSecond: number;
}

export interface FlowControlWindow {
  levels: PriorityLevelWindow[];
  flowSchemas: FlowSchemaWindow[];
}

const DISPATCHED = 'apiserver_flowcontrol_dispatched_requests_total';
const REJECTED = 'apiserver_flowcontrol_rejected_requests_total';
const WAIT = 'apiserver_flowcontrol_request_wait_duration_seconds';

function gauge(s: Scrape, name: string): Map<string, number> {
  return groupSum(s, name, ['priority_level']);
}

/**
 * APF figures per priority level between two scrapes of one kube-apiserver. Levels that neither
 * dispatched, queued nor rejected anything in the window are left out.
 */
export function flowControlWindow(before: Scrape, after: Scrape): FlowControlWindow {
  const seconds = (after.tMs - before.tMs) / 1000;
  const delta = (name: string, keys: string[]) => {
    const b = groupSum(before, name, keys);
    const out = new Map<string, number>();
    for (const [k, v] of groupSum(after, name, keys)) out.set(k, v - (b.get(k) ?? 0));
    return out;
  };
  const dispatched = delta(DISPATCHED, ['priority_level']);
  const rejected = delta(REJECTED, ['priority_level']);
  const waitBefore = histogramBuckets(before.text ?? '', WAIT, ['priority_level']);
  const waitAfter = histogramBuckets(after.text ?? '', WAIT, ['priority_level']);
  const seats = gauge(after, 'apiserver_flowcontrol_current_executing_seats');
  const limits = gauge(after, 'apiserver_flowcontrol_nominal_limit_seats');
  const names = new Set([...dispatched.keys(), ...rejected.keys(), ...waitAfter.keys()]);
  const levels: PriorityLevelWindow[] = [];
  for (const level of [...names].sort()) {
    const wait = waitAfter.get(level);
    const waitDelta = wait ? bucketsDelta(waitBefore.get(level), wait) : undefined;
    const row: PriorityLevelWindow = {
      priorityLevel: level,
      dispatchedPerSecond: (dispatched.get(level) ?? 0) / seconds,
      rejected: rejected.get(level) ?? 0,
      waitP99Seconds: waitDelta ? histogramQuantile(waitDelta, 0.99) : null,
      seatsInUse: seats.get(level) ?? null,
      seatLimit: limits.get(level) ?? null,
    };
    if (row.dispatchedPerSecond > 0 || row.rejected > 0 || row.waitP99Seconds !== null) levels.push(row);
  }
  const flowSchemas = [...delta(DISPATCHED, ['flow_schema', 'priority_level']).entries()]
    .filter(([, n]) => n > 0)
    .map(([key, n]) => {
      const [flowSchema = '', priorityLevel = ''] = key.split('|');
      return { flowSchema, priorityLevel, dispatchedPerSecond: n / seconds };
    })
    .sort((a, b) => b.dispatchedPerSecond - a.dispatchedPerSecond);
  return { levels, flowSchemas };
}
