import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScenario } from '../../scenario/scenario-file.js';
import { resolveScenario } from '../../scenario/scenario-schema.js';
import { checkClusterContext, clusterPool } from './context-guard.js';

test('only kind and l2bench local contexts without --yes', () => {
  assert.equal(checkClusterContext('kind-l2b-abc123', false), 'kind-l2b-abc123');
  assert.equal(checkClusterContext('l2b-0a1b2c', false), 'l2b-0a1b2c');
  assert.throws(
    () => checkClusterContext('prod-eu-1', false),
    /context prod-eu-1 is not a kind .* pass --yes/,
  );
  assert.equal(checkClusterContext('prod-eu-1', true), 'prod-eu-1');
  assert.throws(() => checkClusterContext(undefined, true), /--context/);
});

test('the cluster backend needs a scenario pool inside 198.18.0.0/15', () => {
  const s = (pool: string) =>
    resolveScenario(
      parseScenario(`name: c\nbackend: cluster\nnodes: {count: 1}\nservices: {announced: 1}\n${pool}`, 't'),
    );
  assert.throws(() => clusterPool(s('')), /set pool/);
  assert.equal(clusterPool(s('pool: {cidr: 198.19.7.0/28}\n')), '198.19.7.0/28');
  assert.equal(clusterPool(s('pool: {start: 198.18.9.10, stop: 198.18.9.20}\n')), '198.18.9.10-198.18.9.20');
});
