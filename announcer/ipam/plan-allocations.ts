import type { V1Service } from '@kubernetes/client-node';
import { matchesLabelSelector } from '../k8s/label-selector.js';
import {
  ingressIps,
  portKeys,
  requestedIps,
  serviceKey,
  serviceSelectorLabels,
  sharingGroup,
  wantsLbAddress,
} from '../k8s/service-fields.js';
import { formatIp, type IpAddress, parseIp } from './ip-address.js';
import type { LbIpPool } from './lb-ip-pool.js';
import { type ParsedPool, parsePools } from './pool-ranges.js';

/** What the IPAM decided for one service. */
export type ServiceOutcome =
  | {
      kind: 'assigned';
      key: string;
      ips: string[];
      /** Pool of each address, same order as `ips`. */
      pools: string[];
      /** The status does not show these addresses yet: write it. */
      changed: boolean;
    }
  | {
      kind: 'pending';
      key: string;
      reason: 'exhausted' | 'no-pool' | 'conflict' | 'invalid-request';
      message: string;
      /** Pools the failure concerns (the exhausted ones). */
      pools: string[];
      /** For `conflict`: the service holding the requested address. */
      holder?: string;
    }
  | {
      /** Not a LoadBalancer (any more) but its status still shows pool addresses: clear them. */
      kind: 'release';
      key: string;
      ips: string[];
    };

/** A pool with how many of its addresses are in use. */
export interface PoolUsage {
  pool: ParsedPool;
  used: bigint;
}

/** The whole IPAM decision for one snapshot of pools and services. */
export interface IpamPlan {
  services: ServiceOutcome[];
  pools: PoolUsage[];
}

/** Input to {@link planAllocations}. */
export interface IpamInput {
  pools: readonly LbIpPool[];
  services: readonly V1Service[];
  /**
   * Addresses the operator wrote but may not have seen echoed by its watch yet, by service key.
   * They take precedence over the status, so a re-plan before the echo keeps them.
   */
  previous?: ReadonlyMap<string, readonly string[]>;
}

const familyOf = { IPv4: 4, IPv6: 6 } as const;

function createdMs(svc: V1Service): number {
  const t = svc.metadata?.creationTimestamp as Date | string | undefined;
  const ms = t instanceof Date ? t.getTime() : t ? Date.parse(t) : 0;
  return Number.isFinite(ms) ? ms : 0;
}

const ipKey = (ip: IpAddress): string => `${ip.family}:${ip.value}`;

function inPool(pool: ParsedPool, ip: IpAddress): boolean {
  return pool.usable.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * Assigns LoadBalancer addresses. Pure and deterministic: the same pools, services and
 * `previous` always give the same plan, so the operator can re-plan on every change.
 *
 * Order of precedence, each step in (creationTimestamp, namespace/name) order:
 * 1. a service keeps the addresses its status (or `previous`) shows if they are still in a
 *    usable pool that selects it (disabled pools keep existing allocations, as in Cilium);
 * 2. services that request addresses (annotation `io.cilium/lb-ipam-ips`, `spec.loadBalancerIP`)
 *    get them if free, else an `AddressConflict`: an address is never given to two services
 *    (unless they share it, below);
 * 3. the rest get the first free address of each of their `spec.ipFamilies` from the first
 *    enabled, selecting pool, else `exhausted` (pools exist but are full) or `no-pool`.
 * Addresses of services that no longer exist are free simply because nothing holds them.
 *
 * Sharing (Cilium's `lbipam.cilium.io/sharing-key`): a service whose namespace and key match an
 * address's holders, and whose `port/protocol` pairs clash with none of theirs, may keep, request
 * or (before taking a free one) be given that address. A clash means an address of its own.
 */
export function planAllocations(input: IpamInput): IpamPlan {
  const pools = parsePools(input.pools);
  const usable = pools.filter((p) => p.problem === null);
  const used = new Map<string, { holder: string; pool: string }>();
  /** Shared addresses: the sharing group and the ports already taken on them. */
  const shares = new Map<string, { group: string; ports: Set<string>; ip: IpAddress }>();
  const canShare = (svc: V1Service, ip: IpAddress): boolean => {
    const share = shares.get(ipKey(ip));
    const group = sharingGroup(svc);
    return share !== undefined && group === share.group && portKeys(svc).every((p) => !share.ports.has(p));
  };
  const free = (svc: V1Service, ip: IpAddress): boolean => !used.has(ipKey(ip)) || canShare(svc, ip);
  const take = (svc: V1Service, ip: IpAddress, pool: string): void => {
    const k = ipKey(ip);
    const share = shares.get(k);
    if (used.has(k) && share) {
      for (const p of portKeys(svc)) share.ports.add(p);
      return;
    }
    used.set(k, { holder: serviceKey(svc), pool });
    const group = sharingGroup(svc);
    if (group !== null) shares.set(k, { group, ports: new Set(portKeys(svc)), ip });
  };
  const outcomes = new Map<string, ServiceOutcome>();
  /** An address of this family already given to the service's sharing group that it may join. */
  const sharedWith = (svc: V1Service, candidates: readonly ParsedPool[], family: 4 | 6) => {
    for (const [k, share] of shares) {
      const pool = used.get(k)?.pool;
      if (share.ip.family !== family || !canShare(svc, share.ip)) continue;
      if (candidates.some((p) => p.name === pool)) return { ip: share.ip, pool: pool ?? '' };
    }
    return null;
  };

  const services = [...input.services].sort(
    (a, b) =>
      createdMs(a) - createdMs(b) ||
      (serviceKey(a) < serviceKey(b) ? -1 : serviceKey(a) > serviceKey(b) ? 1 : 0),
  );
  const lb = services.filter(wantsLbAddress);
  const selecting = (svc: V1Service, pool: ParsedPool): boolean =>
    matchesLabelSelector(pool.serviceSelector, serviceSelectorLabels(svc));

  const assign = (svc: V1Service, ips: IpAddress[], poolNames: string[]): void => {
    const key = serviceKey(svc);
    const texts = ips.map(formatIp);
    ips.forEach((ip, i) => {
      take(svc, ip, poolNames[i] ?? '');
    });
    outcomes.set(key, {
      kind: 'assigned',
      key,
      ips: texts,
      pools: poolNames,
      changed: !sameSet(texts, ingressIps(svc)),
    });
  };

  // 1. Keep what is already assigned.
  for (const svc of lb) {
    const key = serviceKey(svc);
    const current = [...(input.previous?.get(key) ?? ingressIps(svc))];
    if (current.length === 0) continue;
    const requested = requestedIps(svc);
    if (requested.ips.length > 0 && !sameSet(current, requested.ips)) continue;
    const ips = current.map((t) => parseIp(t));
    const owners = ips.map((ip) => (ip ? usable.find((p) => inPool(p, ip) && selecting(svc, p)) : undefined));
    if (ips.every((ip, i) => ip && owners[i] && free(svc, ip))) {
      assign(
        svc,
        ips as IpAddress[],
        owners.map((p) => p?.name ?? ''),
      );
    }
  }

  // 2. Requested addresses, before dynamic allocation so a request is not lost to a newcomer.
  for (const svc of lb) {
    const key = serviceKey(svc);
    if (outcomes.has(key)) continue;
    const requested = requestedIps(svc);
    if (requested.ips.length === 0 && requested.invalid.length === 0) continue;
    if (requested.invalid.length > 0) {
      const message = `requested address ${JSON.stringify(requested.invalid[0])} is not an IP address`;
      outcomes.set(key, { kind: 'pending', key, reason: 'invalid-request', message, pools: [] });
      continue;
    }
    const ips: IpAddress[] = [];
    const owners: string[] = [];
    for (const text of requested.ips) {
      const ip = parseIp(text) as IpAddress;
      const holder = used.get(ipKey(ip));
      if (holder && !canShare(svc, ip)) {
        const message = `requested address ${text} is already allocated to ${holder.holder}`;
        outcomes.set(key, {
          kind: 'pending',
          key,
          reason: 'conflict',
          message,
          pools: [holder.pool],
          holder: holder.holder,
        });
        break;
      }
      const pool = usable.find((p) => !p.disabled && inPool(p, ip) && selecting(svc, p));
      if (!pool) {
        const message = `requested address ${text} is in no enabled pool that selects the service`;
        outcomes.set(key, { kind: 'pending', key, reason: 'no-pool', message, pools: [] });
        break;
      }
      ips.push(ip);
      owners.push(pool.name);
    }
    if (!outcomes.has(key)) assign(svc, ips, owners);
  }

  // 3. Dynamic allocation.
  for (const svc of lb) {
    const key = serviceKey(svc);
    if (outcomes.has(key)) continue;
    const families = (svc.spec?.ipFamilies ?? ['IPv4'])
      .map((f) => familyOf[f as keyof typeof familyOf])
      .filter((f) => f !== undefined);
    const ips: IpAddress[] = [];
    const owners: string[] = [];
    for (const family of families.length > 0 ? families : [4 as const]) {
      const candidates = usable.filter(
        (p) => !p.disabled && selecting(svc, p) && p.usable.some((r) => r.family === family),
      );
      if (candidates.length === 0) {
        const message = `no enabled pool with IPv${family} addresses selects the service`;
        outcomes.set(key, { kind: 'pending', key, reason: 'no-pool', message, pools: [] });
        break;
      }
      const found = sharedWith(svc, candidates, family) ?? firstFree(candidates, family, used);
      if (!found) {
        const names = candidates.map((p) => p.name);
        const message = `no free IPv${family} address in pool${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
        outcomes.set(key, { kind: 'pending', key, reason: 'exhausted', message, pools: names });
        break;
      }
      ips.push(found.ip);
      owners.push(found.pool);
    }
    if (!outcomes.has(key)) assign(svc, ips, owners);
  }

  // Services that stopped being LoadBalancers but still show an address from a pool.
  for (const svc of services) {
    if (svc.spec?.type === 'LoadBalancer') continue;
    const ips = ingressIps(svc).filter((t) => {
      const ip = parseIp(t);
      return (
        ip !== null &&
        pools.some((p) =>
          p.blocks.some((r) => r.family === ip.family && r.first <= ip.value && ip.value <= r.last),
        )
      );
    });
    if (ips.length > 0) outcomes.set(serviceKey(svc), { kind: 'release', key: serviceKey(svc), ips });
  }

  const usage = pools.map((pool) => ({
    pool,
    used: BigInt([...used.values()].filter((u) => u.pool === pool.name).length),
  }));
  return { services: [...outcomes.values()], pools: usage };
}

function firstFree(
  pools: readonly ParsedPool[],
  family: 4 | 6,
  used: ReadonlyMap<string, unknown>,
): { ip: IpAddress; pool: string } | null {
  for (const pool of pools) {
    for (const r of pool.usable) {
      if (r.family !== family) continue;
      // Each step skips one used address, so the walk is bounded by the number of services.
      for (let v = r.first; v <= r.last; v++) {
        const ip = { family, value: v };
        if (!used.has(ipKey(ip))) return { ip, pool: pool.name };
      }
    }
  }
  return null;
}
