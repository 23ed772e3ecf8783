import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { AnnouncerEventLog } from './announcer-events.js';

test("a node's line sink keeps event lines, tagged with the node unless the line names one", () => {
  const log = new AnnouncerEventLog();
  const sink = log.lineSink('node-1');
  sink('starting agent');
  sink('{"ts": 1000, "event": "acquire", "lease": "l1"}');
  sink('{"ts": 2000, "event": "bind", "vip": "198.18.0.1", "node": "node-2"}');
  sink('{"ts": 3000, "msg": "no event"}');
  assert.deepEqual(log.events, [
    { tMs: 1000, node: 'node-1', event: 'acquire', lease: 'l1' },
    { tMs: 2000, node: 'node-2', event: 'bind', vip: '198.18.0.1' },
  ]);
});
