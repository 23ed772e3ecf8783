import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandVariants } from '../scenario/expand-variants.js';
import { loadScenario } from '../scenario/scenario-file.js';
import { resolveScenario } from '../scenario/scenario-schema.js';
import {
  clusterStartSeconds,
  estimateRun,
  estimateVariantSeconds,
  formatSeconds,
} from './estimate-duration.js';
import { firstSentence, formatPlan, planRun } from './plan-run.js';
import { scenarioCatalog } from './scenario-catalog.js';

test('plan strategies: every variant, its cluster, and an estimate in hours', async () => {
  const p = await planRun('strategies');
  assert.equal(p.variants.length, 36);
  // One cluster per node count (3, 9, 25 selected nodes).
  assert.equal(p.clusters, 3);
  assert.deepEqual([...new Set(p.variants.map((v) => v.cluster))].sort(), [1, 2, 3]);
  assert.ok(p.totalSeconds > 10 * 3600, `${p.totalSeconds}`);
  assert.match(formatPlan(p), /estimated duration: \d+h\d\dm/);
  const sharded = p.variants.find((v) => v.strategy.startsWith('sharded'));
  assert.ok(sharded, 'strategy shown with its shards');
  assert.match(sharded.strategy, /^sharded:\d+$/);
});

test('the plan models lease requests per variant as the runner summarizes them', async () => {
  const p = await planRun('seed-homelab');
  const v = p.variants.find((x) => x.label === 'announced=5, selection=policy');
  // Cilium get-then-update, 5 leases, 3 candidates, RP 2 s: holder GET+PUT each RP, 2 others GET every 1.6 RP.
  assert.ok(v);
  assert.equal(v.model.update, 5 / 2 + 1 / 2);
  assert.ok(Math.abs(v.model.get - (5 / 2 + (5 * 2) / 3.2 + 1 / 2)) < 1e-9, `${v.model.get}`);
  assert.equal(v.windows, 6);
  assert.equal(v.trials, 6);
});

test('a variant estimate counts every window, warm-up and trial; shared clusters start once', async () => {
  const s = await loadScenario('seed-homelab');
  const [v] = expandVariants(s);
  assert.ok(v);
  const m = s.measurement;
  const windows = m.repetitions * (2 * m.windowSeconds + m.warmupSeconds);
  assert.ok(estimateVariantSeconds(v) > windows + 6 * (s.announcer.leaseDurationMs / 1000));
  const variants = expandVariants(s);
  const one = estimateRun(variants.slice(0, 1));
  const all = estimateRun(variants);
  assert.equal(all.clusters, 1);
  // The cluster start is paid once: later variants cost less than the first.
  assert.ok(all.totalSeconds < 4 * one.totalSeconds);
  assert.ok(estimateRun(variants, 2).totalSeconds === all.totalSeconds, 'one shape: --parallel cannot help');
});

test('on a backend that cannot reconfigure (kind), every variant starts its own cluster, and the plan counts each start', async () => {
  const local = await planRun('seed-homelab', { quick: true });
  const kind = await planRun('seed-homelab', { quick: true, backend: 'kind' });
  assert.equal(local.clusters, 1);
  assert.equal(kind.clusters, kind.variants.length);
  assert.deepEqual(
    kind.variants.map((v) => v.cluster),
    kind.variants.map((_, i) => i + 1),
  );
  const s = await loadScenario('seed-homelab');
  const start = clusterStartSeconds(resolveScenario({ ...s, backend: 'kind' }));
  assert.ok(kind.totalSeconds > kind.variants.length * start, `${kind.totalSeconds}`);
  assert.match(formatPlan(kind), /one per variant: kind cannot reconfigure a cluster/);
});

test('--quick plans are shorter; --set changes the plan', async () => {
  const full = await planRun('seed-homelab');
  const quick = await planRun('seed-homelab', { quick: true });
  assert.ok(quick.totalSeconds < full.totalSeconds / 2);
  const more = await planRun('tiny', { set: ['services.announced=9'] });
  assert.equal(more.variants[0]?.announcedServices, 9);
});

test('scenarios: every bundled one has a line and durations', async () => {
  const catalog = await scenarioCatalog();
  assert.ok(catalog.some((e) => e.name === 'tiny'));
  for (const e of catalog) {
    assert.ok(e.summary.length > 10 && e.summary.length <= 110, e.name);
    assert.ok(e.quickSeconds > 0 && e.quickSeconds <= e.fullSeconds, e.name);
  }
});

test('formatSeconds and firstSentence', () => {
  assert.deepEqual(
    [formatSeconds(45), formatSeconds(185), formatSeconds(7440), formatSeconds(3599.6)],
    ['45s', '3m05s', '2h04m', '1h00m'],
  );
  assert.equal(firstSentence('The seed post: 3 nodes. More.'), 'The seed post.');
  assert.equal(firstSentence('One line'), 'One line');
});
