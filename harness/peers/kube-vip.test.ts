import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubeVipTimerIssues } from '../scenario/peer-rules.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { KUBE_VIP_SERVICES_LEASE, kubeVipEnv, kubeVipLease, kubeVipRbacObjects } from './kube-vip.js';

test('kube-vip gets whole-second timers through its own vip_* settings, per node', () => {
  const env = kubeVipEnv({
    nodeName: 'l2b-1-n0',
    ifname: 'eth0',
    home: '/w/kube-vip/n0',
    timers: { leaseDurationMs: 15000, renewDeadlineMs: 5000, retryPeriodMs: 2000 },
  });
  assert.equal(env.vip_leaseduration, '15');
  assert.equal(env.vip_renewdeadline, '5');
  assert.equal(env.vip_retryperiod, '2');
  assert.equal(env.vip_nodename, 'l2b-1-n0');
  assert.equal(env.vip_interface, 'eth0');
  assert.deepEqual([env.svc_enable, env.svc_election, env.vip_arp], ['true', 'true', 'true']);
  // kube-vip manager reads $HOME/.kube/config; it must be this node's, not the user's.
  assert.equal(env.HOME, '/w/kube-vip/n0');
});

test('a sub-second timer is one issue per field, naming it and a whole-second fix', () => {
  const issues = kubeVipTimerIssues({ leaseDurationMs: 4000, renewDeadlineMs: 2000, retryPeriodMs: 500 });
  assert.deepEqual(
    issues.map((i) => i.field),
    ['retryPeriodMs'],
  );
  assert.match(issues[0]!.message, /^announcer\.retryPeriodMs \(500\) must be a whole number of seconds/);
  assert.match(issues[0]!.message, /use 1000$/);
});

test('the scenario rejects kube-vip with sub-second timers or the Cilium all-services bug', () => {
  const base = 'name: x\nnodes: {count: 3}\nservices: {announced: 2}\n';
  assert.throws(
    () =>
      parseScenario(
        `${base}announcer: {implementation: kube-vip, leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}\n`,
        'x',
      ),
    /announcer\.retryPeriodMs \(500\) must be a whole number of seconds with implementation kube-vip/,
  );
  assert.throws(
    () => parseScenario(`${base}announcer: {implementation: kube-vip, selection: all-services}\n`, 'x'),
    /announcer\.selection all-services .* use selection policy with implementation kube-vip/,
  );
  assert.throws(
    () => parseScenario(`${base}announcer: {implementation: kube-vip, strategy: node-lease}\n`, 'x'),
    /^.*announcer\.strategy \(node-lease\) is a bundled-agent strategy that implementation kube-vip does not have/m,
  );
  // The same timers are fine for the bundled agent.
  parseScenario(`${base}announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}\n`, 'x');
});

test("leases and RBAC follow kube-vip: kubevip-<svc> beside the service, bound to the agents' ServiceAccount and node identities", () => {
  assert.deepEqual(kubeVipLease({ name: 'public-0', namespace: 'apps' }), {
    name: 'kubevip-public-0',
    namespace: 'apps',
  });
  const [role, binding] = kubeVipRbacObjects(['n0', 'n1'], { 'l2bench.io/run': 'r' }) as [
    { rules: { resources: string[]; verbs: string[] }[] },
    { subjects: { kind: string; name: string }[] },
  ];
  const leases = role.rules.find((r) => r.resources.includes('leases'))!;
  assert.deepEqual(leases.verbs, ['get', 'create', 'update']);
  assert.ok(!role.rules.some((r) => r.verbs.includes('delete')), 'kube-vip needs no delete');
  assert.deepEqual(
    binding.subjects.map((s) => `${s.kind}:${s.name}`),
    ['ServiceAccount:l2bench-announcer', 'User:l2bench:announcer:n0', 'User:l2bench:announcer:n1'],
  );
});

test('services-lease mode: one Lease (svc_leasename in cp_namespace) instead of svc_election', () => {
  const env = kubeVipEnv({
    nodeName: 'n0',
    ifname: 'eth0',
    home: '/h',
    timers: { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000 },
    mode: 'services-lease',
    leaseNamespace: 'apps',
  });
  assert.deepEqual(
    [env.svc_election, env.svc_leasename, env.cp_namespace],
    ['false', KUBE_VIP_SERVICES_LEASE, 'apps'],
  );
  assert.deepEqual(kubeVipLease({ name: 'public-0', namespace: 'apps' }, 'services-lease'), {
    name: KUBE_VIP_SERVICES_LEASE,
    namespace: 'apps',
  });
  const perService = kubeVipEnv({
    nodeName: 'n0',
    ifname: 'eth0',
    home: '/h',
    timers: { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 1000 },
  });
  assert.equal(perService.svc_election, 'true');
  assert.equal(perService.svc_leasename, undefined);
});

test('kubeVipMode is for kube-vip only, and services-lease runs crash and graceful faults only', () => {
  const base = 'name: x\nnodes: {count: 3}\nservices: {announced: 2}\n';
  assert.throws(
    () => parseScenario(`${base}announcer: {kubeVipMode: services-lease}\n`, 'x'),
    /announcer\.kubeVipMode \(services-lease\) is a kube-vip mode that implementation bundled does not have/,
  );
  assert.throws(
    () =>
      parseScenario(
        `${base}announcer: {implementation: kube-vip, kubeVipMode: services-lease}\nfaults: {kinds: [crash, freeze]}\n`,
        'x',
      ),
    /faults\.kinds \(freeze\) cannot run with announcer\.kubeVipMode services-lease/,
  );
  const ok = parseScenario(
    `${base}announcer: {implementation: kube-vip, kubeVipMode: services-lease}\nfaults: {kinds: [crash, graceful]}\n`,
    'x',
  );
  assert.equal(ok.announcer.kubeVipMode, 'services-lease');
});
