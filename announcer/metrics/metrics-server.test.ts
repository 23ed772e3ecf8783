import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentMetrics } from './agent-metrics.js';
import { startMetricsServer } from './metrics-server.js';

test('/metrics exposes the agent metrics and process metrics; /healthz follows health()', async () => {
  const metrics = new AgentMetrics();
  metrics.apiRequests.inc({ verb: 'update', code: '200' });
  metrics.leasesHeld.set(2);
  let healthy = false;
  const server = await startMetricsServer({
    registry: metrics.registry,
    port: 0,
    host: '127.0.0.1',
    healthy: () => (healthy ? { ok: true } : { ok: false, reason: 'waiting for services' }),
  });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^l2announcer_api_requests_total\{verb="update",code="200"\} 1$/m);
    assert.match(text, /^l2announcer_leases_held 2$/m);
    for (const name of [
      'l2announcer_lease_acquisitions_total',
      'l2announcer_lease_transitions_total',
      'l2announcer_renew_latency_seconds_bucket',
      'l2announcer_renew_failures_total',
      'l2announcer_vip_binds_total',
      'l2announcer_vip_unbinds_total',
      'l2announcer_garp_sent_total',
      'process_cpu_seconds_total',
    ]) {
      assert.match(text, new RegExp(`^${name}`, 'm'), name);
    }
    const down = await fetch(`${base}/healthz`);
    assert.equal(down.status, 503);
    assert.equal(await down.text(), 'waiting for services\n');
    healthy = true;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await server.close();
  }
});
