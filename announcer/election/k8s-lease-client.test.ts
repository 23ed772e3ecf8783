import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig, type RequestContext, ResponseContext, wrapHttpLibrary } from '@kubernetes/client-node';
import { K8sLeaseClient } from './k8s-lease-client.js';
import { LeaseConflictError } from './lease-client.js';

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const T0 = Date.UTC(2026, 10, 25, 3, 40, 0);
const PATH = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';

interface Seen {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
}

/** Enough of kube-apiserver's Lease endpoint to check what goes over the wire; no sockets. */
function fakeApiServer() {
  const seen: Seen[] = [];
  let stored: Record<string, { metadata: Record<string, unknown> }> = {};
  let revision = 10;
  const reply = (code: number, body: unknown): ResponseContext => {
    const text = JSON.stringify(body);
    return new ResponseContext(
      code,
      { 'content-type': 'application/json' },
      { text: async () => text, binary: async () => Buffer.from(text) },
    );
  };
  const status = (code: number, reason: string) => ({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason,
    code,
  });
  const httpApi = wrapHttpLibrary({
    async send(req: RequestContext) {
      const method = req.getHttpMethod().toString();
      const url = new URL(req.getUrl());
      const raw = req.getBody();
      const body = typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      seen.push({ method, url: url.pathname, body });
      const name = url.pathname.startsWith(`${PATH}/`) ? url.pathname.slice(PATH.length + 1) : undefined;
      if (method === 'GET' && name !== undefined) {
        const lease = stored[name];
        return lease === undefined ? reply(404, status(404, 'NotFound')) : reply(200, lease);
      }
      const lease = body as { metadata: Record<string, unknown> };
      const leaseName = String(lease.metadata.name);
      if (method === 'POST') {
        if (stored[leaseName] !== undefined) return reply(409, status(409, 'AlreadyExists'));
      } else if (method === 'PUT') {
        if (stored[leaseName]?.metadata.resourceVersion !== lease.metadata.resourceVersion) {
          return reply(409, status(409, 'Conflict'));
        }
      } else {
        return reply(405, status(405, 'MethodNotAllowed'));
      }
      const saved = { ...lease, metadata: { ...lease.metadata, resourceVersion: String(++revision) } };
      stored = { ...stored, [leaseName]: saved };
      return reply(method === 'POST' ? 201 : 200, saved);
    },
  });
  return { httpApi, seen, stored: () => stored };
}

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'l2b', server: 'https://198.18.0.1:6443', skipTLSVerify: true }],
    users: [{ name: 'node-0', token: 'unused' }],
    contexts: [{ name: 'l2b', cluster: 'l2b', user: 'node-0' }],
    currentContext: 'l2b',
  });
  return kc;
}

const rec = {
  holderIdentity: 'node-0',
  leaseDurationSeconds: 15,
  acquireTimeMs: T0 + 123.456,
  renewTimeMs: T0 + 2000,
  leaseTransitions: 3,
};

test('K8sLeaseClient sends MicroTime with six digits and reads it back with microseconds', async () => {
  const api = fakeApiServer();
  const calls: string[] = [];
  const client = new K8sLeaseClient(kubeConfig(), (verb, code) => calls.push(`${verb} ${code}`), {
    httpApi: api.httpApi,
  });

  assert.equal(await client.get('kube-system', 'svc-a'), null);
  const created = await client.create('kube-system', 'svc-a', rec, { 'l2bench.io/run': 'r1' });
  const sent = api.seen[1]?.body as { metadata: { labels: unknown }; spec: Record<string, unknown> };
  assert.equal(api.seen[1]?.method, 'POST');
  assert.equal(sent.spec.acquireTime, '2026-11-25T03:40:00.123456Z');
  assert.match(String(sent.spec.renewTime), MICRO_TIME);
  assert.deepEqual(sent.metadata.labels, { 'l2bench.io/run': 'r1' });
  assert.deepEqual(created, { ...rec, resourceVersion: '11' });
  assert.deepEqual(await client.get('kube-system', 'svc-a'), { ...rec, resourceVersion: '11' });
  assert.deepEqual(calls, ['get 404', 'create 201', 'get 200']);
});

test('K8sLeaseClient update sends the resourceVersion and keeps labels it does not manage', async () => {
  const api = fakeApiServer();
  const client = new K8sLeaseClient(kubeConfig(), undefined, { httpApi: api.httpApi });
  const created = await client.create('kube-system', 'svc-a', rec, { 'l2bench.io/run': 'r1' });
  const renewed = await client.update('kube-system', 'svc-a', { ...created, renewTimeMs: T0 + 4000 });
  const put = api.seen.at(-1);
  assert.equal(put?.method, 'PUT');
  assert.equal(put?.url, `${PATH}/svc-a`);
  const body = put?.body as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.equal(body.metadata.resourceVersion, created.resourceVersion);
  assert.deepEqual(body.metadata.labels, { 'l2bench.io/run': 'r1' });
  assert.equal(body.spec.renewTime, '2026-11-25T03:40:04.000000Z');
  assert.equal(body.spec.acquireTime, '2026-11-25T03:40:00.123456Z');
  assert.equal(renewed.resourceVersion, '12');
});

test('K8sLeaseClient turns 409 into LeaseConflictError and reports the status', async () => {
  const api = fakeApiServer();
  const calls: string[] = [];
  const client = new K8sLeaseClient(kubeConfig(), (verb, code) => calls.push(`${verb} ${code}`), {
    httpApi: api.httpApi,
  });
  const created = await client.create('kube-system', 'svc-a', rec);
  await assert.rejects(client.create('kube-system', 'svc-a', rec), LeaseConflictError);
  await client.update('kube-system', 'svc-a', { ...created, renewTimeMs: T0 + 4000 });
  await assert.rejects(client.update('kube-system', 'svc-a', created), LeaseConflictError);
  assert.deepEqual(calls, ['create 201', 'create 409', 'update 200', 'update 409']);
});
