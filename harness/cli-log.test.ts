import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCliLog } from './cli-log.js';

function capture(o: Parameters<typeof makeCliLog>[0]) {
  const lines: string[] = [];
  const log = makeCliLog(
    o,
    (t) => lines.push(t),
    () => new Date('2026-01-02T03:04:05.000Z'),
  );
  log.progress('starting');
  log.debug('detail');
  log.error('broke');
  return lines;
}

test('text: progress and errors, details only when verbose', () => {
  assert.deepEqual(capture({}), ['starting\n', 'broke\n']);
  assert.deepEqual(capture({ verbose: true }), ['starting\n', 'detail\n', 'broke\n']);
});

test('quiet keeps only errors', () => {
  assert.deepEqual(capture({ quiet: true }), ['broke\n']);
});

test('json: one object per line with time and level', () => {
  const lines = capture({ logFormat: 'json' });
  assert.deepEqual(JSON.parse(lines[0]!), {
    time: '2026-01-02T03:04:05.000Z',
    level: 'info',
    msg: 'starting',
  });
  assert.equal(JSON.parse(lines[1]!).level, 'error');
  assert.throws(
    () => makeCliLog({ logFormat: 'yaml' }, () => {}),
    /--log-format yaml: use one of text, json/,
  );
});
