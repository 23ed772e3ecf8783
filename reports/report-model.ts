import type { RunResults } from './load-results.js';
import type { DrawnChart, OmittedChart } from './specs/chart.js';
import { machineText } from './specs/chart.js';

/** A chart after headless rendering: spec, static SVG and the number of data marks drawn. */
export interface RenderedReportChart {
  chart: DrawnChart;
  svg: string;
  markCount: number;
}

/** Everything the HTML and Markdown writers need; both are pure functions of this. */
export interface ReportModel {
  run: Pick<RunResults, 'summary' | 'environment' | 'warnings'>;
  charts: readonly (RenderedReportChart | OmittedChart)[];
}

/** Facts about the run shown at the top of every report, as `[label, value]` pairs. */
export function runFacts(model: ReportModel): [string, string][] {
  const { summary, environment: env } = model.run;
  return [
    ['run', summary.runId],
    ['scenario', summary.scenario],
    ['started', summary.startedAt],
    ['finished', summary.finishedAt ?? 'not finished'],
    ['complete', summary.complete ? 'yes' : 'no (interrupted)'],
    [
      'machine',
      `${machineText(env)}, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, kernel ${env.kernel}, host ${env.hostname}`,
    ],
    [
      'backend',
      env.parallelClusters
        ? `${env.backend}, ${env.parallelClusters} clusters at once (--parallel): figures include their contention`
        : env.backend,
    ],
    ['tools', env.tools.map((t) => `${t.name} ${t.version}`).join(', ') || 'none recorded'],
    ['l2bench', `${env.l2benchVersion} on node ${env.node}`],
    ['% of node', `CPU percentages are of a ${summary.coresK}-core node`],
  ];
}

export function isOmitted(c: RenderedReportChart | OmittedChart): c is OmittedChart {
  return 'kind' in c && c.kind === 'omitted';
}
