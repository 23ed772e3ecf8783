import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A chart drawn headless: static SVG, PNG, and how many data marks the scenegraph holds. */
export interface RenderedChart {
  svg: string;
  png: Buffer;
  /** Data marks drawn (see {@link countMarks}): what a test asserts was drawn. */
  markCount: number;
  /** The same, per mark type (`symbol`, `line`, `rect`, …). */
  marksByType: Record<string, number>;
}

export interface RenderOptions {
  /** PNG pixels per SVG pixel (default 2, readable on high-density screens). */
  pngScale?: number;
}

/** The font resvg falls back to for vega's default `sans-serif`; DejaVu ships with Debian's fonts-dejavu-core. */
const SANS = 'DejaVu Sans';

/**
 * Compiles a vega-lite spec, runs it in a headless vega View (no canvas, no DOM), and returns the SVG,
 * a PNG rasterised by resvg with the system fonts, and the number of marks drawn.
 */
export async function renderChart(spec: TopLevelSpec, options: RenderOptions = {}): Promise<RenderedChart> {
  const { spec: vgSpec } = compile(spec);
  const view = new View(parse(vgSpec), { renderer: 'none', logLevel: 1 /* warn */ });
  try {
    await view.runAsync();
    const svg = await view.toSVG();
    const marksByType = countMarks((view.scenegraph() as unknown as { root: unknown }).root);
    const markCount = Object.values(marksByType).reduce((a, b) => a + b, 0);
    const png = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: options.pngScale ?? 2 },
      font: { loadSystemFonts: true, defaultFontFamily: SANS, sansSerifFamily: SANS },
    })
      .render()
      .asPng();
    return { svg, png, markCount, marksByType };
  } finally {
    view.finalize();
  }
}

interface SceneNode {
  marktype?: string;
  role?: string;
  items?: SceneNode[];
}

/** Marks drawn as one shape for all their items (one SVG path per series). */
const CONNECTED = new Set(['line', 'area', 'trail']);

/**
 * Counts drawn data marks in a vega scenegraph, descending into groups (facets, layers): one per
 * item, except line/area/trail marks, which draw one shape per series. This is the number of
 * elements vega's SVG renderer puts into `g.role-mark` groups, so a browser test can compare.
 */
export function countMarks(root: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  const visit = (node: SceneNode) => {
    if (node.marktype && node.marktype !== 'group' && node.role === 'mark') {
      const n = node.items?.length ?? 0;
      const drawn = CONNECTED.has(node.marktype) ? Math.min(1, n) : n;
      counts[node.marktype] = (counts[node.marktype] ?? 0) + drawn;
      return;
    }
    for (const child of node.items ?? []) visit(child);
  };
  visit(root as SceneNode);
  return counts;
}
