import { runCommand } from '../util/run-command.js';

/**
 * One-shot HTTP checks of VIPs from the client namespace with curl (bounded: one request per VIP,
 * 1 s timeout each, 16 at a time). Returns the first line of each body (the serving node) or null.
 */
export async function whoAnswers(
  clientNetns: string,
  vips: readonly string[],
  port = 80,
  timeoutSeconds = 1,
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const queue = [...vips];
  const worker = async () => {
    for (let vip = queue.shift(); vip !== undefined; vip = queue.shift()) {
      const r = await runCommand(
        'ip',
        ['netns', 'exec', clientNetns, 'curl', '-s', '-m', String(timeoutSeconds), `http://${vip}:${port}/`],
        { allowFailure: true },
      );
      out.set(vip, r.code === 0 ? (r.stdout.split('\n')[0] ?? null) : null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, vips.length) }, worker));
  return out;
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

/** Polls until every VIP answers an HTTP probe; resolves with the elapsed ms, or null on timeout. */
export async function waitUntilAllAnswer(
  clientNetns: string,
  vips: readonly string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const t0 = Date.now();
  let pending = [...vips];
  while (Date.now() - t0 < timeoutMs && !signal?.aborted) {
    const r = await whoAnswers(clientNetns, pending, port);
    pending = pending.filter((v) => !r.get(v));
    if (pending.length === 0) return Date.now() - t0;
    await new Promise((res) => setTimeout(res, 200));
  }
  return null;
}
