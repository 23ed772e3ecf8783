import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { parseScenario } from '../scenario/scenario-file.js';
import { resolveScenario } from '../scenario/scenario-schema.js';
import { announcementObjectsFor, IDLE_SELECTOR } from './idle-policy.js';

const scenario = resolveScenario(
  parseScenario(stringify({ name: 'x', nodes: { count: 3 }, services: { announced: 5 } }), 'x.yaml'),
);

test('the idle policy keeps the pool and the node selector and selects no service', () => {
  const on = announcementObjectsFor(scenario, '198.18.0.0/28', 'r1', true);
  const off = announcementObjectsFor(scenario, '198.18.0.0/28', 'r1', false);
  assert.deepEqual(off[0], on[0]);
  const policy = off.find((o) => o.kind === 'CiliumL2AnnouncementPolicy') as unknown as {
    spec: { serviceSelector: unknown; nodeSelector: unknown };
  };
  const announcing = on.find((o) => o.kind === 'CiliumL2AnnouncementPolicy') as unknown as {
    spec: { serviceSelector: { matchLabels: Record<string, string> }; nodeSelector: unknown };
  };
  assert.deepEqual(policy.spec.serviceSelector, { matchLabels: IDLE_SELECTOR });
  assert.deepEqual(policy.spec.nodeSelector, announcing.spec.nodeSelector);
  // No service the scenario creates carries the idle label.
  assert.equal(Object.hasOwn(scenario.services.labels, Object.keys(IDLE_SELECTOR)[0]!), false);
});
