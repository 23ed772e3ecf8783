import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownTable, reportMarkdown } from './report-markdown.js';
import type { ReportModel } from './report-model.js';
import { SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';

test('table cells escape pipes and line breaks, and empty cells stay cells', () => {
  const md = markdownTable({
    columns: ['a', 'b'],
    rows: [
      ['x | y', 'line\nbreak'],
      ['', 'z'],
    ],
  });
  assert.equal(md, ['| a | b |', '| --- | --- |', '| x \\| y | line break |', '|   | z |'].join('\n'));
});

test('report.md: facts, notes, variant table, charts as relative PNG links with captions, omissions as text', () => {
  const { summary, environment } = syntheticRun(SMALL_RUN);
  const model: ReportModel = {
    run: { summary, environment, warnings: ['something was tolerated'] },
    charts: [
      {
        chart: {
          kind: 'chart',
          name: 'c1',
          title: 'Chart one',
          caption: 'What c1 shows.',
          spec: {} as never,
        },
        svg: '<svg/>',
        markCount: 3,
      },
      { kind: 'omitted', name: 'c2', title: 'Chart two', reason: 'Chart two: not drawn, because reasons.' },
    ],
  };
  const md = reportMarkdown(model);
  assert.ok(md.startsWith(`# l2bench report: ${summary.scenario}\n`));
  assert.ok(md.includes('> **Note:** something was tolerated'));
  assert.ok(md.includes('| variant | N × M (services × nodes) |'));
  // Opens with the question and its answer, computed from the summary.
  assert.ok(md.includes('**What does small cost the control plane'), md.slice(0, 400));
  assert.ok(md.indexOf('Against the dearest variant') < md.indexOf('## Variants'));
  // The variant with a note gets a footnote under the table, not a notes column.
  assert.match(md, /\n1\. .*never recovered/);
  assert.equal((md.match(/^\| 3 nodes|^\| 5 nodes/gm) ?? []).length, summary.variants.length);
  assert.ok(md.includes('![Chart one](charts/c1.png)\n\n*What c1 shows.*'));
  assert.ok(md.includes('### Chart two\n\nChart two: not drawn, because reasons.'));
  assert.ok(!md.includes('charts/c2.png'));
});
