import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../scenario/scenario-file.js';
import { resolveScenario } from '../scenario/scenario-schema.js';
import { announcerFlags } from './announcer-flags.js';

function flags(announcer: string): string[] {
  const s = parseScenario(
    `name: x\nnodes: {count: 2}\nservices: {announced: 1}\nannouncer: ${announcer}\n`,
    'x',
  );
  return announcerFlags(resolveScenario(s).announcer);
}

test("the agent's defaults are left out; the other step-down, outage and shared-address modes are passed", () => {
  const defaults = flags('{}');
  for (const flag of ['--step-down', '--on-api-outage', '--shared-address-election'])
    assert.ok(!defaults.includes(flag), flag);
  const set = flags('{stepDown: renew-deadline, onApiOutage: keep, sharedAddressElection: per-service}');
  const value = (flag: string) => set[set.indexOf(flag) + 1];
  assert.equal(value('--step-down'), 'renew-deadline');
  assert.equal(value('--on-api-outage'), 'keep');
  assert.equal(value('--shared-address-election'), 'per-service');
});
