/** One ARP packet as tcpdump printed it (`tcpdump -tt -n -e -l arp`). Times are epoch ms. */
export type ArpPacket =
  | { kind: 'reply'; tMs: number; ip: string; mac: string }
  | { kind: 'request'; tMs: number; ip: string; fromIp: string; srcMac: string }
  /** A node announcing an address it holds (who-has X tell X): a claim, as good as a reply. */
  | { kind: 'gratuitous'; tMs: number; ip: string; mac: string };

/** What a wire watch saw during one trial (harness/measure/arp-watch.ts). Times are epoch ms. */
export interface WireObservations {
  /** The address the client's ARP requests come from (its requests set the rounds). */
  clientIp: string;
  /** Period of the client's ARP requests per VIP. */
  arpIntervalMs: number;
  packets: readonly ArpPacket[];
  /** Period of the node address polls; null when none ran. */
  addrPollMs: number | null;
  /** Each poll: the addresses bound on each node's interface. */
  addrPolls: readonly { tMs: number; byNode: Readonly<Record<string, readonly string[]>> }[];
  /** Node interface MAC → node name. */
  macToNode: Readonly<Record<string, string>>;
}

const MAC = '[0-9a-f]{2}(?::[0-9a-f]{2}){5}';
const IP = '\\d{1,3}(?:\\.\\d{1,3}){3}';
// "<epoch.us> <src> > <dst>, ethertype ARP (0x0806), length N: <what>, length M"
const HEADER = new RegExp(
  `^(\\d+\\.\\d+) (${MAC}) > (${MAC}), ethertype ARP \\(0x0806\\), length \\d+: (.*)$`,
  'i',
);
const REPLY = new RegExp(`^Reply (${IP}) is-at (${MAC})`, 'i');
// tcpdump adds "(<target mac>)" when the request's target MAC is not zero (arping -A, -U).
const REQUEST = new RegExp(`^Request who-has (${IP})(?: \\(${MAC}\\))? tell (${IP})`, 'i');

/**
 * Parses one line of `tcpdump -tt -n -e -l arp` (tcpdump decodes the frame; this reads its text).
 * Returns null for anything else (tcpdump's banner, other ARP operations, partial lines).
 */
export function parseArpLine(line: string): ArpPacket | null {
  const h = HEADER.exec(line.trim());
  if (!h) return null;
  const tMs = Math.round(Number(h[1]) * 1000);
  const srcMac = (h[2] ?? '').toLowerCase();
  const body = h[4] ?? '';
  const reply = REPLY.exec(body);
  if (reply) return { kind: 'reply', tMs, ip: reply[1] ?? '', mac: (reply[2] ?? '').toLowerCase() };
  const request = REQUEST.exec(body);
  if (!request) return null;
  const ip = request[1] ?? '';
  const fromIp = request[2] ?? '';
  return ip === fromIp
    ? { kind: 'gratuitous', tMs, ip, mac: srcMac }
    : { kind: 'request', tMs, ip, fromIp, srcMac };
}
