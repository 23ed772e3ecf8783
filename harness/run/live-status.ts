/** A status line rewritten in place during a window (a TTY only); `done` clears it. */
export interface LiveStatus {
  update: (text: string) => void;
  done: () => void;
}

/**
 * A status line on `stream` when it is a terminal and CI is not set, else undefined: CI logs and
 * files get the ordinary progress lines only, never carriage-return rewrites.
 */
export function ttyStatus(
  stream: { isTTY?: boolean; write: (s: string) => unknown; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): LiveStatus | undefined {
  if (!stream.isTTY || env.CI) return undefined;
  const width = Math.max(20, (stream.columns ?? 80) - 1);
  return {
    update: (text) => stream.write(`\r\x1b[K${text.slice(0, width)}`),
    done: () => stream.write('\r\x1b[K'),
  };
}

/** `  announce 2/3: 41 s left, lease requests 12.4/s` (the rate once one was measured). */
export function windowStatusText(
  phase: string,
  repetition: number,
  repetitions: number,
  secondsLeft: number,
  leasePerSecond: number | null,
): string {
  const rate = leasePerSecond === null ? '' : `, lease requests ${leasePerSecond.toFixed(1)}/s`;
  return `  ${phase} ${repetition + 1}/${repetitions}: ${Math.max(0, Math.ceil(secondsLeft))} s left${rate}`;
}
