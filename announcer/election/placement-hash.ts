/**
 * 32-bit FNV-1a of a string's UTF-8 bytes: stable across processes, versions and platforms,
 * which is all the sharding and the rendezvous placement need from a hash.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: FNV-1a alone mixes the last bytes poorly, which rendezvous notices. */
function mix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The bucket of `service` (`namespace/name`) among `shards`: FNV-1a mod K. */
export function shardOf(service: string, shards: number): number {
  return fnv1a32(service) % shards;
}

/** Lease name of bucket `k` of `shards`. */
export function shardLeaseName(k: number, shards: number): string {
  return `l2bench-shard-${k}-of-${shards}`;
}

/** Rendezvous (highest-random-weight) score of a (service, node) pair. */
export function rendezvousScore(service: string, node: string): number {
  return mix32(fnv1a32(`${service}\u0000${node}`));
}

/**
 * The node that should carry `service`: the one with the highest score (ties by name), or null
 * when `nodes` is empty. Removing a node moves only the services it carried; adding one moves
 * to it only the services it now wins.
 */
export function rendezvousOwner(service: string, nodes: Iterable<string>): string | null {
  let best: string | null = null;
  let bestScore = -1;
  for (const node of nodes) {
    const score = rendezvousScore(service, node);
    if (score > bestScore || (score === bestScore && best !== null && node < best)) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}
