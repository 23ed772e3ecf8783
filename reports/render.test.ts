import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopLevelSpec } from 'vega-lite';
import { renderChart } from './render.js';

const spec: TopLevelSpec = {
  title: 'Render check',
  data: {
    values: [
      { x: 1, y: 2, s: 'a' },
      { x: 2, y: 3, s: 'a' },
      { x: 1, y: 1, s: 'b' },
    ],
  },
  layer: [
    {
      mark: 'point',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    },
    {
      mark: 'line',
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        color: { field: 's' },
      },
    },
  ],
};

test('counts drawn marks: one per point, one per line series; axes and legends do not count', async () => {
  const r = await renderChart(spec);
  assert.deepEqual(r.marksByType, { symbol: 3, line: 2 });
  assert.equal(r.markCount, 5);
});

test('returns an SVG with the title text and a PNG rasterised from it', async () => {
  const r = await renderChart(spec, { pngScale: 1 });
  assert.match(r.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(r.svg.includes('>Render check<'));
  assert.deepEqual([...r.png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = r.png.readUInt32BE(16);
  const svgWidth = Number(/width="(\d+)"/.exec(r.svg)?.[1]);
  assert.equal(width, svgWidth, 'PNG at scale 1 is as wide as the SVG');
});
