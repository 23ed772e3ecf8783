import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectArpingFlavour, garpArgs, garpSucceeded } from './garp-command.js';
import { parseIpAddrJson } from './host-addresses.js';

test('parses `ip -j addr show` (shape from iproute2 6.1)', () => {
  const out = JSON.stringify([
    { ifindex: 1, ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
    {
      ifindex: 2,
      ifname: 'eth0',
      addr_info: [
        { family: 'inet', local: '198.18.1.1', prefixlen: 20 },
        { family: 'inet', local: '198.18.8.1', prefixlen: 32 },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
      ],
    },
    { ifindex: 3, ifname: 'dummy0' },
  ]);
  const snap = parseIpAddrJson(out);
  assert.deepEqual(snap.interfaces, ['lo', 'eth0', 'dummy0']);
  assert.deepEqual(snap.addresses[2], { iface: 'eth0', ip: '198.18.8.1', prefixLength: 32, family: 4 });
  assert.equal(snap.addresses.length, 4);
});

test('arping flavours: Habets needs -i/-S and exits 1 on a sent GARP; iputils uses -I/-s', () => {
  assert.equal(detectArpingFlavour('ARPing 2.23, by Thomas Habets <thomas@habets.se>'), 'habets');
  assert.equal(detectArpingFlavour('arping from iputils 20240117'), 'iputils');
  assert.deepEqual(garpArgs('iputils', '198.18.8.1', 'eth0'), [
    '-q',
    '-U',
    '-c',
    '1',
    '-I',
    'eth0',
    '-s',
    '198.18.8.1',
    '198.18.8.1',
  ]);
  assert.equal(garpSucceeded('habets', 1, ''), true);
  assert.equal(garpSucceeded('habets', 1, 'arping: libnet_init: No such device'), false);
  assert.equal(garpSucceeded('iputils', 1, ''), false);
});
