import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import { chooseInterface } from './choose-interface.js';
import type { L2AnnouncementPolicy } from './l2-announcement-policy.js';
import { leaseFor } from './lease-name.js';
import { type AnnouncementInput, selectAnnouncements } from './select-announcements.js';

function svc(
  name: string,
  opts: {
    type?: string;
    labels?: Record<string, string>;
    ingress?: string[];
    externalIPs?: string[];
    ns?: string;
    cls?: string;
  } = {},
): V1Service {
  return {
    metadata: { name, namespace: opts.ns ?? 'testsetup', labels: opts.labels },
    spec: { type: opts.type ?? 'LoadBalancer', externalIPs: opts.externalIPs, loadBalancerClass: opts.cls },
    status: { loadBalancer: { ingress: (opts.ingress ?? []).map((ip) => ({ ip })) } },
  };
}

function policy(name: string, spec: NonNullable<L2AnnouncementPolicy['spec']>): L2AnnouncementPolicy {
  return { metadata: { name }, spec };
}

// The seed's policy: workers only, services labelled public, LB addresses.
const seedPolicy = policy('cilium-lb-all-services', {
  nodeSelector: { matchLabels: { 'homelab/role': 'worker' } },
  serviceSelector: { matchLabels: { 'homelab/public-service': 'true' } },
  loadBalancerIPs: true,
});

const base: AnnouncementInput = {
  services: [],
  policies: [seedPolicy],
  nodeLabels: { 'homelab/role': 'worker' },
  interfaces: ['lo', 'eth0'],
  selection: 'policy',
  leaseNameStyle: 'cilium',
  leaseNamespace: 'kube-system',
};

const publicSvc = svc('testsetup-service', {
  labels: { 'homelab/public-service': 'true' },
  ingress: ['198.18.8.1'],
});

test('the seed policy announces the labelled LB service from a worker, with a cilium lease', () => {
  const plan = selectAnnouncements({
    ...base,
    services: [publicSvc, svc('unlabelled', { ingress: ['198.18.8.2'] })],
  });
  assert.deepEqual(plan.announcements, [
    {
      service: 'testsetup/testsetup-service',
      lease: { namespace: 'kube-system', name: 'cilium-l2announce-testsetup-testsetup-service' },
      vips: ['198.18.8.1'],
      iface: 'eth0',
      policy: 'cilium-lb-all-services',
      selectingPolicies: ['cilium-lb-all-services'],
    },
  ]);
  assert.deepEqual(plan.applicablePolicies, ['cilium-lb-all-services']);
});

test('nodeSelector: a control-plane node announces nothing; matchExpressions work', () => {
  assert.deepEqual(
    selectAnnouncements({ ...base, services: [publicSvc], nodeLabels: { 'homelab/role': 'control-plane' } })
      .announcements,
    [],
  );
  const expr = policy('expr', {
    nodeSelector: {
      matchExpressions: [{ key: 'homelab/role', operator: 'NotIn', values: ['control-plane', 'ceph'] }],
    },
    loadBalancerIPs: true,
  });
  const on = (role: string) =>
    selectAnnouncements({
      ...base,
      policies: [expr],
      services: [publicSvc],
      nodeLabels: { 'homelab/role': role },
    }).announcements.length;
  assert.equal(on('worker'), 1);
  assert.equal(on('ceph'), 0);
});

test('policy mode skips services without an address to announce', () => {
  const plan = selectAnnouncements({
    ...base,
    services: [svc('pending', { labels: { 'homelab/public-service': 'true' } })],
  });
  assert.deepEqual(plan.announcements, []);
});

test('all-services mode (cilium/cilium#28752) elects for every selected service, any type, no address needed', () => {
  const everything = policy('all', { loadBalancerIPs: true });
  const plan = selectAnnouncements({
    ...base,
    selection: 'all-services',
    policies: [everything],
    services: [svc('kubernetes', { type: 'ClusterIP', ns: 'default' }), svc('pending'), publicSvc],
  });
  assert.deepEqual(
    plan.announcements.map((a) => [a.service, a.vips]),
    [
      ['default/kubernetes', []],
      ['testsetup/pending', []],
      ['testsetup/testsetup-service', ['198.18.8.1']],
    ],
  );
  // The policy's serviceSelector still applies in that mode, which is how the seed worked around it.
  const selected = selectAnnouncements({
    ...base,
    selection: 'all-services',
    services: [svc('other', { type: 'ClusterIP' }), publicSvc],
  });
  assert.deepEqual(
    selected.announcements.map((a) => a.service),
    ['testsetup/testsetup-service'],
  );
});

test('loadBalancerIPs and externalIPs choose which addresses count; several policies union them', () => {
  const both = svc('both', { ingress: ['198.18.8.1'], externalIPs: ['198.18.9.1'] });
  const lbOnly = policy('a-lb', { loadBalancerIPs: true });
  const extOnly = policy('b-ext', { externalIPs: true, interfaces: ['^eth1$'] });
  const run = (policies: L2AnnouncementPolicy[]) =>
    selectAnnouncements({ ...base, policies, services: [both], interfaces: ['lo', 'eth0', 'eth1'] })
      .announcements;
  assert.deepEqual(run([lbOnly])[0]?.vips, ['198.18.8.1']);
  assert.deepEqual(run([extOnly])[0]?.vips, ['198.18.9.1']);
  assert.equal(run([extOnly])[0]?.iface, 'eth1');
  const merged = run([extOnly, lbOnly])[0];
  assert.deepEqual(merged?.vips, ['198.18.8.1', '198.18.9.1']);
  assert.equal(merged?.policy, 'a-lb'); // first by name picks the interface
});

test('IPv6 addresses are not announced (ARP only), and foreign LB classes are skipped', () => {
  const plan = selectAnnouncements({
    ...base,
    policies: [policy('all', { loadBalancerIPs: true })],
    services: [
      svc('v6', { ingress: ['2001:db8::1'] }),
      svc('foreign', { ingress: ['198.18.8.3'], cls: 'example.com/x' }),
    ],
  });
  assert.deepEqual(plan.announcements, []);
});

test('interfaces: first local interface matching any regexp; none matching means the policy does not apply', () => {
  assert.equal(chooseInterface(['^eth[0-9]+$'], ['lo', 'veth1', 'eth1', 'eth0']).iface, 'eth1');
  assert.equal(chooseInterface(['eth'], ['lo', 'veth1']).iface, 'veth1'); // unanchored, like Go
  assert.equal(chooseInterface([], ['lo', 'eth0']).iface, 'eth0');
  assert.equal(chooseInterface(null, ['lo']).iface, null);
  assert.equal(chooseInterface(['^lo$'], ['lo']).iface, 'lo');
  const bad = chooseInterface(['(', '^eth0$'], ['eth0']);
  assert.deepEqual(bad, { iface: 'eth0', invalid: ['('] });

  const plan = selectAnnouncements({
    ...base,
    policies: [policy('bond', { interfaces: ['^bond0$', '('], loadBalancerIPs: true })],
    services: [publicSvc],
  });
  assert.deepEqual(plan.announcements, []);
  assert.match(plan.problems[0] ?? '', /policy bond: interface pattern "\(" is not a regular expression/);
});

test('lease naming: cilium style in the lease namespace, kube-vip style in the service namespace', () => {
  assert.deepEqual(leaseFor({ namespace: 'testsetup', name: 'web' }, 'cilium', 'kube-system'), {
    namespace: 'kube-system',
    name: 'cilium-l2announce-testsetup-web',
  });
  assert.deepEqual(leaseFor({ namespace: 'testsetup', name: 'web' }, 'kube-vip', 'kube-system'), {
    namespace: 'testsetup',
    name: 'kubevip-web',
  });
  const plan = selectAnnouncements({ ...base, leaseNameStyle: 'kube-vip', services: [publicSvc] });
  assert.deepEqual(plan.announcements[0]?.lease, {
    namespace: 'testsetup',
    name: 'kubevip-testsetup-service',
  });
});
