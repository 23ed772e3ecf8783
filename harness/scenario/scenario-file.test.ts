import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ScenarioError } from '../errors.js';
import { expandVariants } from './expand-variants.js';
import {
  loadScenario,
  parseScenario,
  quickScenario,
  scenarioJsonSchema,
  scenariosDir,
} from './scenario-file.js';
import { messageOf, parseWith } from './testing/patch-scenario.js';

const bundled = readdirSync(scenariosDir)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.replace(/\.yaml$/, ''));

test('the bundled scenarios exist, parse, expand and survive --quick', async () => {
  for (const name of ['seed-homelab', 'seed-growth', 'lease-intervals', 'peers', 'stress', 'tiny']) {
    assert.ok(bundled.includes(name), `scenarios/${name}.yaml is bundled`);
  }
  for (const name of bundled) {
    const scenario = await loadScenario(name);
    assert.equal(scenario.name, name, 'a bundled scenario is named after its file');
    assert.ok(scenario.description.length > 0, `${name} has a description`);
    assert.ok(expandVariants(scenario).length >= 1);
    assert.ok(expandVariants(quickScenario(scenario)).length >= 1);
  }
});

test('seed-homelab is the seed post: 3 workers + 1 unselected, 5 + 5 services, 15/5/2 s, 2 × 2 sweep', async () => {
  const s = await loadScenario('seed-homelab');
  assert.equal(s.nodes.count, 3);
  assert.equal(s.nodes.unselected.count, 1);
  assert.equal(s.services.announced, 5);
  assert.equal(s.services.clusterIP, 5);
  assert.deepEqual(
    [s.announcer.leaseDurationMs, s.announcer.renewDeadlineMs, s.announcer.retryPeriodMs],
    [15_000, 5_000, 2_000],
  );
  // Written `crash`, read as node-crash (the alias kept for scenarios written before agent-crash).
  assert.deepEqual(s.faults.kinds, ['node-crash', 'graceful']);
  assert.equal(expandVariants(s).length, 4);
});

test('fault kinds that say what died, the outage length, and the issue 17 announcer settings', () => {
  const s = parseWith({
    faults: { kinds: ['agent-crash', 'control-plane-outage', 'crash'], controlPlaneOutageSeconds: '2m' },
    announcer: { stepDown: 'renew-deadline', onApiOutage: 'keep', sharedAddressElection: 'per-service' },
    probes: { maxDurationSeconds: 180 },
  });
  assert.deepEqual(s.faults.kinds, ['agent-crash', 'control-plane-outage', 'node-crash']);
  assert.equal(s.faults.controlPlaneOutageSeconds, 120);
  assert.deepEqual(
    [s.announcer.stepDown, s.announcer.onApiOutage, s.announcer.sharedAddressElection],
    ['renew-deadline', 'keep', 'per-service'],
  );
  const d = parseWith({});
  assert.deepEqual(
    [
      d.announcer.stepDown,
      d.announcer.onApiOutage,
      d.announcer.sharedAddressElection,
      d.services.sharedAddress,
    ],
    ['on-observe', 'release', 'per-address', false],
  );
  assert.match(
    messageOf({ faults: { kinds: ['crash', 'node-crash'] } }),
    /faults\.kinds lists node-crash twice/,
  );
  assert.match(
    messageOf({ faults: { kinds: ['control-plane-outage'], controlPlaneOutageSeconds: 120 } }),
    /faults\.controlPlaneOutageSeconds \(120\) must be shorter than probes\.maxDurationSeconds \(120\)/,
  );
});

test('loadScenario resolves bare names and paths, and names a missing file', async () => {
  const byPath = await loadScenario(join(scenariosDir, 'tiny.yaml'));
  assert.equal(byPath.name, 'tiny');
  await assert.rejects(loadScenario('no-such-scenario'), (err: Error) => {
    assert.ok(err instanceof ScenarioError);
    assert.match(err.message, /^no bundled scenario 'no-such-scenario': \(bundled: .*seed-homelab.*tiny/);
    return true;
  });
  await assert.rejects(loadScenario('seed-homelb'), /did you mean seed-homelab\?/);
});

test('--set overrides a field by its dotted path, validated like the file', async () => {
  const s = await loadScenario('tiny', ['services.announced=7', 'announcer.leaseDurationMs=6s']);
  assert.equal(s.services.announced, 7);
  assert.equal(s.announcer.leaseDurationMs, 6000);
  await assert.rejects(loadScenario('tiny', ['services.anounced=7']), /did you mean services\.announced[,?]/);
  await assert.rejects(loadScenario('tiny', ['services.announced']), /write it as path=value/);
  await assert.rejects(
    loadScenario('tiny', ['nodes.count=0']),
    /tiny\.yaml \(with --set\): nodes\.count \(0\) must be at least 1/,
  );
});

test('thresholds are part of the scenario', async () => {
  const s = parseScenario(
    'name: x\nnodes: {count: 2}\nservices: {announced: 1}\nthresholds: ["dualAnswering == 0"]\n',
    'x.yaml',
  );
  assert.deepEqual(s.thresholds, ['dualAnswering == 0']);
});

test('quickScenario shrinks windows and trials but never grows them', async () => {
  const quick = quickScenario(await loadScenario('seed-homelab'));
  assert.deepEqual(
    [quick.measurement.warmupSeconds, quick.measurement.windowSeconds, quick.measurement.repetitions],
    [5, 16, 2],
  );
  assert.equal(quick.faults.trialsPerKind, 1);
  const tiny = quickScenario(await loadScenario('tiny'));
  assert.equal(tiny.measurement.warmupSeconds, 3);
  assert.equal(tiny.measurement.windowSeconds, 10);
});

test('scenarios/scenario.schema.json matches the zod schema (rerun scripts/write-scenario-schema.ts)', () => {
  const committed: unknown = JSON.parse(readFileSync(join(scenariosDir, 'scenario.schema.json'), 'utf8'));
  assert.deepEqual(committed, scenarioJsonSchema());
});
