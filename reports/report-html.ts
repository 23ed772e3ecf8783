import { CALIBRATION_TABLE_NOTE, calibrationTable } from './calibration-table.js';
import { reportAnswer } from './report-answer.js';
import { isOmitted, type ReportModel, runFacts } from './report-model.js';
import { REFERENCE_STRATEGY, STRATEGY_TABLE_NOTE, strategyComparisonTable } from './strategy-table.js';
import { type TextTable, variantTable } from './variant-table.js';

/** The browser builds of vega and vega-lite, inlined so the page works offline and from file://. */
export interface InlineScripts {
  vega: string;
  vegaLite: string;
}

/** Where a page finds vega and vega-lite instead: URLs relative to the page (a published site shares one copy). */
export interface LinkedScripts {
  vegaHref: string;
  vegaLiteHref: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Makes text safe inside a <script> element: no `</script`, no `<!--` (HTML would end or alter the element there). */
export function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function htmlTable(table: TextTable, className: string): string {
  const head = table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const nowrap = new Set(table.nowrap ?? []);
  const td = (c: string, i: number) =>
    `<td${nowrap.has(i) ? ' class="nw"' : ''}>${escapeHtml(c).replace(/ · /g, '<br>').replace(/; /g, ';<br>&emsp;')}</td>`;
  const body = table.rows.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('\n');
  const notes = table.footnotes?.length
    ? `\n<ol class="footnotes">${table.footnotes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ol>`
    : '';
  return `<div class="scroll"><table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${notes}`;
}

/**
 * Replaces each static chart with a live vega view (tooltips, legend selection). The static SVG stays
 * when scripts are off or a chart fails; `data-interactive` says which happened, and
 * `body[data-rendered]` tells tests the loop has finished.
 */
const RENDER_SCRIPT = `
(async () => {
  const specs = JSON.parse(document.getElementById('l2bench-specs').textContent);
  for (const fig of document.querySelectorAll('figure.chart')) {
    const spec = specs[fig.dataset.chart];
    const target = fig.querySelector('.vis');
    if (!spec || !target) continue;
    try {
      const compiled = vegaLite.compile(spec).spec;
      const live = document.createElement('div');
      const view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: live, hover: true });
      await view.runAsync();
      target.replaceChildren(live);
      fig.dataset.interactive = 'true';
    } catch (err) {
      fig.dataset.interactive = 'false';
      console.error('l2bench: chart ' + fig.dataset.chart + ' could not be drawn interactively: ' + err);
    }
  }
  document.body.dataset.rendered = 'true';
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1400px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .5rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: .8rem 0; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.nw { white-space: nowrap; }
table.variants td:nth-child(6), table.variants td:nth-child(7) { min-width: 15rem; } div.scroll { overflow-x: auto; }
ol.footnotes { font-size: 13px; color: #333; margin-top: 0; }
section.answer { background: #f3f7fb; border-left: 4px solid #4c78a8; padding: .5rem 1rem; margin: 1rem 0; max-width: 1100px; }
section.answer p.question { font-weight: 600; margin: .3rem 0; } section.answer li { margin: .25rem 0; }
.note { background: #fff7e0; border-left: 4px solid #e0b000; padding: .4rem .8rem; margin: .5rem 0; }
figure.chart { margin: 1.5rem 0; } figure.chart .vis svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 13px; max-width: 900px; }
p.omitted { color: #555; font-style: italic; }
`;

function scriptTags(scripts: InlineScripts | LinkedScripts): string {
  if ('vegaHref' in scripts)
    return `<script src="${escapeHtml(scripts.vegaHref)}"></script>\n<script src="${escapeHtml(scripts.vegaLiteHref)}"></script>`;
  return `<script>${scriptSafe(scripts.vega)}</script>\n<script>${scriptSafe(scripts.vegaLite)}</script>`;
}

/** `index.html`: facts, notes, variant table, and every chart as inline SVG plus its spec for live rendering. */
export function reportHtml(model: ReportModel, scripts: InlineScripts | LinkedScripts): string {
  const { summary } = model.run;
  const facts = htmlTable({ columns: ['', ''], rows: runFacts(model) }, 'facts').replace(
    /<thead>.*?<\/thead>/,
    '',
  );
  const answer = reportAnswer(summary);
  const answerHtml = [
    '<section class="answer" id="answer">',
    `<p class="question">${escapeHtml(answer.question)}</p>`,
    '<ul>',
    ...answer.lines.map(
      (l) =>
        `<li>${escapeHtml(l.text)}${l.list ? `<ul>${l.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : ''}</li>`,
    ),
    '</ul>',
    '</section>',
  ].join('\n');
  const notes = model.run.warnings.map((w) => `<p class="note">${escapeHtml(w)}</p>`).join('\n');
  const variants =
    summary.variants.length === 0
      ? '<p>No variant finished in this run.</p>'
      : htmlTable(variantTable(summary.variants, summary.coresK), 'variants');
  const strategies = strategyComparisonTable(summary.variants);
  const strategySection = strategies
    ? `<h2>Strategies against ${REFERENCE_STRATEGY}</h2>\n<p>${escapeHtml(STRATEGY_TABLE_NOTE)}</p>\n${htmlTable(strategies, 'strategies')}`
    : '';
  const calibration = calibrationTable(summary.variants);
  const calibrationSection = calibration
    ? `<h2>Prediction from the in-run calibration</h2>\n<p>${escapeHtml(CALIBRATION_TABLE_NOTE)}</p>\n${htmlTable(calibration, 'calibration')}`
    : '';
  const specs: Record<string, unknown> = {};
  const charts = model.charts
    .map((c) => {
      if (isOmitted(c))
        return `<h3>${escapeHtml(c.title)}</h3>\n<p class="omitted" data-omitted="${c.name}">${escapeHtml(c.reason)}</p>`;
      specs[c.chart.name] = c.chart.spec;
      return [
        `<h3>${escapeHtml(c.chart.title)}</h3>`,
        `<figure class="chart" id="chart-${c.chart.name}" data-chart="${c.chart.name}" data-marks="${c.markCount}">`,
        `<div class="vis">${c.svg}</div>`,
        `<figcaption>${escapeHtml(c.chart.caption)}</figcaption>`,
        '</figure>',
      ].join('\n');
    })
    .join('\n');
  const title = `l2bench report: ${summary.scenario}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} (${escapeHtml(summary.runId)})</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${answerHtml}
${facts}
${notes}
<h2>Variants</h2>
${variants}
${strategySection}
${calibrationSection}
<h2>Charts</h2>
${charts}
<script type="application/json" id="l2bench-specs">${JSON.stringify(specs).replace(/</g, '\\u003c')}</script>
${scriptTags(scripts)}
<script>${RENDER_SCRIPT}</script>
</body>
</html>
`;
}
