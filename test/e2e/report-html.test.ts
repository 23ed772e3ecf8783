import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { publish } from '../../reports/publish-site.js';
import { SEED_HOMELAB_RUN, syntheticRun, writeSyntheticRun } from '../../reports/testing/synthetic-run.js';
import { type WrittenReport, writeReport } from '../../reports/write-report.js';

// The report of the results fixture, opened in headless Chromium: the page must draw every chart
// (statically and live) without console errors. Data-driven: expected charts and mark counts come
// from writeReport's own output, so the fixture can be replaced by a real run. Screenshots of the
// page and of every chart (of the fixture, of a synthetic run shaped like seed-homelab and of a real
// seed-homelab --quick run) go to
// test-artifacts/report/ for a person to look at.
const CHROMIUM = '/usr/bin/chromium';
const FIXTURE = new URL('../fixtures/results-small/', import.meta.url).pathname;
// A real `l2bench run seed-homelab --quick` on this repository's machine (see its README.md).
const SEED_QUICK = new URL('../fixtures/results-seed-homelab-quick/', import.meta.url).pathname;
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (skip) console.log(`# skipping report-html: ${skip}`);

let dir: string;
let report: WrittenReport;
let seedReport: WrittenReport;
let seedQuickReport: WrittenReport;
let browser: Browser | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l2bench-report-'));
  await cp(FIXTURE, join(dir, 'fixture'), { recursive: true });
  report = await writeReport(join(dir, 'fixture'));
  await writeSyntheticRun(join(dir, 'seed'), syntheticRun(SEED_HOMELAB_RUN));
  seedReport = await writeReport(join(dir, 'seed'));
  await cp(SEED_QUICK, join(dir, 'seed-quick'), { recursive: true });
  seedQuickReport = await writeReport(join(dir, 'seed-quick'));
  if (!skip) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * Opens `url` at `width` × `height` and waits for the report's render; `errors` collects console
 * errors, uncaught page errors and (with `network: true`) any request leaving file:/data: URLs.
 */
async function openRendered(url: string, width: number, height: number, network = false) {
  const page = await browser!.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (network)
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:'))
        errors.push(`network request: ${r.url()}`);
    });
  await page.goto(url);
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  return { page, errors };
}

// Data-mark elements vega's SVG renderer drew in a figure: the children of its `role-mark` groups.
// (Written out in each page callback: playwright serialises the callback, not its closure.)

test('the report page draws every chart live, with the marks the static render had, and logs no errors', {
  skip,
}, async () => {
  const { page, errors } = await openRendered(pathToFileURL(report.indexHtml).href, 1280, 900, true);

  const charts = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) => ({
      name: (f as HTMLElement).dataset.chart ?? '',
      interactive: (f as HTMLElement).dataset.interactive ?? '',
      expected: Number((f as HTMLElement).dataset.marks),
      drawn: Array.from(f.querySelectorAll('g.role-mark:not(.mark-group)')).reduce(
        (n, g) => n + g.children.length,
        0,
      ),
    })),
  );
  assert.deepEqual(
    charts.map((c) => c.name),
    report.charts.map((c) => c.name),
    'one figure per drawn chart, in report order',
  );
  assert.ok(charts.length > 0, 'the fixture yields at least one chart');
  for (const c of charts) {
    assert.equal(c.interactive, 'true', `${c.name} was redrawn live`);
    assert.ok(c.drawn > 0, `${c.name} has marks in the DOM`);
    assert.equal(c.drawn, c.expected, `${c.name}: live marks equal the headless render's`);
  }
  const omitted = await page.$$eval('p.omitted', (ps) => ps.map((p) => (p as HTMLElement).dataset.omitted));
  assert.deepEqual(
    omitted,
    report.omitted.map((o) => o.name),
    'omitted charts are explained, not drawn empty',
  );
  assert.deepEqual(errors, [], 'no console errors or network requests');

  await screenshots(page, 'fixture');
  await page.close();
});

/** The full page, its top (the answer and the variants table) and every chart, as PNGs under test-artifacts/report/. */
async function screenshots(page: import('playwright-core').Page, name: string): Promise<void> {
  const out = join(ARTIFACTS, 'report');
  await mkdir(out, { recursive: true });
  await page.screenshot({ path: join(out, `${name}-page.png`), fullPage: true });
  await page.screenshot({
    path: join(out, `${name}-top.png`),
    clip: { x: 0, y: 0, width: 1400, height: 1400 },
  });
  for (const fig of await page.$$('figure.chart')) {
    await fig.screenshot({ path: join(out, `${name}-${await fig.getAttribute('data-chart')}.png`) });
  }
}

test('a seed-homelab-shaped report at 1400 px: the answer comes first, the variants table fits, every chart is live', {
  skip,
}, async () => {
  const { page, errors } = await openRendered(pathToFileURL(seedReport.indexHtml).href, 1400, 1000);
  const layout = await page.evaluate(() => {
    const answer = document.querySelector('section.answer');
    const table = document.querySelector('table.variants');
    const h2 = document.querySelector('h2');
    return {
      answerFirst:
        !!answer && !!h2 && (answer.compareDocumentPosition(h2) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
      answer: answer?.textContent ?? '',
      tableWidth: table?.getBoundingClientRect().width ?? Infinity,
      bodyWidth: document.body.clientWidth,
      interactive: Array.from(document.querySelectorAll('figure.chart')).map(
        (f) => (f as HTMLElement).dataset.interactive,
      ),
    };
  });
  assert.ok(layout.answerFirst, 'the answer comes before the first section');
  assert.match(layout.answer, /The seed post saw about 80 mCPU/);
  assert.ok(
    layout.tableWidth <= layout.bodyWidth,
    `variants table ${layout.tableWidth} px fits ${layout.bodyWidth} px`,
  );
  assert.deepEqual(
    layout.interactive,
    seedReport.charts.map(() => 'true'),
  );
  assert.deepEqual(errors, []);
  await screenshots(page, 'seed-homelab');
  await page.close();
});

test('a real seed-homelab --quick run: the answer first, the table fits 1400 px, every chart live, no errors', {
  skip,
}, async () => {
  const { page, errors } = await openRendered(pathToFileURL(seedQuickReport.indexHtml).href, 1400, 1000);
  const layout = await page.evaluate(() => ({
    answer: document.querySelector('section.answer')?.textContent ?? '',
    tableWidth: document.querySelector('table.variants')?.getBoundingClientRect().width ?? Infinity,
    bodyWidth: document.body.clientWidth,
    interactive: Array.from(document.querySelectorAll('figure.chart')).map(
      (f) => (f as HTMLElement).dataset.interactive,
    ),
  }));
  // The answer quotes the seed's figure beside this run's measured one.
  assert.match(layout.answer, /The seed post saw about 80 mCPU/);
  assert.match(layout.answer, /mCPU/);
  assert.ok(layout.tableWidth <= layout.bodyWidth, `table ${layout.tableWidth} px in ${layout.bodyWidth} px`);
  assert.ok(seedQuickReport.charts.length > 0);
  assert.deepEqual(
    layout.interactive,
    seedQuickReport.charts.map(() => 'true'),
  );
  assert.deepEqual(errors, []);
  await screenshots(page, 'seed-homelab-quick-real');
  await page.close();
});

test("a published run page draws its charts live from the site's shared copy of vega", { skip }, async () => {
  const site = await publish([join(dir, 'seed')], join(dir, 'site'));
  const runPage = pathToFileURL(join(site.outDir, site.runs[0]!.href)).href;
  const { page, errors } = await openRendered(runPage, 1400, 1000);
  const interactive = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) => (f as HTMLElement).dataset.interactive),
  );
  assert.ok(interactive.length > 0 && interactive.every((i) => i === 'true'), interactive.join(','));
  assert.deepEqual(errors, []);
  await page.goto(pathToFileURL(site.index).href);
  await page.screenshot({ path: join(ARTIFACTS, 'report', 'site-index.png'), fullPage: true });
  await page.close();
});

test('without JavaScript the page still shows every chart as static SVG', { skip }, async () => {
  const context = await browser!.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pathToFileURL(report.indexHtml).href);
  const drawn = await page.$$eval('figure.chart', (figs) =>
    figs.map((f) =>
      Array.from(f.querySelectorAll('g.role-mark:not(.mark-group)')).reduce(
        (n, g) => n + g.children.length,
        0,
      ),
    ),
  );
  assert.deepEqual(
    drawn,
    report.charts.map((c) => c.markCount),
  );
  await context.close();
});

test('report.md links each drawn chart as a relative PNG that exists', async () => {
  const md = await readFile(report.reportMd, 'utf8');
  for (const c of report.charts) {
    assert.match(md, new RegExp(`!\\[[^\\]]+\\]\\(charts/${c.name}\\.png\\)`));
    assert.ok(existsSync(c.png), `${c.png} written`);
  }
  for (const o of report.omitted) assert.ok(md.includes(o.reason), `${o.name} omission explained`);
});
