import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { LbIpPool } from './lb-ip-pool.js';
import { type IpamPlan, planAllocations, type ServiceOutcome } from './plan-allocations.js';

let clock = 0;
function svc(
  name: string,
  opts: {
    type?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    loadBalancerIP?: string;
    ingress?: string[];
    ns?: string;
    loadBalancerClass?: string;
  } = {},
): V1Service {
  clock += 1000;
  return {
    metadata: {
      name,
      namespace: opts.ns ?? 'default',
      labels: opts.labels,
      annotations: opts.annotations,
      creationTimestamp: new Date(clock),
    },
    spec: {
      type: opts.type ?? 'LoadBalancer',
      loadBalancerIP: opts.loadBalancerIP,
      loadBalancerClass: opts.loadBalancerClass,
    },
    status: { loadBalancer: { ingress: (opts.ingress ?? []).map((ip) => ({ ip })) } },
  };
}

function pool(name: string, spec: LbIpPool['spec'], createdMs = 0): LbIpPool {
  return { metadata: { name, creationTimestamp: new Date(createdMs) }, spec };
}

const small = pool('small', { blocks: [{ start: '198.18.8.1', stop: '198.18.8.2' }] });

function outcome(plan: IpamPlan, key: string): ServiceOutcome | undefined {
  return plan.services.find((s) => s.key === key);
}

function ips(plan: IpamPlan, key: string): string[] | undefined {
  const o = outcome(plan, key);
  return o?.kind === 'assigned' ? o.ips : undefined;
}

test('allocates the first free addresses in creation order and reports changes', () => {
  const plan = planAllocations({ pools: [small], services: [svc('a'), svc('b')] });
  assert.deepEqual(ips(plan, 'default/a'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/b'), ['198.18.8.2']);
  assert.equal((outcome(plan, 'default/a') as { changed: boolean }).changed, true);
  assert.equal(plan.pools[0]?.used, 2n);
});

test('exhaustion is reported with the pool, and earlier services keep their addresses', () => {
  const plan = planAllocations({ pools: [small], services: [svc('a'), svc('b'), svc('c')] });
  const c = outcome(plan, 'default/c');
  assert.equal(c?.kind, 'pending');
  assert.equal(c?.kind === 'pending' && c.reason, 'exhausted');
  assert.deepEqual(c?.kind === 'pending' && c.pools, ['small']);
  assert.match(c?.kind === 'pending' ? c.message : '', /no free IPv4 address in pool small/);
});

test('only type LoadBalancer services without a foreign class get addresses', () => {
  const plan = planAllocations({
    pools: [small],
    services: [
      svc('cluster-ip', { type: 'ClusterIP' }),
      svc('foreign', { loadBalancerClass: 'example.com/other' }),
      svc('l2', { loadBalancerClass: 'io.cilium/l2-announcer' }),
    ],
  });
  assert.equal(outcome(plan, 'default/cluster-ip'), undefined);
  assert.equal(outcome(plan, 'default/foreign'), undefined);
  assert.deepEqual(ips(plan, 'default/l2'), ['198.18.8.1']);
});

test('a requested address is honoured from the annotation or spec.loadBalancerIP', () => {
  const plan = planAllocations({
    pools: [pool('p', { blocks: [{ cidr: '198.18.8.0/24' }] })],
    services: [
      svc('dyn'),
      svc('annotated', { annotations: { 'io.cilium/lb-ipam-ips': '198.18.8.1' } }),
      svc('spec', { loadBalancerIP: '198.18.8.77' }),
    ],
  });
  // The request wins over an older dynamic allocation made in the same pass.
  assert.deepEqual(ips(plan, 'default/annotated'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/spec'), ['198.18.8.77']);
  assert.deepEqual(ips(plan, 'default/dyn'), ['198.18.8.2']);
});

test('a requested address held by another service is a conflict, never shared', () => {
  const plan = planAllocations({
    pools: [small],
    services: [
      svc('holder', { ingress: ['198.18.8.1'] }),
      svc('wants-it', { annotations: { 'io.cilium/lb-ipam-ips': '198.18.8.1' } }),
    ],
  });
  assert.deepEqual(ips(plan, 'default/holder'), ['198.18.8.1']);
  const o = outcome(plan, 'default/wants-it');
  assert.equal(o?.kind === 'pending' && o.reason, 'conflict');
  assert.equal(o?.kind === 'pending' && o.holder, 'default/holder');
});

test('a requested address outside every selecting pool, or not an address, is reported', () => {
  const plan = planAllocations({
    pools: [small],
    services: [
      svc('outside', { loadBalancerIP: '198.18.9.9' }),
      svc('junk', { loadBalancerIP: 'not-an-ip' }),
    ],
  });
  const outside = outcome(plan, 'default/outside');
  assert.equal(outside?.kind === 'pending' && outside.reason, 'no-pool');
  const junk = outcome(plan, 'default/junk');
  assert.equal(junk?.kind === 'pending' && junk.reason, 'invalid-request');
});

test('a malformed pool hands out nothing and does not stop the others', () => {
  const plan = planAllocations({
    pools: [
      pool('broken', { blocks: [{ cidr: '198.18.8.0/40' }] }),
      pool('ok', { blocks: [{ cidr: '198.18.9.0/30' }] }),
    ],
    services: [svc('a')],
  });
  assert.deepEqual(ips(plan, 'default/a'), ['198.18.9.1']);
  assert.equal(plan.pools.find((p) => p.pool.name === 'broken')?.pool.problem?.kind, 'malformed');
});

test('the later of two overlapping pools is not used', () => {
  const plan = planAllocations({
    pools: [
      pool('later', { blocks: [{ start: '198.18.8.2', stop: '198.18.8.3' }] }, 2000),
      pool('earlier', { blocks: [{ start: '198.18.8.1', stop: '198.18.8.2' }] }, 1000),
    ],
    services: [svc('a'), svc('b'), svc('c')],
  });
  assert.deepEqual(ips(plan, 'default/a'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/b'), ['198.18.8.2']);
  assert.equal(outcome(plan, 'default/c')?.kind, 'pending');
  assert.equal(plan.pools.find((p) => p.pool.name === 'later')?.pool.problem?.kind, 'conflict');
});

test('a deleted service frees its address for the next one', () => {
  const a = svc('a');
  const b = svc('b');
  const first = planAllocations({ pools: [small], services: [a, b] });
  const withStatus = (s: V1Service, ip: string): V1Service => ({
    ...s,
    status: { loadBalancer: { ingress: [{ ip }] } },
  });
  const c = svc('c');
  const second = planAllocations({
    pools: [small],
    services: [withStatus(b, ips(first, 'default/b')?.[0] ?? ''), c],
  });
  assert.deepEqual(ips(second, 'default/b'), ['198.18.8.2']);
  assert.deepEqual(ips(second, 'default/c'), ['198.18.8.1']);
  assert.equal((outcome(second, 'default/b') as { changed: boolean }).changed, false);
});

test('pools are chosen by serviceSelector, including the namespace pseudo-label', () => {
  const plan = planAllocations({
    pools: [
      pool('public', {
        blocks: [{ cidr: '198.18.8.0/30' }],
        serviceSelector: { matchLabels: { 'homelab/public-service': 'true' } },
      }),
      pool('team', {
        blocks: [{ cidr: '198.18.9.0/30' }],
        serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': 'team-a' } },
      }),
    ],
    services: [
      svc('web', { labels: { 'homelab/public-service': 'true' } }),
      svc('api', { ns: 'team-a' }),
      svc('other'),
    ],
  });
  assert.deepEqual(ips(plan, 'default/web'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'team-a/api'), ['198.18.9.1']);
  const other = outcome(plan, 'default/other');
  assert.equal(other?.kind === 'pending' && other.reason, 'no-pool');
});

test('a disabled pool keeps existing allocations but makes no new ones', () => {
  const disabled = pool('p', { blocks: [{ start: '198.18.8.1', stop: '198.18.8.2' }], disabled: true });
  const plan = planAllocations({
    pools: [disabled],
    services: [svc('old', { ingress: ['198.18.8.1'] }), svc('new')],
  });
  assert.deepEqual(ips(plan, 'default/old'), ['198.18.8.1']);
  assert.equal(outcome(plan, 'default/new')?.kind, 'pending');
});

test('previous (written, not yet echoed) assignments are kept over a newcomer', () => {
  const a = svc('a');
  const plan = planAllocations({
    pools: [small],
    services: [svc('older'), a],
    previous: new Map([['default/a', ['198.18.8.1']]]),
  });
  assert.deepEqual(ips(plan, 'default/a'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/older'), ['198.18.8.2']);
});

test('a service that stopped being a LoadBalancer has its pool address released', () => {
  const plan = planAllocations({
    pools: [small],
    services: [svc('was-lb', { type: 'NodePort', ingress: ['198.18.8.1'] })],
  });
  assert.deepEqual(outcome(plan, 'default/was-lb'), {
    kind: 'release',
    key: 'default/was-lb',
    ips: ['198.18.8.1'],
  });
});

test('never one address for two services, even with duplicate statuses and requests', () => {
  const services = [
    svc('s1', { ingress: ['198.18.8.1'] }),
    svc('s2', { ingress: ['198.18.8.1'] }),
    svc('s3', { loadBalancerIP: '198.18.8.2' }),
    svc('s4', { annotations: { 'io.cilium/lb-ipam-ips': '198.18.8.2' } }),
    ...Array.from({ length: 20 }, (_, i) => svc(`d${i}`)),
  ];
  const plan = planAllocations({ pools: [pool('p', { blocks: [{ cidr: '198.18.8.0/28' }] })], services });
  const all = plan.services.flatMap((o) => (o.kind === 'assigned' ? o.ips : []));
  assert.equal(new Set(all).size, all.length);
  assert.equal(all.length, 14); // a /28 has 14 usable addresses
  assert.deepEqual(ips(plan, 'default/s1'), ['198.18.8.1']);
  assert.notDeepEqual(ips(plan, 'default/s2'), ['198.18.8.1']);
});

/** A service with a sharing key and the given TCP ports. */
function sharing(
  name: string,
  key: string,
  ports: number[],
  opts: Parameters<typeof svc>[1] = {},
): V1Service {
  const s = svc(name, { ...opts, annotations: { 'lbipam.cilium.io/sharing-key': key, ...opts.annotations } });
  s.spec = { ...s.spec, ports: ports.map((port) => ({ port, protocol: 'TCP' })) };
  return s;
}

test('sharing key: services with one key and distinct ports get one address', () => {
  const plan = planAllocations({
    pools: [small],
    services: [sharing('a', 'k', [80]), sharing('b', 'k', [443]), svc('c')],
  });
  assert.deepEqual(ips(plan, 'default/a'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/b'), ['198.18.8.1']);
  assert.deepEqual(ips(plan, 'default/c'), ['198.18.8.2']);
  assert.equal(plan.pools[0]?.used, 2n, 'a shared address counts once');
});

test('sharing key: a port clash, another key or another namespace means an address of its own', () => {
  const big = pool('big', { blocks: [{ cidr: '198.18.8.0/29' }] });
  const plan = planAllocations({
    pools: [big],
    services: [
      sharing('a', 'k', [80]),
      sharing('b', 'k', [80]),
      sharing('c', 'other', [443]),
      sharing('d', 'k', [443], { ns: 'team-b' }),
      sharing('e', 'k', [8080]),
    ],
  });
  const a = ips(plan, 'default/a');
  assert.ok(a);
  assert.notDeepEqual(ips(plan, 'default/b'), a, 'port 80 twice');
  assert.notDeepEqual(ips(plan, 'default/c'), a, 'another key');
  assert.notDeepEqual(ips(plan, 'team-b/d'), a, 'another namespace');
  assert.deepEqual(ips(plan, 'default/e'), a, 'same key, free port');
});

test('sharing key: a shared address is kept by both, and may be requested by a sharer', () => {
  const plan = planAllocations({
    pools: [small],
    services: [
      sharing('a', 'k', [80], { ingress: ['198.18.8.2'] }),
      sharing('b', 'k', [443], { ingress: ['198.18.8.2'] }),
      sharing('c', 'k', [22], { annotations: { 'io.cilium/lb-ipam-ips': '198.18.8.2' } }),
      svc('d', { annotations: { 'io.cilium/lb-ipam-ips': '198.18.8.2' } }),
    ],
  });
  for (const k of ['default/a', 'default/b', 'default/c']) assert.deepEqual(ips(plan, k), ['198.18.8.2'], k);
  assert.equal(outcome(plan, 'default/d')?.kind, 'pending');
  assert.equal((outcome(plan, 'default/d') as { reason: string }).reason, 'conflict');
});
