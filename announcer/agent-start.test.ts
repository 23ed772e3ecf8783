import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent } from './agent.js';
import { parseAgentConfig } from './config.js';
import type { VipDataplane } from './dataplane/vip-dataplane.js';
import type { ElectionStrategy } from './election/election-strategy.js';
import { JsonLogger } from './json-logger.js';
import { AgentMetrics } from './metrics/agent-metrics.js';

test('start sweeps stale VIPs before any watch has listed anything (issue 17, agent crash)', async () => {
  const cfg = parseAgentConfig(['--kubeconfig', '/dev/null', '--node-name', 'n1'], {});
  assert.ok(cfg !== 'help');
  const kc = new KubeConfig();
  // Loopback port 9 (discard): the watches fail to connect, which is the point: no API is needed.
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:9' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const calls: string[] = [];
  const dataplane = {
    refresh: async () => {
      calls.push('refresh');
      return { interfaces: ['lo', 'eth0'], addresses: [] };
    },
    reconcile: async () => {
      calls.push('reconcile');
    },
    unbindAll: async () => {
      calls.push('unbindAll');
    },
    setManagedRanges: () => {},
    setDesired: () => {},
    interfaces: () => ['lo', 'eth0'],
  } as unknown as VipDataplane;
  const strategy = {
    spec: { kind: 'per-service' },
    start: () => {},
    stop: async () => {},
    update: () => {},
  } as unknown as ElectionStrategy;
  const lines: Array<{ event: string }> = [];
  const agent = new Agent(cfg, {
    kc,
    log: new JsonLogger('n1', (l) => lines.push(JSON.parse(l) as { event: string })),
    metrics: new AgentMetrics(),
    dataplane,
    makeElector: () => {
      throw new Error('no elections in this test');
    },
    strategy,
  });
  await agent.start();
  assert.deepEqual(calls, ['refresh', 'reconcile'], 'the sweep ran as part of start()');
  assert.equal(agent.health().ok, false, 'no cache had synced when it ran');
  assert.deepEqual(
    lines.map((l) => l.event),
    ['start'],
  );
  await agent.stop(500);
});
