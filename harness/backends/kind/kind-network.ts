import { BackendError } from '../../errors.js';
import { type Ipv4Range, ipv4Range, ipv4ToNumber, rangeContains } from '../../util/ipv4-range.js';

/** The Docker network kind puts every cluster's nodes on (kind reuses it when it exists). */
export const KIND_NETWORK = 'kind';

/** Where l2bench creates the kind network when there is none: dockerd's pool for this project. */
export const DOCKER_RANGE = '198.19.0.0/16';

/** VIP slots per kind network: clusters running at once (`--parallel`) each get one. */
export const VIP_SLOTS = 4;

/** What `docker network inspect` says about a network's IPv4 addressing. */
export interface DockerNetworkInfo {
  name: string;
  subnet: string;
  gateway?: string;
  /** The part of the subnet Docker's IPAM hands to containers (`--ip-range`), when restricted. */
  ipRange?: string;
}

/** Reads the IPv4 config from `docker network inspect <name>` output (a JSON array). */
export function parseNetworkInspect(json: string, name: string): DockerNetworkInfo {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new BackendError(`docker network inspect ${name}: output is not JSON`);
  }
  const net = (Array.isArray(doc) ? doc[0] : undefined) as
    | { IPAM?: { Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] } }
    | undefined;
  const v4 = net?.IPAM?.Config?.find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (!v4?.Subnet)
    throw new BackendError(
      `docker network ${name} has no IPv4 subnet: remove it (docker network rm ${name})`,
    );
  return {
    name,
    subnet: v4.Subnet,
    ...(v4.Gateway ? { gateway: v4.Gateway } : {}),
    ...(v4.IPRange ? { ipRange: v4.IPRange } : {}),
  };
}

const fmt = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const cidrOf = (r: Ipv4Range): string => `${fmt(r.first)}/${32 - Math.log2(r.last - r.first + 1)}`;

/**
 * The network rule: Docker networks, kind's included, live in {@link DOCKER_RANGE} (198.18.0.0/16
 * is the local backend's); anywhere else VIPs would land on someone's real addresses. One line
 * naming the network, its subnet and the fix.
 */
export function checkBenchmarkSubnet(net: DockerNetworkInfo): Ipv4Range {
  const subnet = ipv4Range({ cidr: net.subnet });
  const allowed = ipv4Range({ cidr: DOCKER_RANGE }) as Ipv4Range;
  if (!subnet || !rangeContains(allowed, subnet)) {
    throw new BackendError(
      `docker network ${net.name} has subnet ${net.subnet}, outside ${DOCKER_RANGE}: remove it (docker network rm ${net.name}) and start dockerd with --default-address-pool base=${DOCKER_RANGE},size=24, or use --backend local`,
    );
  }
  return subnet;
}

/**
 * The part of the network's subnet no container gets an address from: the half outside Docker's
 * `--ip-range` when one is set, else the upper half (Docker's IPAM assigns from the bottom up).
 */
export function freeRegion(net: DockerNetworkInfo): Ipv4Range {
  const subnet = checkBenchmarkSubnet(net);
  const half = (subnet.last - subnet.first + 1) / 2;
  const lower = { first: subnet.first, last: subnet.first + half - 1 };
  const upper = { first: subnet.first + half, last: subnet.last };
  if (!net.ipRange) return upper;
  const used = ipv4Range({ cidr: net.ipRange });
  if (used && rangeContains(lower, used)) return upper;
  if (used && rangeContains(upper, used)) return lower;
  throw new BackendError(
    `docker network ${net.name}: ip-range ${net.ipRange} spans both halves of ${net.subnet}: recreate it with an ip-range inside one half`,
  );
}

/**
 * The VIP pool of the cluster in `slot`: one of {@link VIP_SLOTS} equal blocks of the free region,
 * so clusters sharing the kind network never hand out the same VIP. With a scenario `pool`, that
 * pool instead, once it is checked to lie in the free region (else a container could hold a VIP).
 */
export function kindVipPool(
  net: DockerNetworkInfo,
  slot: number,
  scenarioPool?: { cidr?: string; start?: string; stop?: string },
): { cidr?: string; start?: string; stop?: string } {
  const free = freeRegion(net);
  if (scenarioPool && (scenarioPool.cidr || scenarioPool.start)) {
    const r = ipv4Range(scenarioPool);
    const shown = scenarioPool.cidr ?? `${scenarioPool.start}-${scenarioPool.stop}`;
    if (!r || !rangeContains(free, r))
      throw new BackendError(
        `pool ${shown} is not inside ${cidrOf(free)}, the part of docker network ${net.name} (${net.subnet}) no container is given: pick a pool there or leave pool unset`,
      );
    return scenarioPool;
  }
  if (!Number.isInteger(slot) || slot < 0 || slot >= VIP_SLOTS)
    throw new BackendError(`VIP slot ${slot} out of range 0..${VIP_SLOTS - 1}`);
  const size = (free.last - free.first + 1) / VIP_SLOTS;
  if (size < 4)
    throw new BackendError(
      `docker network ${net.name} (${net.subnet}) is too small for ${VIP_SLOTS} VIP pools`,
    );
  const first = free.first + slot * size;
  return { cidr: cidrOf({ first, last: first + size - 1 }) };
}

/**
 * A /19 of {@link DOCKER_RANGE} that overlaps none of `taken` (subnets of existing networks),
 * from the top down (dockerd's default pool hands out /24s from the bottom). Undefined when full.
 */
export function chooseKindSubnet(taken: readonly string[]): string | undefined {
  const used = taken.map((c) => ipv4Range({ cidr: c })).filter((r): r is Ipv4Range => r !== undefined);
  const base = ipv4ToNumber('198.19.0.0') as number;
  const size = 2 ** 13;
  for (let i = 65536 / size - 1; i >= 0; i--) {
    const r = { first: base + i * size, last: base + (i + 1) * size - 1 };
    if (!used.some((u) => u.first <= r.last && r.first <= u.last)) return cidrOf(r);
  }
  return undefined;
}

/**
 * `docker network create` arguments for the kind network: kind's own options (masquerade, MTU
 * 1500), our subnet, and an ip-range of its lower half so VIP pools in the upper half never
 * collide with a node or probe container.
 */
export function kindNetworkCreateArgs(subnet: string): string[] {
  const r = ipv4Range({ cidr: subnet }) as Ipv4Range;
  const half = (r.last - r.first + 1) / 2;
  return [
    'network',
    'create',
    '--driver',
    'bridge',
    '--subnet',
    subnet,
    '--gateway',
    fmt(r.first + 1),
    '--ip-range',
    cidrOf({ first: r.first, last: r.first + half - 1 }),
    '-o',
    'com.docker.network.bridge.enable_ip_masquerade=true',
    '-o',
    'com.docker.network.driver.mtu=1500',
    '--label',
    'l2bench.io/created-by=l2bench',
    KIND_NETWORK,
  ];
}
