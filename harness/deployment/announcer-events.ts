/** One line of an agent's JSON log that matters for timing (acquire, lose, bind, unbind…). */
export interface AnnouncerEvent {
  tMs: number;
  node: string;
  event: string;
  lease?: string;
  vip?: string;
}

/** Parses an agent log line; returns null for lines that are not JSON events. */
export function parseAnnouncerLine(line: string, node: string): AnnouncerEvent | null {
  if (!line.startsWith('{')) return null;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (typeof o.event !== 'string') return null;
    const tMs = typeof o.ts === 'number' ? o.ts : Date.parse(String(o.ts ?? o.time ?? ''));
    if (!Number.isFinite(tMs)) return null;
    return {
      tMs,
      node: typeof o.node === 'string' ? o.node : node,
      event: o.event,
      ...(typeof o.lease === 'string' ? { lease: o.lease } : {}),
      ...(typeof o.vip === 'string' ? { vip: o.vip } : {}),
    };
  } catch {
    return null;
  }
}

/** All events seen so far, in arrival order. */
export class AnnouncerEventLog {
  readonly events: AnnouncerEvent[] = [];

  push(e: AnnouncerEvent): void {
    this.events.push(e);
  }

  since(tMs: number): AnnouncerEvent[] {
    return this.events.filter((e) => e.tMs >= tMs);
  }
}
