import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadResults, type RunResults } from './load-results.js';
import { renderChart } from './render.js';
import { type InlineScripts, reportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';
import type { RenderedReportChart, ReportModel } from './report-model.js';
import { buildCharts } from './specs/build-charts.js';
import type { OmittedChart } from './specs/chart.js';

export interface WriteReportOptions {
  /** Where to write (default: the run directory itself). */
  outDir?: string;
  /** The run, when the caller has already loaded it (publish does). */
  results?: RunResults;
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
 * Reads a run directory and writes its report: `index.html` (self-contained: static SVGs inline,
 * vega and vega-lite inlined to redraw them interactively), `report.md` (GitHub-flavoured, images
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
  await writeFile(indexHtml, reportHtml(model, await inlineScripts()));
  await writeFile(reportMd, reportMarkdown(model));
  const omitted = rendered
    .filter((c): c is OmittedChart => 'kind' in c)
    .map((c) => ({ name: c.name, reason: c.reason }));
  return { outDir, indexHtml, reportMd, charts: written, omitted, warnings: run.warnings };
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
