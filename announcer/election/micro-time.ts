/**
 * Formats epoch ms as a Kubernetes MicroTime: RFC 3339, UTC, exactly six fractional digits
 * (`2026-11-25T03:40:00.123456Z`). The API server parses MicroTime with Go's layout
 * `2006-01-02T15:04:05.000000Z07:00`, which rejects any other digit count, so a plain
 * `Date.toISOString()` (three digits) earns a 400.
 */
export function formatMicroTime(epochMs: number): string {
  const micros = Math.round(epochMs * 1000);
  const wholeMs = Math.floor(micros / 1000);
  const subMs = micros - wholeMs * 1000;
  return `${new Date(wholeMs).toISOString().slice(0, -1)}${String(subMs).padStart(3, '0')}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads a MicroTime (or Time) as epoch ms, keeping microseconds as a fraction. Accepts a string
 * or a `Date`: client-node types MicroTime fields as `Date` but, having no deserializer for
 * them, hands back the raw string. `null` for absent or unparseable values.
 */
export function parseMicroTime(value: unknown): number | null {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? ms : null;
  }
  if (typeof value !== 'string') return null;
  const m = RFC3339.exec(value);
  if (m === null) return null;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (!Number.isFinite(seconds)) return null;
  const micros = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return (seconds * 1000 + micros) / 1000;
}
