/**
 * Duration strings as scenario authors write them (`15s`, `500ms`, `0.25s`, `1m30s`): one or more
 * `<number><unit>` parts, units `ms`, `s`, `m`, `h`. Go's `time.ParseDuration` spelling, minus the
 * rarely useful `us`/`ns`, so values copied from Cilium or kube-vip flags read the same.
 */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h))+$';

const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration string into milliseconds; `undefined` when `text` is not a duration.
 * The result may be fractional (`0.5ms`); callers that need whole milliseconds check it.
 */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_RE.test(trimmed)) return undefined;
  let totalMs = 0;
  for (const match of trimmed.matchAll(PART_RE)) {
    totalMs += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  // Sums like 0.1s + 0.2s pick up float noise; round to a microsecond so 300ms stays 300.
  return Math.round(totalMs * 1000) / 1000;
}
