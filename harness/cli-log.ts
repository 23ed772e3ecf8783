import { ScenarioError } from './errors.js';

/** How the CLI reports progress: `--quiet`, `--verbose`, `--log-format json`. */
export interface LogOptions {
  quiet?: boolean;
  verbose?: boolean;
  logFormat?: string;
}

export const LOG_FORMATS = ['text', 'json'] as const;

/** Where the CLI's lines go: results on stdout, progress and errors on stderr. */
export interface CliLog {
  /** A progress line (stderr); dropped with --quiet. */
  progress: (line: string) => void;
  /** A detail only --verbose shows (stderr). */
  debug: (line: string) => void;
  /** A problem (stderr), shown even with --quiet. */
  error: (line: string) => void;
  verbose: boolean;
}

/**
 * A logger over `write` (stderr). With `json`, every line is one JSON object
 * `{"time":…,"level":…,"msg":…}` for log collectors; text lines are written as they are.
 */
export function makeCliLog(o: LogOptions, write: (text: string) => void, now = () => new Date()): CliLog {
  if (o.logFormat !== undefined && !LOG_FORMATS.includes(o.logFormat as (typeof LOG_FORMATS)[number]))
    throw new ScenarioError(`--log-format ${o.logFormat}: use one of ${LOG_FORMATS.join(', ')}`);
  const json = o.logFormat === 'json';
  const emit = (level: string, line: string) =>
    write(json ? `${JSON.stringify({ time: now().toISOString(), level, msg: line })}\n` : `${line}\n`);
  return {
    progress: (line) => {
      if (!o.quiet) emit('info', line);
    },
    debug: (line) => {
      if (o.verbose) emit('debug', line);
    },
    error: (line) => emit('error', line),
    verbose: o.verbose === true,
  };
}
