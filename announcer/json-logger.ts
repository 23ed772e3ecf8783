/**
 * Events the agent logs. The harness times takeovers from `acquire`/`lose`/`bind`/`unbind`/`garp`
 * lines; the rest are for people reading the log.
 */
export type LogEvent =
  | 'start'
  | 'ready'
  | 'stop'
  | 'elect'
  | 'retire'
  | 'acquire'
  | 'lose'
  | 'leader'
  | 'bind'
  | 'unbind'
  | 'garp'
  | 'ipam'
  | 'warn'
  | 'error';

/** Fields of a log line besides `ts`, `level`, `event` and `node`. */
export interface LogFields {
  /** Lease name (without namespace; see `leaseNamespace`). */
  lease?: string;
  leaseNamespace?: string;
  /** Service as `namespace/name`. */
  service?: string;
  vip?: string | null;
  iface?: string | null;
  msg?: string;
  [key: string]: unknown;
}

/** Writes one JSON object per line: `{"ts":<epoch ms>,"level":..,"event":..,"node":..,...}`. */
export class JsonLogger {
  constructor(
    private readonly node: string,
    private readonly write: (line: string) => void = (line) => {
      // stdout is a pipe under the harness; Node writes to pipes synchronously on Linux, so lines
      // logged just before process.exit are not lost.
      process.stdout.write(line);
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs at level `info` (or `error` for the `error` event, `warn` for `warn`). */
  log(event: LogEvent, fields: LogFields = {}): void {
    const level = event === 'error' ? 'error' : event === 'warn' ? 'warn' : 'info';
    this.write(`${JSON.stringify({ ts: this.now(), level, event, node: this.node, ...fields })}\n`);
  }

  /** Logs an `error` line with the error's message (and its cause's, which carries the detail). */
  error(err: unknown, fields: LogFields = {}): void {
    const message = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    this.log('error', { ...fields, msg: fields.msg ? `${fields.msg}: ${message}${cause}` : message + cause });
  }
}
