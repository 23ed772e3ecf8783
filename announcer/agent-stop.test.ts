import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { Agent } from './agent.js';
import { parseAgentConfig } from './config.js';
import type { VipDataplane } from './dataplane/vip-dataplane.js';
import type { ElectionStrategy } from './election/election-strategy.js';
import { JsonLogger } from './json-logger.js';
import { AgentMetrics } from './metrics/agent-metrics.js';

/** An agent that was never started (no API traffic), whose strategy's stop takes `stopMs`. */
function agentWithStrategyStop(stopMs: number | 'never') {
  const cfg = parseAgentConfig(['--kubeconfig', '/dev/null', '--node-name', 'n1'], {});
  assert.ok(cfg !== 'help');
  const kc = new KubeConfig();
  // Port 9 on loopback: nothing is started, so nothing is ever sent there.
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:9' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const lines: Array<{ event: string; msg?: string }> = [];
  const log = new JsonLogger('n1', (l) => lines.push(JSON.parse(l) as { event: string; msg?: string }));
  const strategy = {
    spec: { kind: 'per-service' },
    stop: () =>
      stopMs === 'never'
        ? new Promise<void>(() => {})
        : new Promise<void>((resolve) => setTimeout(resolve, stopMs)),
  } as unknown as ElectionStrategy;
  const dataplane = { unbindAll: async () => {} } as unknown as VipDataplane;
  const agent = new Agent(cfg, {
    kc,
    log,
    metrics: new AgentMetrics(),
    dataplane,
    makeElector: () => {
      throw new Error('no elections in this test');
    },
    strategy,
  });
  return { agent, lines };
}

test('a lease release that finishes in time is not reported as timed out (issue 17, defect 3)', async () => {
  // The release resolves to undefined, as every elector's stop() does.
  const { agent, lines } = agentWithStrategyStop(20);
  await agent.stop(1000);
  assert.deepEqual(
    lines.filter((l) => l.event === 'warn').map((l) => l.msg),
    [],
  );
  assert.equal(lines.find((l) => l.event === 'stop')?.msg, 'stopped');
});

test('a lease release that does not finish within the budget is reported', async () => {
  const { agent, lines } = agentWithStrategyStop('never');
  await agent.stop(300);
  assert.deepEqual(
    lines.filter((l) => l.event === 'warn').map((l) => l.msg),
    ['lease release timed out; leases will expire instead'],
  );
  assert.equal(lines.find((l) => l.event === 'stop')?.msg, 'stopped (leases not confirmed released)');
});
