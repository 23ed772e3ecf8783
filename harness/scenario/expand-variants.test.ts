import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { ScenarioError } from '../errors.js';
import { expandVariants } from './expand-variants.js';
import { parseScenario } from './scenario-file.js';

function scenario(extra: Record<string, unknown>) {
  return parseScenario(
    stringify({ name: 'x', nodes: { count: 3 }, services: { announced: 5 }, ...extra }),
    'scenarios/x.yaml',
  );
}

test('no sweep: one base variant', () => {
  const [only, ...rest] = expandVariants(scenario({}));
  assert.equal(rest.length, 0);
  assert.equal(only?.id, 'v01-base');
  assert.equal(only?.label, 'base');
  assert.deepEqual(only?.params, {});
  assert.equal(only?.scenario.services.announced, 5);
});

test('cross: the first key varies slowest, ids are short, stable and filename-safe', () => {
  const variants = expandVariants(
    scenario({ sweep: { 'services.announced': [1, 5], 'announcer.selection': ['policy', 'all-services'] } }),
  );
  assert.deepEqual(
    variants.map((v) => v.id),
    [
      'v01-announced=1_selection=policy',
      'v02-announced=1_selection=all-services',
      'v03-announced=5_selection=policy',
      'v04-announced=5_selection=all-services',
    ],
  );
  for (const v of variants) assert.match(v.id, /^[A-Za-z0-9._=-]+$/);
  const last = variants[3]!;
  assert.equal(last.label, 'announced=5, selection=all-services');
  assert.deepEqual(last.params, { 'services.announced': 5, 'announcer.selection': 'all-services' });
  assert.equal(last.scenario.services.announced, 5);
  assert.equal(last.scenario.announcer.selection, 'all-services');
  assert.deepEqual(last.scenario.sweep, {}, 'a variant is a single point');
  assert.deepEqual(
    expandVariants(scenario({ sweep: { 'services.announced': [1, 5] } })).map((v) => v.id),
    ['v01-announced=1', 'v02-announced=5'],
  );
});

test('zip: the i-th values go together, duration strings are normalized, derived defaults follow', () => {
  const variants = expandVariants(
    scenario({
      sweepMode: 'zip',
      sweep: {
        'announcer.leaseDurationMs': ['15s', '4s'],
        'announcer.renewDeadlineMs': ['5s', '2s'],
        'announcer.retryPeriodMs': ['2s', '0.5s'],
      },
    }),
  );
  assert.equal(variants.length, 2);
  const fast = variants[1]!;
  assert.equal(fast.id, 'v02-leaseDurationMs=4s_renewDeadlineMs=2s_retryPeriodMs=0.5s');
  assert.equal(fast.scenario.announcer.leaseDurationMs, 4000);
  assert.equal(fast.scenario.announcer.retryPeriodMs, 500);
  assert.equal(fast.scenario.faults.freezeSeconds, 9, 'freeze follows the swept lease');
  assert.equal(variants[0]?.scenario.faults.freezeSeconds, 20);
});

test('keys with the same last segment keep enough of their path to differ', () => {
  const variants = expandVariants(
    scenario({ sweep: { 'nodes.count': [3, 4], 'nodes.unselected.count': [0, 1] } }),
  );
  assert.deepEqual(
    variants.slice(0, 2).map((v) => v.id),
    ['v01-nodes.count=3_unselected.count=0', 'v02-nodes.count=3_unselected.count=1'],
  );
});

test('names leave out a swept key with one value in every variant, and fields the implementation lacks', () => {
  const variants = expandVariants(
    scenario({
      sweepMode: 'zip',
      sweep: {
        'announcer.implementation': ['bundled', 'kube-vip', 'metallb'],
        'announcer.strategy': ['node-lease', 'per-service', 'per-service'],
        'announcer.kubeVipMode': ['per-service', 'services-lease', 'per-service'],
        'announcer.retryPeriodMs': ['1s', '1s', '1s'],
        'announcer.leaseDurationMs': ['15s', '16s', '15s'],
      },
    }),
  );
  assert.deepEqual(
    variants.map((v) => v.label),
    [
      'implementation=bundled, strategy=node-lease, leaseDurationMs=15s',
      'implementation=kube-vip, kubeVipMode=services-lease, leaseDurationMs=16s',
      'implementation=metallb',
    ],
  );
  // The values themselves still apply and are recorded.
  assert.equal(variants[2]?.params['announcer.leaseDurationMs'], '15s');
  assert.equal(variants[1]?.scenario.announcer.leaseDurationMs, 16000);
});

test('more than 99 variants widen the number so ids still sort', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  const variants = expandVariants(scenario({ sweep: { 'services.announced': values } }));
  assert.equal(variants[0]?.id, 'v001-announced=1');
  assert.equal(variants[99]?.id, 'v100-announced=100');
});

test('a swept value that breaks a rule is a ScenarioError naming the variant', () => {
  const s = scenario({ pool: { cidr: '198.18.8.0/29' }, sweep: { 'services.announced': [5, 20] } });
  assert.throws(
    () => expandVariants(s, 'scenarios/x.yaml'),
    (err: Error) => {
      assert.ok(err instanceof ScenarioError);
      assert.match(
        err.message,
        /^scenarios\/x\.yaml, variant v02-announced=20: services\.announced \+ services\.unannounced \(20 \+ 0 = 20\)/,
      );
      return true;
    },
  );
  assert.throws(
    () => expandVariants(scenario({ sweep: { 'announcer.renewDeadlineMs': ['5s', '20s'] } })),
    /variant v02-renewDeadlineMs=20s: announcer\.renewDeadlineMs \(20000\) must be shorter/,
  );
  assert.throws(
    () => expandVariants(scenario({ sweep: { 'announcer.selection': ['policy', 'everything'] } })),
    /variant v02-selection=everything: announcer\.selection \("everything"\) must be one of policy, all-services/,
  );
});
