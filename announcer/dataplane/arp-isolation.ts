import { readFile, writeFile } from 'node:fs/promises';

/** Reads and writes `/proc/sys` entries; tests pass a map. */
export interface SysctlAccess {
  read(key: string): Promise<string>;
  write(key: string, value: string): Promise<void>;
}

/** `/proc/sys/<key>`; inside `ip netns exec` these are the namespace's own `net.*` settings. */
export const procSysctl: SysctlAccess = {
  read: async (key) => (await readFile(`/proc/sys/${key}`, 'utf8')).trim(),
  write: (key, value) => writeFile(`/proc/sys/${key}`, value),
};

/**
 * Makes the kernel answer ARP for an address only on the interface that carries it.
 *
 * Linux's default `arp_ignore=0` answers a request for *any* local address on *any* interface
 * ("ARP flux"), so on a multi-homed node a VIP bound to eth0 would also be claimed on eth1.
 * `arp_ignore=1` replies only when the target address is configured on the incoming interface.
 * The effective value is max(`all`, per-interface), so raising the per-interface value is enough
 * and leaves other interfaces' owners alone. Inside the benchmark's node namespaces (one `eth0`
 * plus `lo`) this changes nothing observable; it is here so the agent behaves the same on a
 * real host. Values above 1 (stricter) are left as they are.
 *
 * Returns the keys it changed.
 */
export async function ensureArpIsolation(sysctl: SysctlAccess, iface: string): Promise<string[]> {
  const key = `net/ipv4/conf/${iface}/arp_ignore`;
  const current = Number(await sysctl.read(key));
  if (current !== 0) return [];
  await sysctl.write(key, '1');
  return [key];
}
