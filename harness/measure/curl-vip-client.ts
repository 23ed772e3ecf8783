import { runCommand } from '../util/run-command.js';
import type { VipAnswer, VipClient } from './vip-poller.js';

/** curl's own failures (cannot start, bad URL, unsupported): the client is broken, not the VIP. */
const CURL_CANNOT_RUN = new Set([2, 3, 4, 27]);
/**
 * Beyond the request timeout, how long a curl may take (a slow start on a loaded host) before it is
 * killed; a killed request counts as silent, so the poll's own timeout still bounds the wait.
 */
const KILL_GRACE_MS = 5000;
/** runCommand's code for a process ended by a signal (our kill); curl itself never exits with it. */
const KILLED = 128;

/**
 * A {@link VipClient} that runs one curl per VIP of a batch, behind `prefix` (`ip netns exec <ns>`
 * for the local client namespace; nothing on the host, which sits on the docker or kind bridge or
 * the cluster's segment). The same curl flags on every backend, so "answers" means the same there.
 */
function curlVipClient(where: string, prefix: readonly string[]): VipClient {
  const getOne = async (vip: string, port: number, timeoutMs: number): Promise<VipAnswer> => {
    // --noproxy: a proxy variable in the environment must not send test traffic anywhere else.
    // -w prints the status after the body, 000 when no HTTP response arrived (also on failure).
    const curl = ['curl', '-s', '--noproxy', '*', '-m', String(timeoutMs / 1000), '-o', '-'];
    const args = [...curl, '-w', '\\n%{http_code}', `http://${vip}:${port}/`];
    const [cmd, ...rest] = [...prefix, ...args] as [string, ...string[]];
    const r = await runCommand(cmd, rest, { allowFailure: true, timeoutMs: timeoutMs + KILL_GRACE_MS });
    if (r.code === KILLED) return { answered: false, node: null };
    // 255: `ip netns exec` could not enter the namespace or start curl.
    if (CURL_CANNOT_RUN.has(r.code) || r.code > 99) {
      const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-2).join(' | ');
      throw new Error(`${cmd} ${rest.join(' ')} exited ${r.code}: ${detail || 'no output'}`);
    }
    return parseCurlAnswer(r.stdout);
  };
  return {
    where,
    getBatch: (vips, port, timeoutMs) => Promise.all(vips.map((v) => getOne(v, port, timeoutMs))),
  };
}

/** Body plus `\n<status>` (curl -w) → the answer: any status but 000 answers; node from the body. */
export function parseCurlAnswer(stdout: string): VipAnswer {
  const cut = stdout.lastIndexOf('\n');
  const status = stdout.slice(cut + 1).trim();
  if (cut < 0 || !/^\d{3}$/.test(status) || status === '000') return { answered: false, node: null };
  const node = stdout.slice(0, cut).split('\n')[0]?.trim() ?? '';
  return { answered: true, node: node === '' ? null : node };
}

/** Requests from inside a network namespace (the local backend's client namespace). */
export function netnsVipClient(netns: string): VipClient {
  return curlVipClient(`client namespace ${netns}`, ['ip', 'netns', 'exec', netns]);
}

/** Requests from this host (the docker and kind bridges' gateway, or on the cluster's segment). */
export const hostVipClient: VipClient = curlVipClient('this host', []);
