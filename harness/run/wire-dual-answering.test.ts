import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ArpPacket, parseArpLine, type WireObservations } from '../measure/arp-lines.js';
import { arpDualIntervals, boundOnTwoMs, wireDualAnswering } from './wire-dual-answering.js';

const VIP = '198.18.8.1';
const CLIENT = '198.18.0.2';
const A = '86:69:68:bd:5f:0f';
const B = '5e:74:b7:2d:c1:e5';
const C = 'c2:7a:11:6b:4f:3a';

function line(tS: number, src: string, what: string): string {
  const dst = what.startsWith('Reply') ? C : 'ff:ff:ff:ff:ff:ff';
  return `${tS.toFixed(6)} ${src} > ${dst}, ethertype ARP (0x0806), length 42: ${what}, length 28`;
}
const request = (tS: number) => line(tS, C, `Request who-has ${VIP} tell ${CLIENT}`);
const reply = (tS: number, mac: string) => line(tS, mac, `Reply ${VIP} is-at ${mac}`);

function observations(lines: string[], extra: Partial<WireObservations> = {}): WireObservations {
  return {
    clientIp: CLIENT,
    arpIntervalMs: 200,
    packets: lines.map((l) => parseArpLine(l)).filter((p): p is ArpPacket => p !== null),
    addrPollMs: null,
    addrPolls: [],
    macToNode: { [A]: 'node-a', [B]: 'node-b' },
    ...extra,
  };
}

test('a clean switch from A to B between two requests is no dual answering', () => {
  const o = observations([request(1.0), reply(1.0001, A), request(1.2), request(1.4), reply(1.4001, B)]);
  assert.deepEqual(arpDualIntervals(o, VIP), []);
  assert.equal(wireDualAnswering(o, VIP).totalMs, 0);
});

test('rounds answered by two MACs form one interval per run, with the nodes named', () => {
  const o = observations([
    request(1.0),
    reply(1.0001, A),
    request(1.2),
    reply(1.2001, A),
    reply(1.2002, B),
    request(1.4),
    reply(1.4001, B),
    reply(1.4002, A),
    request(1.6),
    reply(1.6001, B),
    request(1.8),
    reply(1.8001, B),
    // A's kernel answers again once: a second interval, to the end of the last round.
    reply(1.8002, A),
  ]);
  const intervals = arpDualIntervals(o, VIP);
  assert.deepEqual(intervals, [
    { fromMs: 1200, toMs: 1600, macs: [B, A].sort(), nodes: ['node-a', 'node-b'] },
    { fromMs: 1800, toMs: 2000, macs: [B, A].sort(), nodes: ['node-a', 'node-b'] },
  ]);
  const r = wireDualAnswering(o, VIP);
  assert.equal(r.totalMs, 600);
  assert.deepEqual(r.record.nodes, ['node-a', 'node-b']);
  assert.equal(r.record.arpRepliesSeen, 8);
});

test('a gratuitous ARP from another MAC counts in its round; other VIPs and clients do not', () => {
  const o = observations([
    request(1.0),
    reply(1.0001, A),
    line(1.1, B, `Request who-has ${VIP} tell ${VIP}`),
    line(1.15, C, `Request who-has 198.18.8.2 tell ${CLIENT}`),
    line(1.16, B, 'Reply 198.18.8.2 is-at 5e:74:b7:2d:c1:e5'),
    request(1.2),
    reply(1.2001, A),
    line(1.25, 'aa:aa:aa:aa:aa:aa', `Request who-has ${VIP} tell 198.18.16.9`),
  ]);
  assert.deepEqual(arpDualIntervals(o, VIP), [
    { fromMs: 1000, toMs: 1200, macs: [A, B].sort(), nodes: ['node-a', 'node-b'] },
  ]);
});

test('address polls give the time the VIP was bound on two nodes', () => {
  const o = observations([], {
    addrPollMs: 250,
    addrPolls: [
      { tMs: 1000, byNode: { a: [VIP], b: [] } },
      { tMs: 1250, byNode: { a: [VIP], b: [VIP] } },
      { tMs: 1500, byNode: { a: [VIP], b: [VIP, '198.18.8.2'] } },
      { tMs: 1760, byNode: { a: [], b: [VIP] } },
      { tMs: 2000, byNode: { a: [VIP], b: [VIP] } },
    ],
  });
  assert.equal(boundOnTwoMs(o, VIP), 250 + 260 + 250);
  assert.equal(boundOnTwoMs(observations([]), VIP), null);
});
