import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ttyStatus, windowStatusText } from './live-status.js';

test('a status line only on a terminal outside CI', () => {
  const written: string[] = [];
  const tty = { isTTY: true, columns: 30, write: (s: string) => written.push(s) };
  assert.equal(ttyStatus({ ...tty, isTTY: false }, {}), undefined);
  assert.equal(ttyStatus(tty, { CI: 'true' }), undefined);
  const status = ttyStatus(tty, {});
  assert.ok(status);
  status.update('x'.repeat(50));
  status.done();
  assert.deepEqual(written, [`\r\x1b[K${'x'.repeat(29)}`, '\r\x1b[K']);
});

test('window status text: seconds left and the current lease rate', () => {
  assert.equal(
    windowStatusText('announce', 1, 3, 40.2, 12.44),
    '  announce 2/3: 41 s left, lease requests 12.4/s',
  );
  assert.equal(windowStatusText('baseline', 0, 2, -1, null), '  baseline 1/2: 0 s left');
});
