import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metallbAnnouncingNode, parseMetallbSpeakerLine } from './metallb-log.js';

// Lines as speaker/main.go v0.15.2 writes them (go-kit JSON; the service name is not in them).
const ANNOUNCED =
  '{"caller":"main.go:451","event":"serviceAnnounced","ips":["198.18.8.3"],"level":"info","msg":"service has IP, announcing","pool":"l2bench","protocol":"layer2","ts":"2026-12-03T02:00:01Z"}';
const WITHDRAWN =
  '{"caller":"main.go:490","event":"serviceWithdrawn","ip":["198.18.8.3"],"level":"info","msg":"withdrawing service announcement","reason":"notOwner","ts":"2026-12-03T02:00:09Z"}';

test('serviceAnnounced is acquire and bind at the time the line was read, not its whole-second ts', () => {
  const e = parseMetallbSpeakerLine(ANNOUNCED, 'n1', 1_000_123);
  assert.deepEqual(
    e.map((x) => [x.event, x.vip, x.node, x.tMs]),
    [
      ['acquire', '198.18.8.3', 'n1', 1_000_123],
      ['bind', '198.18.8.3', 'n1', 1_000_123],
    ],
  );
  assert.deepEqual(
    parseMetallbSpeakerLine(WITHDRAWN, 'n1', 5).map((x) => x.event),
    ['release', 'unbind'],
  );
  assert.deepEqual(parseMetallbSpeakerLine('{"event":"createARPResponder"}', 'n1', 5), []);
  assert.deepEqual(parseMetallbSpeakerLine('not json "service', 'n1', 5), []);
});

test('the announcing node is the latest acquirer that has not withdrawn since', () => {
  const vip = '198.18.8.3';
  const a = parseMetallbSpeakerLine(ANNOUNCED, 'n0', 1);
  const b = parseMetallbSpeakerLine(ANNOUNCED, 'n1', 2);
  assert.equal(metallbAnnouncingNode([], vip), null);
  assert.equal(metallbAnnouncingNode(a, vip), 'n0');
  // A crashed n0 logs nothing more; n1 takes over.
  assert.equal(metallbAnnouncingNode([...a, ...b], vip), 'n1');
  // n0 back and first again: it announces, then n1 withdraws.
  const back = parseMetallbSpeakerLine(ANNOUNCED, 'n0', 3);
  const off = parseMetallbSpeakerLine(WITHDRAWN, 'n1', 4);
  assert.equal(metallbAnnouncingNode([...a, ...b, ...back, ...off], vip), 'n0');
  assert.equal(metallbAnnouncingNode([...a, ...parseMetallbSpeakerLine(WITHDRAWN, 'n0', 2)], vip), null);
  assert.equal(metallbAnnouncingNode(a, '198.18.8.4'), null);
});

test('two speakers announce before memberlist converges and one withdraws: the other still announces', () => {
  const vip = '198.18.8.3';
  // As CI logged it: n2 announces, n1 announces, n1 withdraws (notOwner) in the same second.
  const events = [
    ...parseMetallbSpeakerLine(ANNOUNCED, 'n2', 1),
    ...parseMetallbSpeakerLine(ANNOUNCED, 'n1', 2),
    ...parseMetallbSpeakerLine(WITHDRAWN, 'n1', 3),
  ];
  assert.equal(metallbAnnouncingNode(events, vip), 'n2');
  assert.equal(metallbAnnouncingNode(events.slice(0, 4), vip), 'n1', 'both announcing: the latest');
});
