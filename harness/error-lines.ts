import { L2benchError } from './errors.js';

/** An `await using` teardown that failed after an error: `suppressed` is the first error, `error` the teardown's. */
function isSuppressedError(err: unknown): err is Error & { error: unknown; suppressed: unknown } {
  return err instanceof Error && 'error' in err && 'suppressed' in err;
}

/**
 * The separate failures inside `err`, in the order they happened: an AggregateError's errors (the
 * clusters of a `--parallel` run, a failure and the teardown after it) and a SuppressedError's
 * first error then its teardown's, opened up at any depth.
 */
export function errorLeaves(err: unknown): unknown[] {
  if (err instanceof AggregateError) return err.errors.flatMap(errorLeaves);
  if (isSuppressedError(err)) return [...errorLeaves(err.suppressed), ...errorLeaves(err.error)];
  return [err];
}

/** One failure in one line: ours as written, anything else named as unexpected. */
function leafLine(err: unknown): string {
  if (err instanceof L2benchError) return err.message.replace(/\s*\n\s*/g, '; ');
  if (err instanceof Error) return `unexpected error: ${err.name}: ${err.message.split('\n')[0]}`;
  return `unexpected error: ${String(err)}`;
}

/**
 * What the CLI prints for an error that holds several failures: the outer message when it says
 * something (`2 clusters failed`), then every failure in one line each, so a teardown error never
 * hides the error that caused the teardown.
 */
export function errorLines(err: unknown): string[] {
  const header = err instanceof AggregateError && err.message ? [`${err.message}:`] : [];
  return [...header, ...errorLeaves(err).map((leaf) => `${header.length > 0 ? '  ' : ''}${leafLine(leaf)}`)];
}

/** The exit code of the first of our errors among the failures; 1 when there is none. */
export function errorExitCode(err: unknown): number {
  const ours = errorLeaves(err).find((leaf) => leaf instanceof L2benchError);
  return ours instanceof L2benchError ? ours.exitCode : 1;
}
