import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ipv4Range, ipv4ToNumber, numberToIpv4, rangeCidrs, rangeContains, rangeSize } from './ipv4-range.js';

test('ipv4ToNumber converts dotted quads and rejects the rest', () => {
  assert.equal(ipv4ToNumber('0.0.0.0'), 0);
  assert.equal(ipv4ToNumber('198.18.0.1'), 198 * 2 ** 24 + 18 * 2 ** 16 + 1);
  assert.equal(ipv4ToNumber('255.255.255.255'), 2 ** 32 - 1);
  for (const bad of ['1.2.3', '1.2.3.256', 'a.b.c.d', '1.2.3.4.5', ''])
    assert.equal(ipv4ToNumber(bad), undefined);
});

test('ipv4Range covers CIDRs (host bits ignored) and start/stop pairs', () => {
  const slash22 = ipv4Range({ cidr: '198.18.8.5/22' });
  assert.ok(slash22);
  assert.equal(rangeSize(slash22), 1024);
  assert.equal(slash22.first, ipv4ToNumber('198.18.8.0'));
  assert.equal(rangeSize(ipv4Range({ cidr: '198.18.0.7/32' })!), 1);
  assert.equal(rangeSize(ipv4Range({ start: '198.18.8.10', stop: '198.18.8.19' })!), 10);
  assert.equal(ipv4Range({ start: '198.18.8.19', stop: '198.18.8.10' }), undefined);
  assert.equal(ipv4Range({ cidr: '198.18.0.0/33' }), undefined);
});

test('rangeContains checks both ends', () => {
  const net = ipv4Range({ cidr: '198.18.0.0/15' })!;
  assert.ok(rangeContains(net, ipv4Range({ cidr: '198.19.255.0/24' })!));
  assert.ok(!rangeContains(net, ipv4Range({ cidr: '198.20.0.0/24' })!));
  assert.ok(!rangeContains(net, ipv4Range({ cidr: '198.16.0.0/14' })!));
});

test('rangeCidrs covers a range exactly with aligned blocks', () => {
  const r = (start: string, stop: string) => rangeCidrs(ipv4Range({ start, stop })!);
  assert.deepEqual(rangeCidrs(ipv4Range({ cidr: '198.18.8.0/22' })!), ['198.18.8.0/22']);
  assert.deepEqual(r('198.18.8.1', '198.18.8.6'), [
    '198.18.8.1/32',
    '198.18.8.2/31',
    '198.18.8.4/31',
    '198.18.8.6/32',
  ]);
  assert.deepEqual(r('198.18.8.0', '198.18.9.255'), ['198.18.8.0/23']);
  assert.deepEqual(r('198.18.8.7', '198.18.8.7'), ['198.18.8.7/32']);
  assert.equal(numberToIpv4(ipv4ToNumber('198.19.255.254')!), '198.19.255.254');
});
