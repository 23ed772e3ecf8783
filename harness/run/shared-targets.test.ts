import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import type { BenchTarget, BenchTargetOptions } from '../backends/bench-target.js';
import { expandVariants } from '../scenario/expand-variants.js';
import { parseScenario } from '../scenario/scenario-file.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { runOrder, SharedTargets } from './shared-targets.js';

const variants = expandVariants(
  parseScenario(
    stringify({
      name: 'x',
      nodes: { count: 3 },
      services: { announced: 5 },
      sweep: {
        'services.announced': [5, 50],
        'nodes.count': [3, 9],
        'announcer.strategy': ['per-service', 'node-lease'],
      },
    }),
    'scenarios/x.yaml',
  ),
);

test('runOrder groups variants by node shape, shapes in order of first appearance, sweep order within', () => {
  const order = runOrder(variants).map((v) => `${v.scenario.nodes.count}:${v.id.slice(0, 3)}`);
  assert.deepEqual(order, ['3:v01', '3:v02', '3:v05', '3:v06', '9:v03', '9:v04', '9:v07', '9:v08']);
});

/** A target that records what was done to it. */
function fakeTarget(log: string[], scenario: ResolvedScenario, failReconfigure = false): BenchTarget {
  let current = scenario;
  const name = `t${log.filter((l) => l.startsWith('start')).length}`;
  return {
    get scenario() {
      return current;
    },
    prepare: async () => {
      log.push(`prepare ${name}`);
    },
    reconfigure: async (s: ResolvedScenario) => {
      if (failReconfigure) throw new Error('reconfigure failed');
      const servicesKept = s.services.announced === current.services.announced;
      current = s;
      log.push(`reconfigure ${name} n=${s.services.announced}`);
      return { servicesKept };
    },
    [Symbol.asyncDispose]: async () => {
      log.push(`dispose ${name}`);
    },
  } as unknown as BenchTarget;
}

test('one target per shape: reconfigured for same-shape variants, disposed when the shape changes', async () => {
  const log: string[] = [];
  const seen: (string | null)[] = [];
  {
    await using targets = new SharedTargets(async (o: BenchTargetOptions) => {
      log.push(`start nodes=${o.scenario.nodes.count}`);
      return fakeTarget(log, o.scenario);
    });
    for (const v of runOrder(variants).slice(0, 5)) {
      const { sharedWith } = await targets.forVariant(v, {
        k6Path: 'k6',
        progress: () => {},
        signal: new AbortController().signal,
      });
      seen.push(sharedWith);
    }
  }
  assert.deepEqual(seen, [null, 'v01-announced=5_count=3_strategy=per-service', seen[1], seen[1], null]);
  assert.deepEqual(log, [
    'start nodes=3',
    'prepare t1',
    'reconfigure t1 n=5',
    'reconfigure t1 n=50',
    'reconfigure t1 n=50',
    'dispose t1',
    'start nodes=9',
    'prepare t2',
    'dispose t2',
  ]);
});

test('a failed reconfigure disposes the target and the next variant starts a fresh one', async () => {
  const log: string[] = [];
  const ordered = runOrder(variants);
  const opts = { k6Path: 'k6', progress: () => {}, signal: new AbortController().signal };
  await using targets = new SharedTargets(async (o) => {
    log.push('start');
    return fakeTarget(log, o.scenario, true);
  });
  await targets.forVariant(ordered[0]!, opts);
  await assert.rejects(targets.forVariant(ordered[1]!, opts), /reconfigure failed/);
  assert.deepEqual(log, ['start', 'prepare t1', 'dispose t1']);
  await targets.forVariant(ordered[2]!, opts);
  assert.deepEqual(log.slice(3), ['start', 'prepare t2']);
});

test('the bundled strategies scenario: 36 variants on 3 clusters; --quick 16 on 2 with short timers', async () => {
  const { loadScenario, quickScenario } = await import('../scenario/scenario-file.js');
  const full = await loadScenario('strategies');
  const shapes = (vs: ReturnType<typeof expandVariants>) =>
    new Set(vs.map((v) => v.scenario.nodes.count)).size;
  const all = expandVariants(full);
  assert.equal(all.length, 36);
  assert.equal(shapes(all), 3);
  const strategies = new Set(all.map((v) => JSON.stringify(v.scenario.announcer.strategy)));
  assert.equal(strategies.size, 4);
  const quick = expandVariants(quickScenario(full));
  assert.equal(quick.length, 16);
  assert.equal(shapes(quick), 2);
  assert.ok(quick.every((v) => v.scenario.announcer.leaseDurationMs === 12_000));
  assert.ok(quick.every((v) => v.scenario.faults.trialsPerKind === 1));
});
