import { ScenarioError } from '../harness/errors.js';
import { summaryCsv, summaryOpenMetrics } from './export-metrics.js';
import { loadResults } from './load-results.js';

export const EXPORT_FORMATS = ['csv', 'openmetrics'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `l2bench export <run> --format csv|openmetrics`: the run's summary in that format, as text. */
export async function exportRun(dir: string, format: string): Promise<string> {
  const f = EXPORT_FORMATS.find((x) => x === format);
  if (!f) throw new ScenarioError(`--format ${format}: use one of ${EXPORT_FORMATS.join(', ')}`);
  const { summary } = await loadResults(dir);
  return f === 'csv' ? summaryCsv(summary) : summaryOpenMetrics(summary);
}
