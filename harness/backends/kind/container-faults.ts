import type Dockerode from 'dockerode';
import { injectDockerFault, liftDockerFault, setApiServerReachableIn } from '../docker/docker-faults.js';

/** Docker-level faults on a kind node container, in the kind backend's terms. */
export interface ContainerFaults {
  kill(container: string): Promise<void>;
  start(container: string): Promise<void>;
  pause(container: string): Promise<void>;
  unpause(container: string): Promise<void>;
  disconnect(network: string, container: string): Promise<void>;
  /** Reconnects with the address it had, so the Node's InternalIP stays valid. */
  connect(network: string, container: string, ip: string): Promise<void>;
  /** control-plane-outage: an `unreachable` route to the API server inside the container, or its removal. */
  setApiServerReachable(container: string, apiserverIp: string, reachable: boolean): Promise<void>;
}

/**
 * The docker backend's fault code (harness/backends/docker/docker-faults.ts, through the engine API) applied
 * to kind's node containers: one implementation of kill, pause and disconnect for both backends.
 * A kind node's interface is renamed back to eth0 on reconnect, as a docker node's is.
 */
export function sharedDockerFaults(docker: Dockerode): ContainerFaults {
  return {
    kill: (container) => injectDockerFault(docker, 'kill', { container }),
    start: (container) => liftDockerFault(docker, 'kill', { container }),
    pause: (container) => injectDockerFault(docker, 'pause', { container }),
    unpause: (container) => liftDockerFault(docker, 'pause', { container }),
    disconnect: (network, container) => injectDockerFault(docker, 'disconnect', { container, network }),
    connect: (network, container, ip) =>
      liftDockerFault(docker, 'disconnect', { container, network, ipv4Address: ip, interfaceName: 'eth0' }),
    setApiServerReachable: (container, ip, reachable) =>
      setApiServerReachableIn(docker.getContainer(container), ip, reachable),
  };
}
