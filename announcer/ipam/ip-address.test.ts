import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalIp, formatIp, parseCidr, parseIp } from './ip-address.js';

test('IPv4 round-trips and rejects junk', () => {
  assert.deepEqual(parseIp('198.18.8.1'), { family: 4, value: 0xc6120801n });
  assert.equal(formatIp({ family: 4, value: 0xc6120801n }), '198.18.8.1');
  for (const bad of ['198.18.8', '198.18.8.256', '198.18.08.1', '1.2.3.4.5', '', 'a.b.c.d']) {
    assert.equal(parseIp(bad), null, bad);
  }
});

test('IPv6 parses compressed forms and formats per RFC 5952', () => {
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIp('::'), '::');
  assert.equal(canonicalIp('::ffff:198.18.0.1'), '::ffff:c612:1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(canonicalIp('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
  assert.equal(canonicalIp('1::2::3'), null);
  assert.equal(canonicalIp('1:2:3:4:5:6:7:8:9'), null);
});

test('CIDRs give the whole range and mask host bits', () => {
  const c = parseCidr('198.18.8.0/22');
  assert.ok(c);
  assert.equal(formatIp({ family: 4, value: c.first }), '198.18.8.0');
  assert.equal(formatIp({ family: 4, value: c.last }), '198.18.11.255');
  const masked = parseCidr('198.18.8.77/24');
  assert.equal(masked && formatIp({ family: 4, value: masked.first }), '198.18.8.0');
  assert.equal(parseCidr('198.18.8.0/33'), null);
  assert.equal(parseCidr('198.18.8.0'), null);
  assert.equal(parseCidr('198.18.8.0/x'), null);
});
