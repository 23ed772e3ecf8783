import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ElectionConfig, electionMessages, validateElectionConfig } from './election-config.js';

const base: ElectionConfig = {
  namespace: 'kube-system',
  leaseName: 'cilium-l2announce-default-svc',
  identity: 'node-0',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 5_000,
  retryPeriodMs: 2_000,
  renewMode: 'get-then-update',
};

function rejects(over: Partial<ElectionConfig>, message: string): void {
  assert.throws(() => validateElectionConfig({ ...base, ...over }), { message });
}

test('validateElectionConfig accepts the defaults and client-go boundary values', () => {
  validateElectionConfig(base);
  validateElectionConfig({ ...base, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
  validateElectionConfig({ ...base, leaseDurationMs: 6_000, renewDeadlineMs: 5_000, retryPeriodMs: 4_166 });
});

test('validateElectionConfig names the values that break leaseDuration > renewDeadline > 1.2 × retryPeriod > 0', () => {
  rejects(
    { renewDeadlineMs: 20_000 },
    'renewDeadline (20000ms) must be shorter than leaseDuration (15000ms)',
  );
  rejects({ renewDeadlineMs: 15_000 }, electionMessages.renewDeadlineNotShorter(15_000, 15_000));
  rejects(
    { renewDeadlineMs: 2_400 },
    'renewDeadline (2400ms) must be greater than 1.2 × retryPeriod (1.2 × 2000ms = 2400ms)',
  );
  rejects({ retryPeriodMs: 0 }, electionMessages.retryPeriodNotPositive(0));
  rejects({ retryPeriodMs: -5 }, electionMessages.retryPeriodNotPositive(-5));
  rejects({ leaseDurationMs: 15_500 }, electionMessages.leaseDurationWholeSeconds(15_500));
  rejects({ renewDeadlineMs: Number.NaN }, electionMessages.notFinite('renewDeadline', Number.NaN));
});

test('validateElectionConfig rejects empty names and unknown renew modes', () => {
  rejects({ identity: '' }, electionMessages.missingField('identity'));
  rejects({ leaseName: '' }, electionMessages.missingField('leaseName'));
  rejects(
    { renewMode: 'patch' as ElectionConfig['renewMode'] },
    'renewMode (patch) must be one of get-then-update, update-first',
  );
});
