/** One address configured on an interface of this network namespace. */
export interface HostAddress {
  iface: string;
  /** As `ip` prints it (canonical for IPv4; lower-case compressed for IPv6). */
  ip: string;
  prefixLength: number;
  family: 4 | 6;
  /** The address's route metric (`ip addr add … metric N`), when set; the agent marks its VIPs with it. */
  metric?: number;
}

/** Interfaces (ifindex order) and their addresses. */
export interface HostAddressSnapshot {
  interfaces: string[];
  addresses: HostAddress[];
}

interface IpJsonLink {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number; metric?: number }>;
}

/**
 * Parses `ip -j addr show`. `ip` rather than `os.networkInterfaces()` because libuv hides
 * interfaces that are down, and a VIP left on a down interface is still a stale VIP.
 */
export function parseIpAddrJson(stdout: string): HostAddressSnapshot {
  const links = JSON.parse(stdout) as IpJsonLink[];
  const interfaces: string[] = [];
  const addresses: HostAddress[] = [];
  for (const link of links) {
    if (!link.ifname) continue;
    interfaces.push(link.ifname);
    for (const a of link.addr_info ?? []) {
      if ((a.family !== 'inet' && a.family !== 'inet6') || !a.local || a.prefixlen === undefined) continue;
      addresses.push({
        iface: link.ifname,
        ip: a.local,
        prefixLength: a.prefixlen,
        family: a.family === 'inet' ? 4 : 6,
        ...(a.metric === undefined ? {} : { metric: a.metric }),
      });
    }
  }
  return { interfaces, addresses };
}
