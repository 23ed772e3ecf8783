import type { DockerCli } from './docker-cli.js';

/**
 * Docker-level faults on a node container. Adapter over the docker CLI with the operations of the
 * docker backend's shared fault code (harness/docker/docker-faults.ts), which replaces it on merge.
 */
export interface ContainerFaults {
  kill(container: string): Promise<void>;
  start(container: string): Promise<void>;
  pause(container: string): Promise<void>;
  unpause(container: string): Promise<void>;
  disconnect(network: string, container: string): Promise<void>;
  /** Reconnects with the address it had, so the Node's InternalIP stays valid. */
  connect(network: string, container: string, ip: string): Promise<void>;
}

export function dockerCliFaults(docker: DockerCli): ContainerFaults {
  const run = async (args: string[]) => {
    await docker.run(args);
  };
  return {
    kill: (c) => run(['kill', '--signal', 'KILL', c]),
    start: (c) => run(['start', c]),
    pause: (c) => run(['pause', c]),
    unpause: (c) => run(['unpause', c]),
    disconnect: (n, c) => run(['network', 'disconnect', '--force', n, c]),
    connect: (n, c, ip) => run(['network', 'connect', '--ip', ip, n, c]),
  };
}
