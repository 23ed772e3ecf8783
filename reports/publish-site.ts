import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ResultsError } from '../harness/errors.js';
import type { Summary } from '../harness/results/results-schema.js';
import { formatDurationMs, formatInterval } from './format-interval.js';
import { loadResults, type RunResults } from './load-results.js';
import { msg } from './messages.js';
import { renderChart } from './render.js';
import { escapeHtml } from './report-html.js';
import { machineText } from './specs/chart.js';
import { trendSpec } from './specs/trend.js';
import { writeReport, writeVegaScripts } from './write-report.js';

/** One run on the published site. */
export interface PublishedRun {
  id: string;
  sourceDir: string;
  /** Relative to the site root: `runs/<id>/index.html`. */
  href: string;
  scenario: string;
  startedAt: string;
}

/** What {@link publish} wrote. */
export interface PublishedSite {
  outDir: string;
  index: string;
  runs: PublishedRun[];
}

/** A run id made safe as a directory name. */
export function siteId(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'run';
}

/** The figures a run is listed with: the heaviest variant's CPU overhead and failover p95 ranges per fault kind. */
export function headline(summary: Summary): string[] {
  const vs = summary.variants;
  if (vs.length === 0) return ['no finished variant'];
  const load = (v: (typeof vs)[number]) => v.selectedNodes * v.announcedServices;
  const heaviest = [...vs].sort(
    (a, b) =>
      load(b) - load(a) ||
      b.cpu.controlPlaneOverheadMillicores.median - a.cpu.controlPlaneOverheadMillicores.median,
  )[0]!;
  const lines = [
    `CPU overhead ${formatInterval(heaviest.cpu.controlPlaneOverheadMillicores, { unit: 'mCPU' })} at ${heaviest.label}`,
  ];
  const kinds = [...new Set(vs.flatMap((v) => v.failover.map((f) => f.fault)))];
  for (const kind of kinds) {
    const p95s = vs.flatMap((v) =>
      v.failover.filter((f) => f.fault === kind && f.outageMs.p95 !== null).map((f) => f.outageMs.p95!),
    );
    if (p95s.length === 0) continue;
    const [lo, hi] = [Math.min(...p95s), Math.max(...p95s)];
    const range = lo === hi ? formatDurationMs(lo) : `${formatDurationMs(lo)} – ${formatDurationMs(hi)}`;
    lines.push(`${kind} failover p95 ${range} over ${p95s.length} variant${p95s.length === 1 ? '' : 's'}`);
  }
  return lines;
}

/**
 * Publishes runs as a static site: `<outDir>/index.html` shows a trend chart per scenario (each
 * variant's CPU overhead across runs, static SVG) and lists the runs (newest first: scenario, date,
 * machine, headline figures), linking each run's report, written to `runs/<id>/` with copies of its
 * summary.json, environment.json, scenario.yaml and raw samples.jsonl. The reports load vega and
 * vega-lite from one shared copy in `assets/` instead of inlining about 1 MB each.
 * @throws ResultsError when a run cannot be read or two runs share a runId.
 */
export async function publish(runDirs: readonly string[], outDir: string): Promise<PublishedSite> {
  const loaded: { dir: string; run: RunResults; id: string }[] = [];
  for (const dir of runDirs) {
    const run = await loadResults(dir);
    const id = siteId(run.summary.runId);
    const clash = loaded.find((l) => l.id === id);
    if (clash) throw new ResultsError(msg.duplicateRunId(run.summary.runId, clash.dir, dir));
    loaded.push({ dir, run, id });
  }
  loaded.sort((a, b) => b.run.summary.startedAt.localeCompare(a.run.summary.startedAt));
  const runs: PublishedRun[] = [];
  await writeVegaScripts(join(outDir, 'assets'));
  const scripts = { vegaHref: '../../assets/vega.min.js', vegaLiteHref: '../../assets/vega-lite.min.js' };
  for (const { dir, run, id } of loaded) {
    const target = join(outDir, 'runs', id);
    await mkdir(target, { recursive: true });
    await writeReport(dir, { outDir: target, results: run, scripts });
    await copyFile(join(dir, 'samples.jsonl'), join(target, 'samples.jsonl'));
    await writeFile(join(target, 'summary.json'), `${JSON.stringify(run.summary, null, 2)}\n`);
    await writeFile(join(target, 'environment.json'), `${JSON.stringify(run.environment, null, 2)}\n`);
    await copyFile(join(dir, 'scenario.yaml'), join(target, 'scenario.yaml')).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      },
    );
    runs.push({
      id,
      sourceDir: dir,
      href: `runs/${id}/index.html`,
      scenario: run.summary.scenario,
      startedAt: run.summary.startedAt,
    });
  }
  const index = join(outDir, 'index.html');
  await writeFile(
    index,
    siteIndexHtml(
      loaded.map((l) => l.run),
      await trendCharts(loaded.map((l) => l.run)),
    ),
  );
  return { outDir, index, runs };
}

/** One static SVG trend chart per scenario (scenarios in name order); scenarios without an overhead get none. */
async function trendCharts(runs: readonly RunResults[]): Promise<string[]> {
  const scenarios = [...new Set(runs.map((r) => r.summary.scenario))].sort();
  const out: string[] = [];
  for (const scenario of scenarios) {
    const spec = trendSpec(
      scenario,
      runs.filter((r) => r.summary.scenario === scenario).map((r) => r.summary),
    );
    if (!spec) continue;
    const { svg } = await renderChart(spec);
    out.push(`<figure class="trend" data-scenario="${escapeHtml(scenario)}">${svg}</figure>`);
  }
  return out;
}

function siteIndexHtml(runs: readonly RunResults[], trends: readonly string[]): string {
  const rows = runs
    .map((r) => {
      const s = r.summary;
      const id = siteId(s.runId);
      const cells = [
        `<a href="runs/${escapeHtml(id)}/index.html">${escapeHtml(s.runId)}</a><br>` +
          ['report.md', 'summary.json', 'samples.jsonl']
            .map((f) => `<a class="md" href="runs/${escapeHtml(id)}/${f}">${f}</a>`)
            .join(' · '),
        escapeHtml(s.scenario),
        `${escapeHtml(s.startedAt)}${s.complete ? '' : '<br><em>interrupted</em>'}`,
        escapeHtml(machineText(r.environment)),
        String(s.variants.length),
        headline(s).map(escapeHtml).join('<br>'),
      ];
      return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>l2bench results</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } a.md { font-size: 12px; color: #666; }
figure.trend { margin: 1rem 0; } figure.trend svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>l2bench results</h1>
${trends.length > 0 ? `<h2>Trends</h2>\n${trends.join('\n')}\n<h2>Runs</h2>` : ''}
<p>${runs.length} run${runs.length === 1 ? '' : 's'}, newest first. Figures are medians with their interval over repetitions (the range of the values when fewer than 4); failover p95 ranges span the variants of a run. samples.jsonl: every raw sample of the run.</p>
<table>
<thead><tr><th>run</th><th>scenario</th><th>started</th><th>machine</th><th>variants</th><th>headline</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
