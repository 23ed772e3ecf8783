/**
 * Error families. Each carries a one-line message that names the problem, the value and the fix;
 * the CLI prints `l2bench: <message>` and exits non-zero. `cause` keeps the underlying error.
 */
export class L2benchError extends Error {
  override readonly name: string = 'L2benchError';
  /** Process exit code the CLI uses for this family (see {@link EXIT_CODES}). */
  readonly exitCode: number = 1;
}

/** A scenario file, flag or CLI argument is invalid. Nothing has started yet. */
export class ScenarioError extends L2benchError {
  override readonly name = 'ScenarioError';
  override readonly exitCode = 2;
}

/** A backend could not bring up, drive or tear down a cluster. */
export class BackendError extends L2benchError {
  override readonly name = 'BackendError';
}

/** A required binary is missing or could not be built. */
export class ToolError extends L2benchError {
  override readonly name = 'ToolError';
  override readonly exitCode = 3;
}

/** A measurement could not be taken or is not trustworthy. */
export class MeasureError extends L2benchError {
  override readonly name = 'MeasureError';
}

/** Results on disk are missing or malformed (reports, compare). */
export class ResultsError extends L2benchError {
  override readonly name = 'ResultsError';
  override readonly exitCode = 2;
}

/**
 * The CLI's exit codes (README "Exit codes"). 99 follows k6's code for breached thresholds: a run
 * that measured what it should but whose figures fail a gate, as opposed to one that broke.
 */
export const EXIT_CODES = {
  ok: 0,
  /** A run, build or cleanup failed (backend, measurement, unexpected error). */
  error: 1,
  /** Bad input: a scenario, flag, gate expression or results directory; nothing was started. */
  usage: 2,
  /** A required binary is missing or could not be built. */
  tool: 3,
  /** A threshold or `--fail-if` gate was breached, or a failover trial never recovered. */
  gateFailed: 99,
  /** Interrupted (Ctrl-C, SIGTERM); the results directory keeps what was measured. */
  interrupted: 130,
} as const;
