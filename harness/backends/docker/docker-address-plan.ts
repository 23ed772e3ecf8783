import { BackendError } from '../../errors.js';
import { ipv4Range } from '../../util/ipv4-range.js';

/** Run slots in 198.19.0.0/16: 1..14 (slot 0 holds dockerd's default bridge, 15 the service range). */
export const FIRST_DOCKER_SLOT = 1;
export const LAST_DOCKER_SLOT = 14;
/** Service ClusterIPs: allocated by the API server, never carry traffic (no kube-proxy). */
export const DOCKER_SERVICE_CLUSTER_IP_RANGE = '198.19.240.0/20';

/**
 * Addresses of one docker-backend run: a user-defined bridge network with an explicit /20 of
 * 198.19.0.0/16. Containers get fixed addresses from the first /21 (the network's `ip-range`, so
 * Docker's IPAM never hands out anything else); the VIP pool is a /22 of the second half, which
 * no container can get.
 */
export interface DockerAddressPlan {
  slot: number;
  subnet: string;
  gateway: string;
  ipRange: string;
  controlPlane: string;
  probe: string;
  node(i: number): string;
  vipCidr: string;
}

export function dockerAddressPlan(slot: number): DockerAddressPlan {
  if (!Number.isInteger(slot) || slot < FIRST_DOCKER_SLOT || slot > LAST_DOCKER_SLOT)
    throw new RangeError(`docker address slot ${slot} is outside ${FIRST_DOCKER_SLOT}..${LAST_DOCKER_SLOT}`);
  const third = slot * 16;
  return {
    slot,
    subnet: `198.19.${third}.0/20`,
    gateway: `198.19.${third}.1`,
    ipRange: `198.19.${third}.0/21`,
    controlPlane: `198.19.${third}.2`,
    probe: `198.19.${third}.3`,
    node(i: number): string {
      if (!Number.isInteger(i) || i < 0 || i > 253) throw new RangeError(`node index ${i} out of range`);
      return `198.19.${third + 1}.${i + 1}`;
    },
    vipCidr: `198.19.${third + 8}.0/22`,
  };
}

/** True when two CIDRs share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const ra = ipv4Range({ cidr: a });
  const rb = ipv4Range({ cidr: b });
  if (!ra || !rb) return false;
  return ra.first <= rb.last && rb.first <= ra.last;
}

/** Slots whose /20 overlaps none of the subnets Docker networks already use, first to last. */
export function freeDockerSlots(usedSubnets: readonly string[]): number[] {
  const out: number[] = [];
  for (let s = FIRST_DOCKER_SLOT; s <= LAST_DOCKER_SLOT; s++) {
    const subnet = dockerAddressPlan(s).subnet;
    if (!usedSubnets.some((u) => cidrsOverlap(u, subnet))) out.push(s);
  }
  if (out.length === 0)
    throw new BackendError(
      `every docker address slot in 198.19.0.0/16 is in use: stop a running l2bench, run 'l2bench cleanup', or remove Docker networks in 198.19.0.0/16`,
    );
  return out;
}
