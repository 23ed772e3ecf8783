import type Dockerode from 'dockerode';
import { BackendError } from '../errors.js';

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
      return wrap('network connect', target, () =>
        net.connect({
          Container: target.container,
          ...(target.ipv4Address
            ? { EndpointConfig: { IPAMConfig: { IPv4Address: target.ipv4Address } } }
            : {}),
        }),
      );
    }
  }
}
