import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interfaceWithAddress } from './docker-faults.js';

test('interfaceWithAddress finds the reconnected interface by its address', () => {
  const out = [
    '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    '3: eth1    inet 198.19.17.1/20 brd 198.19.31.255 scope global eth1\\       valid_lft forever',
  ].join('\n');
  assert.equal(interfaceWithAddress(out, '198.19.17.1'), 'eth1');
  assert.equal(interfaceWithAddress(out, '198.19.17.2'), null);
});
