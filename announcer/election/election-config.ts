/**
 * How a holder keeps its lease; explicit because it changes the API cost being measured.
 * - `'get-then-update'`: every attempt GETs the lease, then PUTs (Cilium 1.14, client-go < 0.30).
 * - `'update-first'`: a holder whose cached record is still valid PUTs it straight away and falls
 *   back to GET+PUT only when that fails (client-go >= 0.30's optimistic fast path).
 *
 * Candidates that do not hold the lease GET in both modes and PUT only when it is free or expired.
 */
export type RenewMode = 'get-then-update' | 'update-first';

/**
 * When a holder that has seen another holder stops leading.
 * - `'renew-deadline'`: client-go's rule, only once renewDeadline has passed without a successful
 *   renewal (it keeps the guarded work, here a bound VIP, running meanwhile).
 * - `'on-observe'`: at once, on the attempt that shows another unexpired holder (a GET, or a 409
 *   on renew followed by a GET showing the other holder).
 */
export type StepDown = 'on-observe' | 'renew-deadline';

/**
 * What a holder does when its renewals fail because the API server cannot be reached (network
 * errors, timeouts; not a 409 and not another holder seen).
 * - `'release'`: client-go's rule, stop leading at the renew deadline.
 * - `'keep'`: keep leading past the deadline while no other holder has been seen, retrying every
 *   retryPeriod; peers that can reach the API server may take over meanwhile (split brain).
 */
export type OnApiOutage = 'release' | 'keep';

/** One lease's election parameters, client-go's `LeaderElectionConfig` in milliseconds. */
export interface ElectionConfig {
  namespace: string;
  leaseName: string;
  /** Written to `spec.holderIdentity`; must be unique among the candidates. */
  identity: string;
  /** How long candidates wait without seeing the record change before taking over. Whole seconds. */
  leaseDurationMs: number;
  /** How long a holder keeps retrying a failing renewal before it stops leading. */
  renewDeadlineMs: number;
  /** Pause between attempts (holders exactly, candidates jittered by up to {@link JITTER_FACTOR}). */
  retryPeriodMs: number;
  renewMode: RenewMode;
  /** Default `'renew-deadline'` (client-go). */
  stepDown?: StepDown;
  /** Default `'release'` (client-go). */
  onApiOutage?: OnApiOutage;
  /** Labels set when this elector creates the lease (e.g. `l2bench.io/run`). */
  labels?: Record<string, string>;
}

/**
 * client-go's `leaderelection.JitterFactor`. Candidates wait `retryPeriod × (1 + rand × 1.2)`
 * (wait.JitterUntil) so that after a holder dies they spread their GETs and takeover PUTs over
 * 2.2 retry periods instead of stampeding the API server in lockstep. It is also why client-go
 * requires renewDeadline > 1.2 × retryPeriod.
 */
export const JITTER_FACTOR = 1.2;

const RENEW_MODES: readonly string[] = ['get-then-update', 'update-first'] satisfies RenewMode[];

/** Validation messages, kept as functions so tests compare against the same text. */
export const electionMessages = {
  missingField: (field: string) => `${field} must not be empty`,
  renewMode: (mode: string) => `renewMode (${mode}) must be one of ${RENEW_MODES.join(', ')}`,
  notFinite: (field: string, value: number) => `${field} (${value}ms) must be a finite number`,
  retryPeriodNotPositive: (retryPeriodMs: number) =>
    `retryPeriod (${retryPeriodMs}ms) must be greater than 0`,
  renewDeadlineTooShort: (renewDeadlineMs: number, retryPeriodMs: number) =>
    `renewDeadline (${renewDeadlineMs}ms) must be greater than ${JITTER_FACTOR} × retryPeriod ` +
    `(${JITTER_FACTOR} × ${retryPeriodMs}ms = ${JITTER_FACTOR * retryPeriodMs}ms)`,
  renewDeadlineNotShorter: (renewDeadlineMs: number, leaseDurationMs: number) =>
    `renewDeadline (${renewDeadlineMs}ms) must be shorter than leaseDuration (${leaseDurationMs}ms)`,
  leaseDurationWholeSeconds: (leaseDurationMs: number) =>
    `leaseDuration (${leaseDurationMs}ms) must be a whole number of seconds: Lease.spec.leaseDurationSeconds is an integer`,
};

/**
 * Throws an `Error` naming the offending values unless
 * leaseDuration > renewDeadline > 1.2 × retryPeriod > 0 (client-go's `NewLeaderElector` rules)
 * and leaseDuration is whole seconds (client-go would silently truncate it).
 */
export function validateElectionConfig(cfg: ElectionConfig): void {
  for (const field of ['namespace', 'leaseName', 'identity'] as const) {
    if (!cfg[field]) throw new Error(electionMessages.missingField(field));
  }
  if (!RENEW_MODES.includes(cfg.renewMode))
    throw new Error(electionMessages.renewMode(String(cfg.renewMode)));
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = cfg;
  for (const [field, value] of [
    ['leaseDuration', leaseDurationMs],
    ['renewDeadline', renewDeadlineMs],
    ['retryPeriod', retryPeriodMs],
  ] as const) {
    if (!Number.isFinite(value)) throw new Error(electionMessages.notFinite(field, value));
  }
  if (retryPeriodMs <= 0) throw new Error(electionMessages.retryPeriodNotPositive(retryPeriodMs));
  // client-go's order, so the first complaint matches what kube-controller-manager would say.
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new Error(electionMessages.renewDeadlineNotShorter(renewDeadlineMs, leaseDurationMs));
  }
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) {
    throw new Error(electionMessages.renewDeadlineTooShort(renewDeadlineMs, retryPeriodMs));
  }
  if (leaseDurationMs % 1000 !== 0)
    throw new Error(electionMessages.leaseDurationWholeSeconds(leaseDurationMs));
}
