import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadResults, type RunResults } from './load-results.js';
import { renderChart } from './render.js';
import { type InlineScripts, type LinkedScripts, reportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';
import type { RenderedReportChart, ReportModel } from './report-model.js';
import { buildCharts } from './specs/build-charts.js';
import type { OmittedChart } from './specs/chart.js';

export interface WriteReportOptions {
  /** Where to write (default: the run directory itself). */
  outDir?: string;
  /** The run, when the caller has already loaded it (publish does). */
  results?: RunResults;
  /**
   * Load vega and vega-lite from these URLs (relative to index.html) instead of inlining them: a
   * published site keeps one copy for all its pages (see {@link writeVegaScripts}). Default: inlined,
   * so a run's own index.html works alone, offline and from file://.
   */
  scripts?: LinkedScripts;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  outDir: string;
  indexHtml: string;
  reportMd: string;
  charts: { name: string; svg: string; png: string; spec: string; markCount: number }[];
  omitted: { name: string; reason: string }[];
  /** Problems tolerated while reading the results (also printed in the report). */
  warnings: string[];
}

/**
 * Reads a run directory and writes its report: `index.html` (static SVGs inline; vega and vega-lite
 * inlined to redraw them interactively, about 1 MB, unless `scripts` links shared copies), `report.md` (GitHub-flavoured, images
 * linked as `charts/<name>.png`) and `charts/<name>.{svg,png,vl.json}`. `charts/` is recreated.
 * @throws ResultsError when the results cannot be read.
 */
export async function writeReport(runDir: string, options: WriteReportOptions = {}): Promise<WrittenReport> {
  const run = options.results ?? (await loadResults(runDir));
  const outDir = options.outDir ?? runDir;
  const chartsDir = join(outDir, 'charts');
  await rm(chartsDir, { recursive: true, force: true });
  await mkdir(chartsDir, { recursive: true });

  const rendered: (RenderedReportChart | OmittedChart)[] = [];
  const written: WrittenReport['charts'] = [];
  for (const chart of buildCharts(run)) {
    if (chart.kind === 'omitted') {
      rendered.push(chart);
      continue;
    }
    const r = await renderChart(chart.spec);
    const files = {
      svg: join(chartsDir, `${chart.name}.svg`),
      png: join(chartsDir, `${chart.name}.png`),
      spec: join(chartsDir, `${chart.name}.vl.json`),
    };
    await writeFile(files.svg, r.svg);
    await writeFile(files.png, r.png);
    await writeFile(files.spec, `${JSON.stringify(chart.spec, null, 2)}\n`);
    rendered.push({ chart, svg: r.svg, markCount: r.markCount });
    written.push({ name: chart.name, ...files, markCount: r.markCount });
  }

  const model: ReportModel = { run, charts: rendered };
  const indexHtml = join(outDir, 'index.html');
  const reportMd = join(outDir, 'report.md');
  await writeFile(indexHtml, reportHtml(model, options.scripts ?? (await inlineScripts())));
  await writeFile(reportMd, reportMarkdown(model));
  const omitted = rendered
    .filter((c): c is OmittedChart => 'kind' in c)
    .map((c) => ({ name: c.name, reason: c.reason }));
  return { outDir, indexHtml, reportMd, charts: written, omitted, warnings: run.warnings };
}

/** Writes the browser builds of vega and vega-lite into `dir` as `vega.min.js` and `vega-lite.min.js`. */
export async function writeVegaScripts(dir: string): Promise<{ vega: string; vegaLite: string }> {
  const scripts = await inlineScripts();
  await mkdir(dir, { recursive: true });
  const files = { vega: join(dir, 'vega.min.js'), vegaLite: join(dir, 'vega-lite.min.js') };
  await writeFile(files.vega, scripts.vega);
  await writeFile(files.vegaLite, scripts.vegaLite);
  return files;
}

let cached: InlineScripts | undefined;

/** The browser (UMD) builds that ship next to the ESM entry points of the installed vega and vega-lite. */
async function inlineScripts(): Promise<InlineScripts> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const [vega, vegaLite] = await Promise.all([
    readFile(join(dirname(require.resolve('vega')), 'vega.min.js'), 'utf8'),
    readFile(join(dirname(require.resolve('vega-lite')), 'vega-lite.min.js'), 'utf8'),
  ]);
  cached = { vega, vegaLite };
  return cached;
}
