import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ResultsError } from '../harness/errors.js';
import { formatInterval } from './format-interval.js';
import { headline, publish, siteId } from './publish-site.js';
import { syntheticRun, writeSyntheticRun } from './testing/synthetic-run.js';

let root: string;
const older = syntheticRun({
  runId: '20251101T080000Z-tiny',
  scenario: 'tiny',
  startMs: Date.UTC(2025, 10, 1, 8),
  variants: [{ nodes: 3, services: 10 }],
  repetitions: 2,
  windowSeconds: 5,
});
const newer = syntheticRun({
  runId: '20251120T080000Z-lease-intervals',
  scenario: 'lease-intervals',
  startMs: Date.UTC(2025, 10, 20, 8),
  variants: [
    { nodes: 3, services: 20, faults: ['node-crash'], trialsPerFault: 2 },
    { nodes: 3, services: 40, faults: ['node-crash'], trialsPerFault: 2 },
  ],
  repetitions: 2,
  windowSeconds: 5,
});
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'l2bench-publish-'));
  await writeSyntheticRun(join(root, 'older'), older);
  await writeSyntheticRun(join(root, 'newer'), newer);
});
after(() => rm(root, { recursive: true, force: true }));

test('lists runs newest first, linking each copied report, with machine and headline figures', async () => {
  const site = await publish([join(root, 'older'), join(root, 'newer')], join(root, 'site'));
  assert.deepEqual(
    site.runs.map((r) => r.id),
    [newer.summary.runId, older.summary.runId],
  );
  const html = await readFile(site.index, 'utf8');
  for (const r of site.runs) {
    assert.ok(html.includes(`href="${r.href}"`), r.href);
    assert.ok(existsSync(join(site.outDir, r.href)), `${r.href} written`);
    assert.ok(existsSync(join(site.outDir, 'runs', r.id, 'report.md')));
    assert.ok(existsSync(join(site.outDir, 'runs', r.id, 'summary.json')));
  }
  assert.ok(html.indexOf(newer.summary.runId) < html.indexOf(older.summary.runId));
  assert.ok(html.includes('8 cores, Intel(R) Xeon(R) CPU @ 2.20GHz, kube-apiserver v1.32.13'));
  for (const line of headline(newer.summary)) assert.ok(html.includes(line.replace(/&/g, '&amp;')), line);
});

test('the headline is the heaviest variant’s overhead with its interval, and failover p95 per fault kind', () => {
  const [first, second] = headline(newer.summary);
  const heavy = newer.summary.variants[1]!;
  assert.equal(
    first,
    `CPU overhead ${formatInterval(heavy.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' })} at ${heavy.label}`,
  );
  assert.match(second ?? '', /^node-crash failover p95 .* over 2 variants$/);
});

test('two runs with one runId are refused; ids are safe directory names', async () => {
  await assert.rejects(publish([join(root, 'older'), join(root, 'older')], join(root, 'dup')), ResultsError);
  assert.equal(siteId('2025-11-20T08:00:00Z/lease intervals'), '2025-11-20T08-00-00Z-lease-intervals');
  assert.equal(siteId('../x'), 'x');
});

test('the site shares one copy of vega, copies raw samples, and draws a trend per scenario', async () => {
  const again = syntheticRun({
    ...{ runId: '20251110T080000Z-tiny', scenario: 'tiny', startMs: Date.UTC(2025, 10, 10, 8) },
    variants: [{ nodes: 3, services: 10 }],
    repetitions: 2,
    windowSeconds: 5,
  });
  await writeSyntheticRun(join(root, 'again'), again);
  const site = await publish(
    [join(root, 'older'), join(root, 'again'), join(root, 'newer')],
    join(root, 'site2'),
  );
  const vega = join(site.outDir, 'assets', 'vega.min.js');
  assert.ok((await stat(vega)).size > 100_000, 'vega written once into assets/');
  for (const r of site.runs) {
    const page = await readFile(join(site.outDir, r.href), 'utf8');
    assert.ok(page.length < 300_000, `${r.href} is ${page.length} bytes: vega is linked, not inlined`);
    assert.ok(page.includes('<script src="../../assets/vega.min.js"></script>'));
    assert.ok(existsSync(join(site.outDir, 'runs', r.id, 'samples.jsonl')), 'raw samples copied');
  }
  const html = await readFile(site.index, 'utf8');
  assert.ok(html.includes(`href="runs/${siteId(again.summary.runId)}/samples.jsonl"`));
  const trends = [...html.matchAll(/<figure class="trend" data-scenario="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(trends, ['lease-intervals', 'tiny'], 'one trend chart per scenario');
  assert.ok(html.includes('tiny: control-plane CPU overhead across runs'));
});
