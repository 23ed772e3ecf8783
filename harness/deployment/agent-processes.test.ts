import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { type AgentProcess, AgentProcesses } from './agent-processes.js';

/** A process that records signals and exits on SIGKILL or stop. */
class FakeProcess implements AgentProcess {
  running = true;
  readonly signals: string[] = [];
  constructor(readonly pid: number) {}
  signal(sig: NodeJS.Signals) {
    this.signals.push(sig);
    if (sig === 'SIGKILL') this.running = false;
  }
  async waitForExit() {
    assert.equal(this.running, false, 'waited for only once it exits');
    return 0;
  }
  async stop() {
    this.running = false;
  }
}

function processes() {
  let pid = 100;
  const spawned: number[] = [];
  const agents = new AgentProcesses(async (i) => {
    spawned.push(i);
    return new FakeProcess(pid++);
  });
  return { agents, spawned };
}

test('start keeps a running agent and replaces an exited one', async () => {
  const { agents, spawned } = processes();
  const a = await agents.start(0);
  assert.equal(await agents.start(0), a);
  a.running = false;
  const b = await agents.start(0);
  assert.notEqual(b, a);
  assert.deepEqual(spawned, [0, 0]);
});

test('crashAndRestart kills with SIGKILL and starts a new agent at once', async () => {
  const { agents } = processes();
  const a = await agents.start(1);
  const b = await agents.crashAndRestart(1);
  assert.deepEqual(a.signals, ['SIGKILL']);
  assert.notEqual(b.pid, a.pid);
  assert.equal(agents.byNode.get(1), b);
});

test('stopAll stops and forgets every agent; cpu lists the running ones by node name', async () => {
  const { agents } = processes();
  const [a] = await Promise.all([agents.start(0), agents.start(1)]);
  a.running = false;
  assert.deepEqual(
    agents.cpu((i) => `n${i}`),
    [{ role: 'announcer', node: 'n1', pid: 101 }],
  );
  await agents.stopAll();
  assert.equal(agents.byNode.size, 0);
  assert.deepEqual(
    agents.cpu((i) => `n${i}`),
    [],
  );
});
