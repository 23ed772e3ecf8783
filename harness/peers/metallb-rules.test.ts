import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leaseModelForScenario } from '../measure/analytic-model.js';
import { metallbTakeoverBoundMs } from '../scenario/peer-rules.js';
import { parseScenario } from '../scenario/scenario-file.js';

const BASE = 'name: x\nnodes: {count: 3}\nservices: {announced: 2}\n';

test('the scenario refuses MetalLB options it does not have, one line naming field and implementation', () => {
  const cases: [string, RegExp][] = [
    [
      'strategy: node-lease',
      /^.*announcer\.strategy \(node-lease\) is a bundled-agent strategy that implementation metallb does not have.*leave strategy unset with implementation metallb$/m,
    ],
    [
      'renewMode: update-first',
      /^.*announcer\.renewMode \(update-first\) is a Lease renew mode that implementation metallb does not have/m,
    ],
    [
      'stepDown: renew-deadline',
      /^.*announcer\.stepDown \(renew-deadline\) is a Lease step-down rule that implementation metallb does not have/m,
    ],
    [
      'kubeVipMode: services-lease',
      /announcer\.kubeVipMode \(services-lease\) is a kube-vip mode that implementation metallb does not have/,
    ],
  ];
  for (const [field, message] of cases)
    assert.throws(
      () => parseScenario(`${BASE}announcer: {implementation: metallb, ${field}}\n`, 'x'),
      message,
    );
  assert.throws(
    () => parseScenario(`${BASE}backend: docker\nannouncer: {implementation: metallb}\n`, 'x'),
    /announcer\.implementation metallb runs on backend local only/,
  );
  // Lease timers are accepted (a sweep may share them) and its defaults parse.
  const s = parseScenario(
    `${BASE}announcer: {implementation: metallb, leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 1s}\n`,
    'x',
  );
  assert.equal(s.announcer.implementation, 'metallb');
});

test('MetalLB elects without Leases: the model predicts no lease requests at all', () => {
  const s = parseScenario(`${BASE}announcer: {implementation: metallb}\n`, 'x');
  const m = leaseModelForScenario(s);
  assert.equal(m.getPerSecond + m.updatePerSecond + m.listPerSecond + m.watchPerSecond, 0);
});

test('the crash bound follows memberlist: suspicion at its minimum below 4 speakers, its maximum from 4', () => {
  // 3 speakers: probing 4 s + failed probe 1 s + suspicion min 4 s + gossip 0.4 s + resync 1 s.
  assert.equal(metallbTakeoverBoundMs(3), 10_400);
  // 9 speakers: probing 16 s + 1 s + suspicion max 6 × 4 s + 0.4 s + 1 s.
  assert.equal(metallbTakeoverBoundMs(9), 42_400);
  assert.ok(metallbTakeoverBoundMs(4) > metallbTakeoverBoundMs(3) + 20_000);
});
