import { BackendError } from '../../errors.js';
import { runCommand } from '../../util/run-command.js';

/**
 * Makes kube-apiserver's address unreachable from one node namespace (an `unreachable` /32 route,
 * more specific than the segment's connected route) or reachable again. Only the node's namespace
 * changes: the host, its interfaces and the API server stay as they are, and the route goes with the
 * namespace if the run dies before lifting it. Connections fail at once (EHOSTUNREACH), as to an API
 * server whose host is down.
 */
export async function setApiServerReachable(
  netns: string,
  apiserverIp: string,
  reachable: boolean,
): Promise<void> {
  const r = await runCommand(
    'ip',
    ['-n', netns, 'route', reachable ? 'del' : 'replace', 'unreachable', `${apiserverIp}/32`],
    { allowFailure: true },
  );
  // Deleting a route that is not there (the fault never went in) is fine; anything else is not.
  if (r.code !== 0 && !(reachable && /No such process|not found/i.test(r.stderr))) {
    throw new BackendError(`ip -n ${netns} route: ${r.stderr.trim()}`);
  }
}
