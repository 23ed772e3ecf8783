/** An inclusive range of IPv4 addresses as unsigned 32-bit integers. */
export interface Ipv4Range {
  first: number;
  last: number;
}

/** `198.18.0.1` → 3323068417; undefined for anything that is not a dotted quad. */
export function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * The addresses a pool covers: a CIDR (`198.18.8.0/22`, host bits ignored) or a start/stop pair
 * (inclusive, as in CiliumLoadBalancerIPPool `blocks`). Undefined when malformed or reversed.
 */
export function ipv4Range(spec: { cidr?: string; start?: string; stop?: string }): Ipv4Range | undefined {
  if (spec.cidr !== undefined) {
    const [address, bitsText] = spec.cidr.split('/');
    const base = ipv4ToNumber(address ?? '');
    const bits = Number(bitsText);
    if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
    const size = 2 ** (32 - bits);
    const first = Math.floor(base / size) * size;
    return { first, last: first + size - 1 };
  }
  const first = ipv4ToNumber(spec.start ?? '');
  const last = ipv4ToNumber(spec.stop ?? '');
  if (first === undefined || last === undefined || last < first) return undefined;
  return { first, last };
}

/** Number of addresses in a range. */
export function rangeSize(range: Ipv4Range): number {
  return range.last - range.first + 1;
}

/** True when `inner` lies entirely inside `outer`. */
export function rangeContains(outer: Ipv4Range, inner: Ipv4Range): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

/** 3323068417 → `198.18.0.1`. */
export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The fewest CIDRs that cover exactly `range` (largest aligned block first, left to right). */
export function rangeCidrs(range: Ipv4Range): string[] {
  const out: string[] = [];
  let at = range.first;
  while (at <= range.last) {
    let bits = 32;
    while (bits > 0) {
      const size = 2 ** (33 - bits);
      if (at % size !== 0 || at + size - 1 > range.last) break;
      bits--;
    }
    out.push(`${numberToIpv4(at)}/${bits}`);
    at += 2 ** (32 - bits);
  }
  return out;
}
