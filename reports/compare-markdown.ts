import { differenceText, type RunComparison, type RunRef } from './compare-runs.js';
import { formatDurationMs, formatRelative, formatValue } from './format-interval.js';
import { markdownTable } from './report-markdown.js';

const VERDICT: Record<string, string> = {
  changed: '**changed beyond noise**',
  'within noise': 'within noise',
  'too few values': 'too few values to tell',
};

function runLine(role: string, r: RunRef): string {
  return `- ${role}: \`${r.runId}\` (${r.scenario}, started ${r.startedAt}; ${r.machine}) — ${r.dir}`;
}

/** The comparison as GitHub-flavoured Markdown: runs, one aligned table per candidate, gate results. */
export function comparisonMarkdown(c: RunComparison): string {
  const out: string[] = ['# l2bench compare', '', runLine('baseline', c.baseline)];
  for (const p of c.pairs) out.push(runLine('candidate', p.candidate));
  out.push(
    '',
    'Differences are candidate − baseline with a 95% bootstrap interval (per-repetition windows; trials for failover); ' +
      '"changed beyond noise" means the interval excludes 0.',
    '',
  );
  for (const p of c.pairs) {
    out.push(`## ${p.candidate.runId} vs ${c.baseline.runId}`, '');
    for (const n of p.notes) out.push(`> **Note:** ${n}`, '');
    const rows = p.variants.flatMap((v) =>
      v.metrics.map((m) => {
        const fmt = (x: number) => (m.unit === 'ms' ? formatDurationMs(x) : formatValue(x, m.unit));
        return [
          v.label,
          m.metric,
          `${fmt(m.baseline.value)} (n=${m.baseline.n})`,
          `${fmt(m.candidate.value)} (n=${m.candidate.n})`,
          differenceText(m).replace(/^difference /, ''),
          formatRelative(m.relative),
          VERDICT[m.verdict] ?? m.verdict,
        ];
      }),
    );
    out.push(
      rows.length === 0
        ? 'No variant of the two runs matches (variants match by label and params).'
        : markdownTable({
            columns: [
              'variant',
              'metric',
              'baseline',
              'candidate',
              'difference [95% CI]',
              'relative',
              'verdict',
            ],
            rows,
          }),
      '',
    );
    if (p.onlyInBaseline.length > 0) out.push(`Only in the baseline: ${p.onlyInBaseline.join('; ')}.`, '');
    if (p.onlyInCandidate.length > 0) out.push(`Only in the candidate: ${p.onlyInCandidate.join('; ')}.`, '');
  }
  if (c.gates.length > 0) {
    out.push('## Gates', '');
    for (const g of c.gates) {
      if (g.violations.length === 0) out.push(`- pass: \`${g.expr}\` (${g.checked} variant metrics checked)`);
      for (const v of g.violations) out.push(`- **FAIL**: ${v}`);
      for (const w of g.withinNoise) out.push(`- within noise, not failed: ${w}`);
    }
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
