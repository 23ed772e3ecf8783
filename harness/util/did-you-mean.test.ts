import assert from 'node:assert/strict';
import { test } from 'node:test';
import { didYouMean, editDistance } from './did-you-mean.js';

test('editDistance counts insertions, deletions, substitutions and swaps', () => {
  assert.equal(editDistance('seed-homelab', 'seed-homelab'), 0);
  assert.equal(editDistance('seed-homelb', 'seed-homelab'), 1);
  assert.equal(editDistance('seed-hoemlab', 'seed-homelab'), 1);
  assert.equal(editDistance('tiny', 'tiyn'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('didYouMean offers close names and nothing for unrelated input', () => {
  const names = ['seed-homelab', 'seed-growth', 'tiny', 'strategies', 'strategies-200x25'];
  assert.deepEqual(didYouMean('seed-homelb', names), ['seed-homelab']);
  assert.deepEqual(didYouMean('strategy', names).slice(0, 1), ['strategies']);
  assert.deepEqual(didYouMean('tiney', names), ['tiny']);
  assert.deepEqual(didYouMean('kubernetes', names), []);
});
