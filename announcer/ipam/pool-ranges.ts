import type { LabelSelector } from '../k8s/label-selector.js';
import { familyBits, formatIp, type IpRange, parseCidr, parseIp } from './ip-address.js';
import type { LbIpPool, LbIpPoolBlock } from './lb-ip-pool.js';

/** Why a pool hands out nothing: its blocks do not parse, or it overlaps an older pool. */
export interface PoolProblem {
  kind: 'malformed' | 'conflict';
  message: string;
}

/** A pool with its blocks parsed into ranges. */
export interface ParsedPool {
  name: string;
  pool: LbIpPool;
  /** Ordering key: older pools win overlaps, as in Cilium. */
  createdMs: number;
  disabled: boolean;
  serviceSelector: LabelSelector | null;
  /** Every address the blocks cover, including network/broadcast addresses. */
  blocks: IpRange[];
  /** What the pool may hand out: `blocks` minus the first and last address of each CIDR. */
  usable: IpRange[];
  /** Number of addresses in `usable`. */
  total: bigint;
  problem: PoolProblem | null;
}

/** Cilium's spelling is `"Yes"`/`"No"`; a YAML 1.1 `Yes` arrives as `true`. */
function allowsFirstLast(pool: LbIpPool): boolean {
  const v = pool.spec?.allowFirstLastIPs;
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'yes');
}

function describe(block: LbIpPoolBlock): string {
  return block.cidr
    ? `cidr ${JSON.stringify(block.cidr)}`
    : `range ${block.start ?? '?'}-${block.stop ?? '?'}`;
}

type BlockParse = { block: IpRange; usable: IpRange } | { error: string };

function parseBlock(block: LbIpPoolBlock, allowFirstLast: boolean): BlockParse {
  if (block.cidr) {
    const c = parseCidr(block.cidr);
    if (!c) return { error: `${describe(block)} is not a CIDR` };
    const range = { family: c.family, first: c.first, last: c.last };
    // The first and last address of a subnet are its network and broadcast addresses (IPv4)
    // or the subnet-router anycast address (IPv6); /31, /32, /127 and /128 have none to spare.
    const spare = familyBits[c.family] - c.prefixLength >= 2;
    const usable = spare && !allowFirstLast ? { ...range, first: c.first + 1n, last: c.last - 1n } : range;
    return { block: range, usable };
  }
  if (block.start) {
    const start = parseIp(block.start);
    // Cilium: a range with only `start` is that single address.
    const stop = block.stop ? parseIp(block.stop) : start;
    if (!start || !stop) return { error: `${describe(block)} has an address that does not parse` };
    if (start.family !== stop.family) return { error: `${describe(block)} mixes IPv4 and IPv6` };
    if (start.value > stop.value) return { error: `${describe(block)} starts after it stops` };
    const range = { family: start.family, first: start.value, last: stop.value };
    return { block: range, usable: range };
  }
  return { error: 'a block has neither cidr nor start' };
}

function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

function rangeText(r: IpRange): string {
  return `${formatIp({ family: r.family, value: r.first })}-${formatIp({ family: r.family, value: r.last })}`;
}

function toMs(t: Date | string | undefined): number {
  if (t === undefined) return 0;
  const ms = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isFinite(ms) ? ms : 0;
}

/**
 * Parses every pool independently (a malformed pool does not stop the others), then marks each
 * pool that overlaps an older usable pool as conflicting, in (creationTimestamp, name) order.
 * Returned in that order.
 */
export function parsePools(pools: readonly LbIpPool[]): ParsedPool[] {
  const parsed: ParsedPool[] = pools.map((pool) => {
    const spec = pool.spec ?? {};
    const raw = [...(spec.blocks ?? []), ...(spec.cidrs ?? [])];
    const blocks: IpRange[] = [];
    const usable: IpRange[] = [];
    let problem: PoolProblem | null =
      raw.length === 0 ? { kind: 'malformed', message: 'the pool has no blocks' } : null;
    for (const b of raw) {
      if (problem) break;
      const r = parseBlock(b, allowsFirstLast(pool));
      if ('error' in r) {
        problem = { kind: 'malformed', message: r.error };
        break;
      }
      const clash = blocks.find((other) => overlaps(other, r.block));
      if (clash) {
        problem = {
          kind: 'malformed',
          message: `blocks ${rangeText(clash)} and ${rangeText(r.block)} overlap`,
        };
        break;
      }
      blocks.push(r.block);
      if (r.usable.first <= r.usable.last) usable.push(r.usable);
    }
    return {
      name: pool.metadata?.name ?? '',
      pool,
      createdMs: toMs(pool.metadata?.creationTimestamp as Date | string | undefined),
      disabled: spec.disabled === true,
      serviceSelector: spec.serviceSelector ?? null,
      blocks: problem ? [] : blocks,
      usable: problem ? [] : usable,
      total: problem ? 0n : usable.reduce((n, r) => n + (r.last - r.first + 1n), 0n),
      problem,
    };
  });
  parsed.sort((a, b) => a.createdMs - b.createdMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [i, p] of parsed.entries()) {
    if (p.problem) continue;
    for (const older of parsed.slice(0, i)) {
      if (older.problem) continue;
      const hit = p.blocks.find((r) => older.blocks.some((o) => overlaps(o, r)));
      if (hit) {
        p.problem = { kind: 'conflict', message: `${rangeText(hit)} overlaps pool ${older.name}` };
        p.usable = [];
        p.total = 0n;
        break;
      }
    }
  }
  return parsed;
}
