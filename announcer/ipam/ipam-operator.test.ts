import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { ElectionEvents } from '../election/leader-elector.js';
import type { ElectorHandle } from '../elector-factory.js';
import { JsonLogger } from '../json-logger.js';
import { type IpamEvent, IpamOperator, type IpamOperatorApi } from './ipam-operator.js';
import type { LbIpPool, PoolCondition } from './lb-ip-pool.js';

class FakeElector implements ElectorHandle {
  events: ElectionEvents | null = null;
  leading = false;
  released = false;
  run(): Promise<void> {
    return Promise.resolve();
  }
  async stop(opts: { release: boolean }): Promise<void> {
    this.released = opts.release;
    if (this.leading) this.lose();
  }
  isLeader(): boolean {
    return this.leading;
  }
  observedHolder(): string | null {
    return null;
  }
  win(): void {
    this.leading = true;
    this.events?.onStartedLeading();
  }
  lose(): void {
    this.leading = false;
    this.events?.onStoppedLeading();
  }
}

function setup(pools: LbIpPool[], services: V1Service[]) {
  const writes: Array<[string, readonly string[]]> = [];
  const poolWrites: Array<[string, PoolCondition[]]> = [];
  const events: IpamEvent[] = [];
  const api: IpamOperatorApi = {
    listPools: () => pools,
    listServices: () => services,
    patchServiceIngress: async (ns, name, ips) => {
      writes.push([`${ns}/${name}`, ips]);
    },
    patchPoolConditions: async (name, conditions) => {
      poolWrites.push([name, conditions]);
    },
    emitEvent: async (e) => {
      events.push(e);
    },
  };
  const elector = new FakeElector();
  const operator = new IpamOperator({
    api,
    makeElector: (ev) => {
      elector.events = ev;
      return elector;
    },
    log: new JsonLogger('n0', () => undefined),
    now: () => Date.parse('2025-01-01T00:00:00Z'),
  });
  return { operator, elector, writes, poolWrites, events };
}

const lb = (name: string): V1Service => ({
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    creationTimestamp: new Date(name.charCodeAt(0)),
  },
  spec: { type: 'LoadBalancer' },
});
const onePool: LbIpPool = {
  metadata: { name: 'p', generation: 1 },
  spec: { blocks: [{ start: '198.18.8.1', stop: '198.18.8.1' }] },
};

test('writes nothing until it holds the operator lease', async () => {
  const t = setup([onePool], [lb('a')]);
  t.operator.start();
  t.operator.notify();
  await t.operator.idle();
  assert.deepEqual(t.writes, []);
  t.elector.win();
  await t.operator.idle();
  assert.deepEqual(t.writes, [['default/a', ['198.18.8.1']]]);
  assert.deepEqual(
    t.events.map((e) => [e.reason, e.object.kind, e.object.name]),
    [['IPAllocated', 'Service', 'a']],
  );
});

test('a re-plan before the watch echoes the status neither rewrites nor repeats the Event', async () => {
  const t = setup([onePool], [lb('a')]);
  t.elector.win();
  await t.operator.idle();
  t.operator.notify();
  await t.operator.idle();
  assert.equal(t.writes.length, 1);
  assert.equal(t.events.filter((e) => e.reason === 'IPAllocated').length, 1);
  assert.equal(t.poolWrites.length, 1);
});

test('exhaustion raises PoolExhausted on the service and the pool; pool conditions count', async () => {
  const t = setup([onePool], [lb('a'), lb('b')]);
  t.elector.win();
  await t.operator.idle();
  assert.deepEqual(
    t.events.filter((e) => e.reason === 'PoolExhausted').map((e) => [e.object.kind, e.object.name, e.type]),
    [
      ['Service', 'b', 'Warning'],
      ['CiliumLoadBalancerIPPool', 'p', 'Warning'],
    ],
  );
  const conds = new Map(t.poolWrites[0]?.[1].map((c) => [c.type, c]));
  assert.equal(conds.get('cilium.io/IPsAvailable')?.message, '0');
  assert.equal(conds.get('cilium.io/IPsUsed')?.message, '1');
  assert.equal(conds.get('cilium.io/PoolConflict')?.status, 'False');
});

test('a malformed pool gets a MalformedPool Event and a PoolMalformed condition', async () => {
  const bad: LbIpPool = { metadata: { name: 'bad' }, spec: { blocks: [{ cidr: '198.18.8.0/99' }] } };
  const t = setup([bad, onePool], [lb('a')]);
  t.elector.win();
  await t.operator.idle();
  assert.ok(t.events.some((e) => e.reason === 'MalformedPool' && e.object.name === 'bad'));
  const badConds = t.poolWrites.find(([n]) => n === 'bad')?.[1] ?? [];
  assert.equal(badConds.find((c) => c.type === 'l2bench.io/PoolMalformed')?.status, 'True');
  assert.deepEqual(t.writes, [['default/a', ['198.18.8.1']]]);
});

test('stop releases the operator lease', async () => {
  const t = setup([onePool], []);
  t.elector.win();
  await t.operator.stop();
  assert.equal(t.elector.released, true);
  assert.equal(t.operator.isLeading(), false);
});
