import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { msg } from './messages.js';
import { syntheticRun, writeSyntheticRun } from './testing/synthetic-run.js';
import { writeReport } from './write-report.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'l2bench-report-'));
});
after(() => rm(root, { recursive: true, force: true }));

test('a run without faults: charts written, failover charts explained instead of drawn empty', async () => {
  const dir = join(root, 'no-faults');
  await writeSyntheticRun(
    dir,
    syntheticRun({
      variants: [
        { nodes: 3, services: 10 },
        { nodes: 3, services: 60 },
      ],
      repetitions: 2,
      windowSeconds: 5,
    }),
  );
  await mkdir(join(dir, 'charts'), { recursive: true });
  await writeFile(join(dir, 'charts', 'failover-outage.png'), 'from an earlier report');
  const r = await writeReport(dir);
  assert.ok(
    !existsSync(join(dir, 'charts', 'failover-outage.png')),
    'stale chart of an earlier report removed',
  );
  assert.deepEqual(
    r.omitted.map((o) => o.name),
    ['failover-outage', 'tradeoff', 'tradeoff-requests'],
  );
  for (const c of r.charts) {
    assert.ok(existsSync(c.svg) && existsSync(c.png) && existsSync(c.spec), c.name);
    assert.ok(c.markCount > 0);
  }
  const md = await readFile(r.reportMd, 'utf8');
  const html = await readFile(r.indexHtml, 'utf8');
  for (const reason of [msg.noTrials(), msg.noTradeoff(), msg.noTradeoff('requests')]) {
    assert.ok(md.includes(reason), 'report.md explains the omission');
    assert.ok(html.includes(reason.replace(/&/g, '&amp;')), 'index.html explains the omission');
  }
  assert.ok(!html.includes('id="chart-failover-outage"'), 'no empty figure');
  assert.equal((html.match(/<figure class="chart"/g) ?? []).length, r.charts.length);
});

test('index.html is self-contained: no external script, style or image', async () => {
  const dir = join(root, 'self-contained');
  await writeSyntheticRun(
    dir,
    syntheticRun({
      variants: [{ nodes: 3, services: 10, faults: ['node-crash'], trialsPerFault: 2 }],
      repetitions: 2,
      windowSeconds: 5,
    }),
  );
  const r = await writeReport(dir);
  const html = await readFile(r.indexHtml, 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=/);
  assert.doesNotMatch(html, /<link[^>]+href=/);
  assert.doesNotMatch(html, /<img[^>]+src="(?!data:)/);
  assert.ok(html.includes('vegaLite'), 'vega-lite is inlined');
  // Each inline <script> element closes exactly once: inlined code cannot end it early.
  assert.equal((html.match(/<script/g) ?? []).length, (html.match(/<\/script>/g) ?? []).length);
});

test('an interrupted run gets a note at the top of both reports', async () => {
  const dir = join(root, 'interrupted');
  const run = syntheticRun({ variants: [{ nodes: 3, services: 10 }], repetitions: 2, windowSeconds: 5 });
  run.summary.complete = false;
  run.summary.finishedAt = null;
  await writeSyntheticRun(dir, run);
  const r = await writeReport(dir, { outDir: join(root, 'interrupted-out') });
  assert.equal(r.outDir, join(root, 'interrupted-out'));
  const md = await readFile(r.reportMd, 'utf8');
  assert.ok(md.includes(msg.runIncomplete(1)));
  assert.ok(!existsSync(join(dir, 'index.html')), 'outDir respected');
});
