import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressPlan, checkNodeCount, freeSlot, MAX_SLOTS } from './address-plan.js';

function inBenchmarkRange(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 198 && b === 18;
}

test('every address of every slot is inside 198.18.0.0/16 and slots do not overlap', () => {
  const seen = new Set<string>();
  for (let s = 0; s < MAX_SLOTS; s++) {
    const p = addressPlan(s);
    const addrs = [p.gateway, p.client, p.node(0), p.node(99), p.vipCidr.split('/')[0]!];
    for (const a of addrs) {
      assert.ok(inBenchmarkRange(a), `${a} outside 198.18/16`);
      assert.ok(!seen.has(a), `${a} used twice`);
      seen.add(a);
    }
  }
  // The last slot stays below the service ClusterIP range (198.18.240.0/20).
  assert.equal(addressPlan(MAX_SLOTS - 1).vipCidr, '198.18.232.0/22');
});

test('freeSlot skips slots whose gateway is already on the host', () => {
  assert.equal(freeSlot(new Set()), 0);
  assert.equal(freeSlot(new Set(['198.18.0.1', '198.18.16.1'])), 2);
});

test('node counts outside 1..100 are refused with the value in the message', () => {
  assert.throws(() => checkNodeCount(0), /--nodes must be an integer from 1 to 100 \(got 0\)/);
  assert.throws(() => checkNodeCount(500), /got 500/);
  checkNodeCount(3);
});
