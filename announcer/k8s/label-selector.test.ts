import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesLabelSelector } from './label-selector.js';

const labels = { 'homelab/role': 'worker', tier: 'edge' };

test('nil and empty selectors select everything', () => {
  assert.equal(matchesLabelSelector(undefined, labels), true);
  assert.equal(matchesLabelSelector(null, {}), true);
  assert.equal(matchesLabelSelector({}, labels), true);
});

test('matchLabels needs every pair', () => {
  assert.equal(matchesLabelSelector({ matchLabels: { 'homelab/role': 'worker' } }, labels), true);
  assert.equal(
    matchesLabelSelector({ matchLabels: { 'homelab/role': 'worker', tier: 'core' } }, labels),
    false,
  );
  assert.equal(matchesLabelSelector({ matchLabels: { missing: '' } }, labels), false);
});

test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
  const sel = (operator: string, values?: string[]) => ({
    matchExpressions: [{ key: 'tier', operator, values }],
  });
  assert.equal(matchesLabelSelector(sel('In', ['edge', 'core']), labels), true);
  assert.equal(matchesLabelSelector(sel('In', ['core']), labels), false);
  assert.equal(matchesLabelSelector(sel('In', ['edge']), {}), false);
  assert.equal(matchesLabelSelector(sel('NotIn', ['core']), labels), true);
  assert.equal(matchesLabelSelector(sel('NotIn', ['edge']), labels), false);
  // apimachinery: NotIn matches objects without the key.
  assert.equal(matchesLabelSelector(sel('NotIn', ['edge']), {}), true);
  assert.equal(matchesLabelSelector(sel('Exists'), labels), true);
  assert.equal(matchesLabelSelector(sel('Exists'), {}), false);
  assert.equal(matchesLabelSelector(sel('DoesNotExist'), labels), false);
  assert.equal(matchesLabelSelector(sel('DoesNotExist'), {}), true);
});

test('matchLabels and matchExpressions are ANDed', () => {
  const sel = {
    matchLabels: { 'homelab/role': 'worker' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['core'] }],
  };
  assert.equal(matchesLabelSelector(sel, labels), false);
});

test('an unknown operator selects nothing', () => {
  assert.equal(
    matchesLabelSelector({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, labels),
    false,
  );
});
