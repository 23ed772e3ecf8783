import { homedir } from 'node:os';
import { join } from 'node:path';

/** Root of everything l2bench caches across runs (built binaries, Go build dirs). Never committed. */
export function cacheDir(): string {
  return (
    process.env.L2BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'l2bench')
  );
}

/** Where provisioned binaries live: `<cacheDir>/bin/<name>-<version>`. */
export function binDir(): string {
  return join(cacheDir(), 'bin');
}

/**
 * Where live runs register what they created, so `l2bench cleanup` can remove what a crashed run
 * left behind (and only that). One JSON file per run.
 */
export function stateDir(): string {
  return process.env.L2BENCH_STATE_DIR ?? '/run/l2bench';
}

/** Repository root (this file lives in <root>/harness). */
export const repoRoot: string = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
