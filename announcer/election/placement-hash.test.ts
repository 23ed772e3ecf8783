import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a32, rendezvousOwner, shardLeaseName, shardOf } from './placement-hash.js';

test('FNV-1a matches the published test vectors, so shards are stable everywhere', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  // Pinned: changing the hash would silently move every service to another bucket.
  assert.equal(fnv1a32('default/svc-0'), 0x2962482e);
  assert.deepEqual(
    ['default/svc-0', 'default/svc-1', 'default/svc-2', 'default/svc-3'].map((s) => shardOf(s, 4)),
    [2, 1, 0, 3],
  );
  assert.equal(shardLeaseName(3, 8), 'l2bench-shard-3-of-8');
});

test('sharding spreads 1000 services over 8 buckets within ±25% of even', () => {
  const counts = new Array<number>(8).fill(0);
  for (let i = 0; i < 1000; i++) counts[shardOf(`default/svc-${i}`, 8)]! += 1;
  for (const c of counts) assert.ok(c > 125 * 0.75 && c < 125 * 1.25, counts.join());
});

test('rendezvous: balanced, and a node leaving or joining moves only its own share', () => {
  const services = Array.from({ length: 2000 }, (_, i) => `ns/svc-${i}`);
  const nodes = Array.from({ length: 10 }, (_, i) => `node-${i}`);
  const before = new Map(services.map((s) => [s, rendezvousOwner(s, nodes)]));
  const counts = new Map<string, number>();
  for (const o of before.values()) counts.set(o!, (counts.get(o!) ?? 0) + 1);
  for (const [n, c] of counts) assert.ok(c > 200 * 0.7 && c < 200 * 1.3, `${n}: ${c}`);

  const without = nodes.filter((n) => n !== 'node-3');
  let moved = 0;
  for (const s of services) {
    const after = rendezvousOwner(s, without);
    if (after !== before.get(s)) {
      moved++;
      assert.equal(before.get(s), 'node-3', `${s} moved though its node stayed`);
    }
  }
  assert.equal(moved, counts.get('node-3'));

  const joined = [...nodes, 'node-new'];
  let gained = 0;
  for (const s of services) {
    const after = rendezvousOwner(s, joined);
    if (after !== before.get(s)) {
      gained++;
      assert.equal(after, 'node-new', `${s} moved between old nodes`);
    }
  }
  assert.ok(gained > (2000 / 11) * 0.7 && gained < (2000 / 11) * 1.3, `${gained} moved to the new node`);
  assert.equal(rendezvousOwner('x', []), null);
  assert.equal(rendezvousOwner('x', ['b', 'a']), rendezvousOwner('x', ['a', 'b']), 'order-independent');
});
