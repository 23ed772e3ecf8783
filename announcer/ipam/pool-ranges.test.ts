import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LbIpPool } from './lb-ip-pool.js';
import { parsePools } from './pool-ranges.js';

const pool = (name: string, spec: LbIpPool['spec'], created = '2025-01-01T00:00:00Z'): LbIpPool => ({
  metadata: { name, creationTimestamp: created as unknown as Date },
  spec,
});

test('a CIDR block skips its network and broadcast addresses unless allowFirstLastIPs', () => {
  const [p] = parsePools([pool('a', { blocks: [{ cidr: '198.18.8.0/30' }] })]);
  assert.equal(p?.total, 2n);
  const [q] = parsePools([pool('a', { blocks: [{ cidr: '198.18.8.0/30' }], allowFirstLastIPs: 'Yes' })]);
  assert.equal(q?.total, 4n);
  // YAML 1.1 turns an unquoted Yes into true.
  const [r] = parsePools([pool('a', { blocks: [{ cidr: '198.18.8.0/30' }], allowFirstLastIPs: true })]);
  assert.equal(r?.total, 4n);
  // /32 and /31 have nothing to spare.
  const [s] = parsePools([pool('a', { blocks: [{ cidr: '198.18.8.7/32' }, { cidr: '198.18.8.8/31' }] })]);
  assert.equal(s?.total, 3n);
});

test('start/stop ranges are inclusive and keep their ends; start alone is one address', () => {
  const [p] = parsePools([
    pool('a', { blocks: [{ start: '198.18.8.0', stop: '198.18.8.9' }, { start: '198.18.9.1' }] }),
  ]);
  assert.equal(p?.problem, null);
  assert.equal(p?.total, 11n);
});

test('the older cidrs field is read too', () => {
  const [p] = parsePools([pool('a', { cidrs: [{ cidr: '198.18.8.0/29' }] })]);
  assert.equal(p?.total, 6n);
});

test('a malformed block marks only its pool', () => {
  const out = parsePools([
    pool('bad', { blocks: [{ cidr: '198.18.8.0/24' }, { cidr: '198.18.300.0/24' }] }),
    pool('good', { blocks: [{ cidr: '198.18.9.0/24' }] }, '2025-01-02T00:00:00Z'),
    pool('reversed', { blocks: [{ start: '198.18.10.9', stop: '198.18.10.1' }] }),
    pool('empty', { blocks: [] }),
  ]);
  const byName = new Map(out.map((p) => [p.name, p]));
  assert.equal(byName.get('bad')?.problem?.kind, 'malformed');
  assert.match(byName.get('bad')?.problem?.message ?? '', /198\.18\.300\.0\/24/);
  assert.equal(byName.get('bad')?.total, 0n);
  assert.equal(byName.get('good')?.problem, null);
  assert.equal(byName.get('good')?.total, 254n);
  assert.match(byName.get('reversed')?.problem?.message ?? '', /starts after it stops/);
  assert.match(byName.get('empty')?.problem?.message ?? '', /no blocks/);
});

test('the later of two overlapping pools is the conflicting one, whatever the list order', () => {
  const out = parsePools([
    pool('newer', { blocks: [{ start: '198.18.8.200', stop: '198.18.9.10' }] }, '2025-01-02T00:00:00Z'),
    pool('older', { blocks: [{ cidr: '198.18.8.0/24' }] }, '2025-01-01T00:00:00Z'),
  ]);
  assert.deepEqual(
    out.map((p) => [p.name, p.problem?.kind ?? null]),
    [
      ['older', null],
      ['newer', 'conflict'],
    ],
  );
  assert.match(out[1]?.problem?.message ?? '', /overlaps pool older/);
  assert.equal(out[1]?.usable.length, 0);
});

test('a malformed pool does not make a later pool conflict', () => {
  const out = parsePools([
    pool('bad', { blocks: [{ cidr: '198.18.8.0/24' }, { cidr: 'nope' }] }, '2025-01-01T00:00:00Z'),
    pool('good', { blocks: [{ cidr: '198.18.8.0/24' }] }, '2025-01-02T00:00:00Z'),
  ]);
  assert.equal(out[1]?.problem, null);
});
