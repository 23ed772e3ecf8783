import { ScenarioError } from '../errors.js';

/** Most local-backend runs that can coexist on one machine (one /20 of 198.18.0.0/16 each). */
export const MAX_SLOTS = 15;
/** Most nodes one local cluster may have (addresses 198.18.{16k+1}.1..254 and memory per agent). */
export const MAX_NODES = 100;

/**
 * Addresses of one local-backend run. Everything lies in 198.18.0.0/16 (the benchmarking range,
 * RFC 2544), in a /20 per run slot so two runs can coexist; nothing is routed off the machine.
 */
export interface AddressPlan {
  slot: number;
  /** Prefix length of the shared L2 segment. */
  prefixLength: 20;
  /** The bridge's own address; kube-apiserver binds here so node namespaces reach it. */
  gateway: string;
  /** Probe (client) namespace address. */
  client: string;
  /** Address of node i (0-based). */
  node(i: number): string;
  /** CIDR of the VIP pool for LoadBalancer services (1024 addresses). */
  vipCidr: string;
  /** The /20 of this slot, for "is this address ours" checks. */
  slotCidr: string;
}

/** Service ClusterIP range: allocated by the API server, never carries traffic (no kube-proxy). */
export const SERVICE_CLUSTER_IP_RANGE = '198.18.240.0/20';

/** The address plan of run slot `slot` (0..MAX_SLOTS-1). */
export function addressPlan(slot: number): AddressPlan {
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS) {
    throw new RangeError(`address slot ${slot} is outside 0..${MAX_SLOTS - 1}`);
  }
  const third = slot * 16;
  return {
    slot,
    prefixLength: 20,
    gateway: `198.18.${third}.1`,
    client: `198.18.${third}.2`,
    node(i: number): string {
      if (!Number.isInteger(i) || i < 0 || i >= MAX_NODES)
        throw new RangeError(`node index ${i} out of range`);
      return `198.18.${third + 1}.${i + 1}`;
    },
    vipCidr: `198.18.${third + 8}.0/22`,
    slotCidr: `198.18.${third}.0/20`,
  };
}

/** The first slot whose gateway address is not in `usedAddresses` (addresses already on this host). */
export function freeSlot(usedAddresses: ReadonlySet<string>): number {
  for (let s = 0; s < MAX_SLOTS; s++) {
    if (!usedAddresses.has(addressPlan(s).gateway)) return s;
  }
  throw new ScenarioError(
    `all ${MAX_SLOTS} local address slots in 198.18.0.0/16 are in use: stop a running l2bench or run 'l2bench cleanup'`,
  );
}

/** Validates a node count for the local backend (one line naming the value and the limit). */
export function checkNodeCount(nodes: number): void {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) {
    throw new ScenarioError(`--nodes must be an integer from 1 to ${MAX_NODES} (got ${nodes})`);
  }
}
