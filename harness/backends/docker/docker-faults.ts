import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { BackendError } from '../../errors.js';

/**
 * Node-level faults done to a node's container through the Docker engine API, shared by the
 * docker and kind backends (a kind node is a container too):
 * - `kill`: SIGKILL of every process in the container; its network namespace, and with it every
 *   VIP it held, goes away, as when a machine loses power. Lifted by starting the container again.
 * - `pause`: the cgroup freezer stops every process (agent and backends), while the kernel still
 *   answers ARP for the node's addresses, as a hung machine would. Lifted by unpausing.
 * - `disconnect`: the container leaves the network (its interface and the addresses on it go), a
 *   cut cable. Lifted by connecting it again with the same IPv4 address.
 */
export type DockerFaultKind = 'kill' | 'pause' | 'disconnect';

/** Which container, and for `disconnect` which network and address it returns with. */
export interface DockerFaultTarget {
  /** Container id or name. */
  container: string;
  /** Network id or name (disconnect/connect). */
  network?: string;
  /** The container's address on `network`, restored on connect (Docker would pick a new one). */
  ipv4Address?: string;
  /**
   * The name the node's interface on `network` had (`eth0`). Docker names a reconnected interface
   * after the next free index (`eth1`), and an agent whose policy selects `^eth0$` would then
   * announce nothing; a cut cable renames nothing, so the interface gets its name back (needs
   * `ip` in the container and NET_ADMIN).
   */
  interfaceName?: string;
}

function need<T>(value: T | undefined, what: string, kind: DockerFaultKind): T {
  if (value === undefined) throw new BackendError(`docker fault ${kind}: target.${what} is required`);
  return value;
}

async function wrap(what: string, target: DockerFaultTarget, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    throw new BackendError(`docker ${what} ${target.container} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Injects a fault into a node container. */
export async function injectDockerFault(
  docker: Dockerode,
  kind: DockerFaultKind,
  target: DockerFaultTarget,
): Promise<void> {
  const c = docker.getContainer(target.container);
  switch (kind) {
    case 'kill':
      return wrap('kill', target, () => c.kill({ signal: 'SIGKILL' }));
    case 'pause':
      return wrap('pause', target, () => c.pause());
    case 'disconnect': {
      const net = docker.getNetwork(need(target.network, 'network', kind));
      return wrap('network disconnect', target, () =>
        net.disconnect({ Container: target.container, Force: true }),
      );
    }
  }
}

/** Lifts a fault: start a killed container, unpause a paused one, reconnect a disconnected one. */
export async function liftDockerFault(
  docker: Dockerode,
  kind: DockerFaultKind,
  target: DockerFaultTarget,
): Promise<void> {
  const c = docker.getContainer(target.container);
  switch (kind) {
    case 'kill':
      // `docker kill` returns before the container has stopped; starting it earlier fails.
      await wrap('wait', target, () => c.wait({ condition: 'not-running' }));
      return wrap('start', target, () => c.start());
    case 'pause':
      return wrap('unpause', target, () => c.unpause());
    case 'disconnect': {
      const net = docker.getNetwork(need(target.network, 'network', kind));
      await wrap('network connect', target, () =>
        net.connect({
          Container: target.container,
          ...(target.ipv4Address
            ? { EndpointConfig: { IPAMConfig: { IPv4Address: target.ipv4Address } } }
            : {}),
        }),
      );
      if (target.interfaceName && target.ipv4Address)
        await renameInterface(c, target.ipv4Address, target.interfaceName);
      return;
    }
  }
}

/** Runs a command in a container to completion; its output and exit code. */
export async function execInContainer(
  c: Dockerode.Container,
  cmd: string[],
): Promise<{ code: number | null; output: string }> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (d: Buffer) => chunks.push(d));
  c.modem.demuxStream(stream, out, out);
  await new Promise<void>((ok) => {
    stream.once('end', ok);
    stream.once('close', ok);
    stream.once('error', () => ok());
  });
  return { code: (await exec.inspect()).ExitCode, output: Buffer.concat(chunks).toString() };
}

/** The interface that carries `ipv4` in `ip -o -4 addr show` output (`2: eth1    inet 198.19.17.1/20 …`). */
export function interfaceWithAddress(ipAddrOutput: string, ipv4: string): string | null {
  for (const line of ipAddrOutput.split('\n')) {
    const m = /^\d+:\s+([^\s@]+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\//.exec(line);
    if (m && m[2] === ipv4) return m[1] ?? null;
  }
  return null;
}

async function renameInterface(c: Dockerode.Container, ipv4: string, name: string): Promise<void> {
  const run = async (cmd: string[]) => {
    const r = await execInContainer(c, cmd);
    if (r.code !== 0)
      throw new BackendError(
        `${cmd.join(' ')} in container ${c.id} failed (exit ${r.code}): ${r.output.trim()}`,
      );
    return r.output;
  };
  const current = interfaceWithAddress(await run(['ip', '-o', '-4', 'addr', 'show']), ipv4);
  if (!current)
    throw new BackendError(`no interface carries ${ipv4} in container ${c.id} after reconnecting`);
  if (current === name) return;
  const defaultRoute = (await run(['ip', 'route', 'show', 'default'])).trim().split('\n')[0] ?? '';
  const gateway = /^default via (\S+)/.exec(defaultRoute)?.[1];
  await run(['ip', 'link', 'set', 'dev', current, 'down']);
  await run(['ip', 'link', 'set', 'dev', current, 'name', name]);
  await run(['ip', 'link', 'set', 'dev', name, 'up']);
  if (gateway) await run(['ip', 'route', 'replace', 'default', 'via', gateway, 'dev', name]);
}

/**
 * control-plane-outage inside one node container (docker and kind backends): an `unreachable` /32
 * route to kube-apiserver's address in the container's own network namespace (it has NET_ADMIN),
 * or its removal. The host and the Docker network are not touched.
 */
export async function setApiServerReachableIn(
  c: Dockerode.Container,
  apiserverIp: string,
  reachable: boolean,
): Promise<void> {
  const verb = reachable ? 'del' : 'replace';
  const r = await execInContainer(c, ['ip', 'route', verb, 'unreachable', `${apiserverIp}/32`]);
  if (r.code !== 0 && !(reachable && /No such process|not found/i.test(r.output))) {
    throw new BackendError(`ip route ${verb} unreachable ${apiserverIp}/32 in ${c.id}: ${r.output.trim()}`);
  }
}
