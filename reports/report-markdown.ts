import { CALIBRATION_TABLE_NOTE, calibrationTable } from './calibration-table.js';
import { reportAnswer } from './report-answer.js';
import { isOmitted, type ReportModel, runFacts } from './report-model.js';
import { REFERENCE_STRATEGY, STRATEGY_TABLE_NOTE, strategyComparisonTable } from './strategy-table.js';
import { type TextTable, variantTable } from './variant-table.js';

/** A GitHub-flavoured Markdown table; pipes and line breaks inside cells are escaped. */
export function markdownTable(table: TextTable): string {
  const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ') || ' ';
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const lines = [line(table.columns), line(table.columns.map(() => '---')), ...table.rows.map(line)];
  // Markdown footnotes need an extension; a numbered list under the table reads the same everywhere.
  if (table.footnotes?.length) lines.push('', ...table.footnotes.map((n, i) => `${i + 1}. ${n}`));
  return lines.join('\n');
}

/** `report.md`: facts, warnings, the variant table, then each chart as `![…](charts/<name>.png)` with its caption. */
export function reportMarkdown(model: ReportModel): string {
  const { summary } = model.run;
  const out: string[] = [`# l2bench report: ${summary.scenario}`, ''];
  const answer = reportAnswer(summary);
  out.push(`**${answer.question}**`, '');
  for (const l of answer.lines) out.push(`- ${l.text}`, ...(l.list ?? []).map((i) => `  - ${i}`));
  out.push('');
  out.push(markdownTable({ columns: ['', ''], rows: runFacts(model) }), '');
  for (const w of model.run.warnings) out.push(`> **Note:** ${w}`, '');
  out.push('## Variants', '');
  out.push(
    summary.variants.length === 0
      ? 'No variant finished in this run.'
      : markdownTable(variantTable(summary.variants, summary.coresK)),
    '',
  );
  const strategies = strategyComparisonTable(summary.variants);
  if (strategies)
    out.push(
      `## Strategies against ${REFERENCE_STRATEGY}`,
      '',
      STRATEGY_TABLE_NOTE,
      '',
      markdownTable(strategies),
      '',
    );
  const calibration = calibrationTable(summary.variants);
  if (calibration)
    out.push(
      '## Prediction from the in-run calibration',
      '',
      CALIBRATION_TABLE_NOTE,
      '',
      markdownTable(calibration),
      '',
    );
  out.push('## Charts', '');
  for (const c of model.charts) {
    if (isOmitted(c)) {
      out.push(`### ${c.title}`, '', c.reason, '');
    } else {
      out.push(
        `### ${c.chart.title}`,
        '',
        `![${c.chart.title}](charts/${c.chart.name}.png)`,
        '',
        `*${c.chart.caption}*`,
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
