import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabels } from './parse-labels.js';

test('labels parse as key=value and bad ones name the flag and the fix', () => {
  assert.deepEqual(parseLabels(['homelab/role=worker', 'a=']), { 'homelab/role': 'worker', a: '' });
  assert.throws(() => parseLabels(['worker']), /--label 'worker' is not key=value/);
  assert.throws(() => parseLabels(['=x']), /is not key=value/);
  assert.throws(() => parseLabels(['k=bad value']), /not a valid label value/);
});
