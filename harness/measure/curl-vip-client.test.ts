import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { hostVipClient, netnsVipClient, parseCurlAnswer } from './curl-vip-client.js';
import { pollOnce } from './vip-poller.js';

test('any HTTP status answers; the first body line names the node; 000 is silence', () => {
  assert.deepEqual(parseCurlAnswer('node-2\nextra\n200'), { answered: true, node: 'node-2' });
  assert.deepEqual(parseCurlAnswer('busy\n503'), { answered: true, node: 'busy' });
  assert.deepEqual(parseCurlAnswer('\n204'), { answered: true, node: null });
  assert.deepEqual(parseCurlAnswer('\n000'), { answered: false, node: null });
  assert.deepEqual(parseCurlAnswer(''), { answered: false, node: null });
});

// Loopback only (Linux answers on all of 127/8): an echo-like server on 127.0.0.1 names its node,
// one on 127.0.0.2 at the same port answers 503; once both are closed the port is silent.
test('the host client reads status and node from real curl requests on loopback', async () => {
  const a = createServer((_req, res) => res.end('node-a\n'));
  const b = createServer((_req, res) => {
    res.statusCode = 503;
    res.end('overloaded\n');
  });
  await new Promise<void>((ok) => a.listen(0, '127.0.0.1', ok));
  const { port } = a.address() as AddressInfo;
  await new Promise<void>((ok) => b.listen(port, '127.0.0.2', ok));
  try {
    const r = await pollOnce(hostVipClient, ['127.0.0.1', '127.0.0.2'], port);
    assert.deepEqual(r.get('127.0.0.1'), { answered: true, node: 'node-a' });
    assert.deepEqual(r.get('127.0.0.2'), { answered: true, node: 'overloaded' });
  } finally {
    await Promise.all([a, b].map((s) => new Promise((ok) => s.close(ok))));
  }
  const closed = await pollOnce(hostVipClient, ['127.0.0.1'], port);
  assert.deepEqual(closed.get('127.0.0.1'), { answered: false, node: null });
});

test('a namespace that does not exist is a broken client, not a silent VIP', async () => {
  await assert.rejects(
    pollOnce(netnsVipClient('l2b-no-such-netns'), ['127.0.0.1'], 9),
    /cannot poll VIPs from client namespace l2b-no-such-netns/,
  );
});
