import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { loadScenario, parseScenario, quickScenario } from './scenario-file.js';
import { renewPeriodMs, wholeRenewPeriods, windowAliasingNote } from './window-aliasing.js';

const scenario = (strategy: string, windowSeconds: number) =>
  parseScenario(
    stringify({
      name: 'x',
      nodes: { count: 3 },
      services: { announced: 5 },
      announcer: { leaseDurationMs: '135s', renewDeadlineMs: '75s', retryPeriodMs: '30s', strategy },
      measurement: { windowSeconds },
    }),
    'x.yaml',
  );

test('the renew period is the retry period when polling, the watch renew interval otherwise', () => {
  assert.equal(renewPeriodMs(scenario('per-service', 90)), 30_000);
  assert.equal(renewPeriodMs(scenario('sharded:8', 90)), 30_000);
  assert.equal(renewPeriodMs(scenario('per-service-watch', 90)), 45_000);
  assert.equal(renewPeriodMs(scenario('node-lease', 90)), 45_000);
});

test('a window that is not a whole number of renew periods gets a note naming the field and the fix', () => {
  assert.equal(windowAliasingNote(scenario('per-service', 60)), null);
  assert.equal(windowAliasingNote(scenario('node-lease', 90)), null);
  assert.equal(
    windowAliasingNote(scenario('per-service-watch', 60)),
    'measurement.windowSeconds (60s) is not a whole multiple of the renew period (45s): leases renewed in phase make write rates alias by up to 75%; use a window of 45s',
  );
  assert.equal(wholeRenewPeriods(60, scenario('per-service-watch', 60)), 90);
  assert.equal(wholeRenewPeriods(90, scenario('per-service-watch', 60)), 90);
});

test('bundled scenarios and their --quick forms do not alias', async () => {
  for (const name of [
    'seed-homelab',
    'strategies',
    'strategies-200x25',
    'strategies-200x25-rates',
    'tiny',
    'seed-growth',
  ]) {
    const s = await loadScenario(name);
    for (const form of [s, quickScenario(s)]) assert.equal(windowAliasingNote(form), null, `${name}`);
  }
});
