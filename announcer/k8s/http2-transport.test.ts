import assert from 'node:assert/strict';
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { K8sLeaseClient } from '../election/k8s-lease-client.js';
import { Http2Transport } from './http2-transport.js';

test('lease requests go as streams over one HTTP/2 connection, with the client headers', async () => {
  // Cleartext HTTP/2 on loopback: the same framing as TLS + ALPN h2, without a certificate.
  let sessions = 0;
  const open: import('node:http2').ServerHttp2Session[] = [];
  const seen: { method: string; path: string; auth: string; contentType: string }[] = [];
  const server = createServer();
  server.on('session', (s) => {
    sessions++;
    open.push(s);
  });
  server.on('stream', (stream, h) => {
    seen.push({
      method: String(h[':method']),
      path: String(h[':path']),
      auth: String(h.authorization),
      contentType: String(h['content-type']),
    });
    let body = '';
    stream.on('data', (c: Buffer) => {
      body += c.toString();
    });
    stream.on('end', () => {
      const name = String(h[':path']).split('/').pop();
      const sent = body === '' ? {} : (JSON.parse(body) as { spec?: object });
      stream.respond({ ':status': 200, 'content-type': 'application/json' });
      stream.end(
        JSON.stringify({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace: 'kube-system', resourceVersion: '7' },
          spec: { holderIdentity: 'n1', leaseDurationSeconds: 15, ...sent.spec },
        }),
      );
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const transport = new Http2Transport(kc);
  const client = new K8sLeaseClient(kc, undefined, { httpApi: transport.httpLibrary() });
  try {
    const got = await Promise.all(
      ['a', 'b', 'c', 'd'].map((n) => client.get('kube-system', `cilium-l2announce-${n}`)),
    );
    assert.deepEqual(
      got.map((r) => r?.holderIdentity),
      ['n1', 'n1', 'n1', 'n1'],
    );
    const rec = got[0]!;
    const updated = await client.update('kube-system', 'cilium-l2announce-a', {
      ...rec,
      holderIdentity: 'n2',
    });
    assert.equal(updated.holderIdentity, 'n2');
    assert.equal(sessions, 1, 'one connection for every request');
    assert.equal(seen.length, 5);
    assert.ok(seen.every((s) => s.auth === 'Bearer secret-token'));
    assert.deepEqual(seen[4], {
      method: 'PUT',
      path: '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/cilium-l2announce-a',
      auth: 'Bearer secret-token',
      contentType: 'application/json',
    });
  } finally {
    transport.close();
    for (const s of open) s.destroy();
    await new Promise((ok) => server.close(ok));
  }
});
