import { runCommand } from '../../util/run-command.js';

/**
 * Polls from the host (on the kind bridge, or on the cluster's L2 segment) until every VIP answers
 * HTTP; one curl per VIP and round, 1 s timeout, 200 ms between rounds. Elapsed ms, or null.
 */
export async function waitUntilAllAnswerFromHost(
  vips: readonly string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const t0 = Date.now();
  let pending = [...vips];
  while (Date.now() - t0 < timeoutMs && !signal?.aborted) {
    const results = await Promise.all(
      pending.slice(0, 16).map(async (vip) => {
        const r = await runCommand('curl', ['-s', '-m', '1', `http://${vip}:${port}/`], {
          allowFailure: true,
        });
        return r.code === 0 ? vip : null;
      }),
    );
    pending = pending.filter((v) => !results.includes(v));
    if (pending.length === 0) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}
