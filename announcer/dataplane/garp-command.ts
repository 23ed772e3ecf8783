/** Which `arping` is installed: Thomas Habets' (Debian `arping`) or iputils' (`iputils-arping`). */
export type ArpingFlavour = 'habets' | 'iputils';

/** Tells the two apart from `arping --help` output (Habets prints "ARPing 2.x, by Thomas Habets"). */
export function detectArpingFlavour(helpOutput: string): ArpingFlavour | null {
  if (/Thomas Habets|ARPing 2\./.test(helpOutput)) return 'habets';
  if (/iputils|-I <device>|-I device/.test(helpOutput)) return 'iputils';
  return null;
}

/**
 * Arguments for one gratuitous ARP announcing `vip` on `iface`: an unsolicited ARP request with
 * sender and target both the VIP (RFC 5227 "ARP Announcement"), which Linux and switches use to
 * update an existing neighbour/FDB entry.
 *
 * Habets (verified with 2.23 inside a network namespace): `-U` unsolicited, `-S` source IP (we own
 * it, so no promiscuous mode), `-i` interface, `-c 1` one packet, `-w 0` do not wait for replies
 * (none come; arping then exits 1 with empty stderr), `-q` quiet. `-P` (send a reply instead)
 * works too; `-A` is *not* iputils' reply mode here but "only count matching replies".
 * iputils: `-U` unsolicited, `-I` interface, `-s` source, `-c 1`.
 */
export function garpArgs(flavour: ArpingFlavour, vip: string, iface: string): string[] {
  return flavour === 'habets'
    ? ['-q', '-U', '-c', '1', '-w', '0', '-i', iface, '-S', vip, vip]
    : ['-q', '-U', '-c', '1', '-I', iface, '-s', vip, vip];
}

/**
 * Whether an arping run sent its packet. Habets' arping exits 1 when no reply arrives, which is
 * the normal outcome of a gratuitous ARP; with `-q` a real failure (bad interface, no
 * permission) prints to stderr.
 */
export function garpSucceeded(flavour: ArpingFlavour, code: number, stderr: string): boolean {
  if (code === 0) return true;
  return flavour === 'habets' && code === 1 && stderr.trim() === '';
}
