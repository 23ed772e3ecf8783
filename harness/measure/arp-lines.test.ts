import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArpLine } from './arp-lines.js';

// Recorded with tcpdump 4.99 in a client namespace: arping at a VIP bound on two namespaces, then
// `arping -U` and `arping -A` from the two holders.
const LINES = [
  '1796239953.190113 c2:7a:11:6b:4f:3a > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 198.18.254.100 tell 198.18.254.2, length 44',
  '1796239953.190165 86:69:68:bd:5f:0f > c2:7a:11:6b:4f:3a, ethertype ARP (0x0806), length 42: Reply 198.18.254.100 is-at 86:69:68:bd:5f:0f, length 28',
  '1796239953.190166 5e:74:b7:2d:c1:e5 > c2:7a:11:6b:4f:3a, ethertype ARP (0x0806), length 42: Reply 198.18.254.100 is-at 5e:74:b7:2d:c1:e5, length 28',
  '1796239953.875138 5e:74:b7:2d:c1:e5 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 198.18.254.100 (ff:ff:ff:ff:ff:ff) tell 198.18.254.100, length 44',
  '1796239954.966278 86:69:68:bd:5f:0f > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 58: Request who-has 198.18.254.100 tell 198.18.254.100, length 44',
];

test('parses requests, replies by MAC and gratuitous ARPs from recorded tcpdump lines', () => {
  assert.deepEqual(
    LINES.map((l) => parseArpLine(l)),
    [
      {
        kind: 'request',
        tMs: 1796239953190,
        ip: '198.18.254.100',
        fromIp: '198.18.254.2',
        srcMac: 'c2:7a:11:6b:4f:3a',
      },
      { kind: 'reply', tMs: 1796239953190, ip: '198.18.254.100', mac: '86:69:68:bd:5f:0f' },
      { kind: 'reply', tMs: 1796239953190, ip: '198.18.254.100', mac: '5e:74:b7:2d:c1:e5' },
      { kind: 'gratuitous', tMs: 1796239953875, ip: '198.18.254.100', mac: '5e:74:b7:2d:c1:e5' },
      { kind: 'gratuitous', tMs: 1796239954966, ip: '198.18.254.100', mac: '86:69:68:bd:5f:0f' },
    ],
  );
});

test('ignores the banner, statistics and truncated lines', () => {
  for (const line of [
    'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes',
    '11 packets captured',
    '1796239953.190165 86:69:68:bd:5f:0f > c2:7a:11:6b:4f:3a, ethertype ARP (0x0806), length 42: Reply 198.18.254',
    '',
  ]) {
    assert.equal(parseArpLine(line), null, line);
  }
});
