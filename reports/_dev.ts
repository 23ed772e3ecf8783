import { writeFileSync } from 'node:fs';
import { renderChart } from './render.js';
import { buildCharts } from './specs/build-charts.js';
import { runDataOf, SMALL_RUN, syntheticRun } from './testing/synthetic-run.js';

const data = runDataOf(syntheticRun(SMALL_RUN));
for (const c of buildCharts(data)) {
  if (c.kind === 'omitted') {
    console.log('omitted', c.name, c.reason);
    continue;
  }
  const r = await renderChart(c.spec);
  writeFileSync(`/tmp/l2b/charts/${c.name}.png`, r.png);
  writeFileSync(`/tmp/l2b/charts/${c.name}.svg`, r.svg);
  console.log(c.name, r.markCount, JSON.stringify(r.marksByType), c.caption);
}
