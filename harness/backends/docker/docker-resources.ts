import type Dockerode from 'dockerode';
import { GenericContainer } from 'testcontainers';

/** Label on every container, network and volume a docker-backend run creates. */
export const DOCKER_RUN_LABEL = 'l2bench.io/run';

/**
 * A testcontainers container with the settings its builder does not expose: a fixed address on a
 * user-defined network and network sysctls; never registered with testcontainers' reaper.
 */
export class L2benchContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    // No Ryuk session (its image cannot be pulled here): the harness removes what it creates by
    // the run label, on dispose and in `l2bench cleanup`.
    this.withAutoCleanup(false);
  }

  /** Joins `network` with a fixed IPv4 address (from the network's ip-range). */
  withStaticAddress(network: string, ipv4: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: ipv4 } } },
    };
    return this;
  }

  /** Network-namespace sysctls (allowed without privileges: /proc/sys is read-only inside). */
  withSysctls(sysctls: Record<string, string>): this {
    this.hostConfig.Sysctls = { ...this.hostConfig.Sysctls, ...sysctls };
    return this;
  }
}

/** What {@link removeRunResources} removed. */
export interface RemovedResources {
  containers: number;
  networks: number;
  volumes: number;
  errors: string[];
}

/**
 * Removes every container (forced, with its anonymous volumes), then network, then volume that
 * carries `l2bench.io/run=<runId>`. Safe to call twice; errors are collected, not thrown.
 */
export async function removeRunResources(docker: Dockerode, runId: string): Promise<RemovedResources> {
  const filters = { label: [`${DOCKER_RUN_LABEL}=${runId}`] };
  const out: RemovedResources = { containers: 0, networks: 0, volumes: 0, errors: [] };
  const note = (what: string) => (err: Error) => {
    // 404: gone already (a concurrent teardown); 409: removal already in progress.
    if (!/\b(404|409)\b|no such|not found|already in progress/i.test(err.message))
      out.errors.push(`${what}: ${err.message}`);
  };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .then(() => out.containers++, note(`container ${c.Names[0] ?? c.Id}`));
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .then(() => out.networks++, note(`network ${n.Name}`));
  }
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) {
    await docker
      .getVolume(v.Name)
      .remove()
      .then(() => out.volumes++, note(`volume ${v.Name}`));
  }
  return out;
}

/** Run ids that own at least one labelled container, network or volume. */
export async function labelledRunIds(docker: Dockerode): Promise<Set<string>> {
  const filters = { label: [DOCKER_RUN_LABEL] };
  const ids = new Set<string>();
  const add = (labels: Record<string, string> | null | undefined) => {
    const id = labels?.[DOCKER_RUN_LABEL];
    if (id) ids.add(id);
  };
  for (const c of await docker.listContainers({ all: true, filters })) add(c.Labels);
  for (const n of await docker.listNetworks({ filters })) add(n.Labels);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) add(v.Labels);
  return ids;
}
