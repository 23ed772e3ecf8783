/**
 * IP addresses as integers, so ranges are plain `[first, last]` intervals. bigint covers IPv6;
 * IPv4 is what the benchmark uses, IPv6 is parsed so a dual-stack pool is not "malformed".
 */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** An inclusive interval of addresses of one family. */
export interface IpRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/** The width of each family in bits. */
export const familyBits = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  let head = text;
  let v4Tail: bigint | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    v4Tail = parseIpv4(text.slice(lastColon + 1));
    if (v4Tail === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
    return groups.map((g) => Number.parseInt(g, 16));
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (v4Tail !== null) value = (value & ~0xffffffffn) | v4Tail;
  return value;
}

/** Parses a dotted-quad IPv4 or an RFC 4291 IPv6 address; `null` when it is neither. */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.includes(':')) {
    const value = parseIpv6(t);
    return value === null ? null : { family: 6, value };
  }
  const value = parseIpv4(t);
  return value === null ? null : { family: 4, value };
}

/** Formats an address canonically (RFC 5952 for IPv6), so equal addresses compare equal as strings. */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((ip.value >> s) & 0xffn).toString()).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Normalises an address string (`"10.0.0.01"` → null, `"FE80::1"` → `"fe80::1"`). */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/**
 * Parses `a.b.c.d/n` (or IPv6) into its full range. Host bits set below the prefix are masked
 * off, as Go's `netip.Prefix.Masked` does, rather than rejected.
 */
export function parseCidr(text: string): (IpRange & { prefixLength: number }) | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1).trim();
  if (!ip || !/^[0-9]{1,3}$/.test(lenText)) return null;
  const prefixLength = Number(lenText);
  const bits = familyBits[ip.family];
  if (prefixLength > bits) return null;
  const hostBits = BigInt(bits - prefixLength);
  const first = (ip.value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family: ip.family, first, last, prefixLength };
}
