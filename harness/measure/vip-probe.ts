import { runCommand } from '../util/run-command.js';
import { netnsVipClient } from './curl-vip-client.js';
import { pollOnce } from './vip-poller.js';

/**
 * One-shot HTTP check of each VIP from the client namespace, through the shared poller
 * (vip-poller.ts: one request per VIP, batched, bounded by its request timeout). VIP → the serving
 * node (first line of the body), or null when no answer came.
 */
export async function whoAnswers(
  clientNetns: string,
  vips: readonly string[],
  port = 80,
): Promise<Map<string, string | null>> {
  const answers = await pollOnce(netnsVipClient(clientNetns), vips, port);
  return new Map(vips.map((v) => [v, answers.get(v)?.node ?? null]));
}

/**
 * MAC addresses that answer an ARP request for `vip` on the client's segment (arping, 3 requests,
 * bounded to 3 s). Two different MACs mean two nodes claim the VIP.
 */
export async function arpAnswers(clientNetns: string, vip: string, iface = 'eth0'): Promise<string[]> {
  const r = await runCommand(
    'ip',
    ['netns', 'exec', clientNetns, 'arping', '-c', '3', '-w', '3', '-i', iface, vip],
    { allowFailure: true, timeoutMs: 6000 },
  );
  const macs = new Set<string>();
  for (const m of r.stdout.matchAll(/from ([0-9a-f]{2}(?::[0-9a-f]{2}){5})/gi)) macs.add(m[1]!.toLowerCase());
  return [...macs];
}
