import { bundledScenarioNames, loadScenario, quickScenario } from '../scenario/scenario-file.js';
import { formatSeconds } from './estimate-duration.js';
import { firstSentence, planScenario } from './plan-run.js';

/** One bundled scenario as `l2bench scenarios` lists it. */
export interface CatalogEntry {
  name: string;
  summary: string;
  variants: number;
  quickSeconds: number;
  fullSeconds: number;
}

/** Every bundled scenario with its first sentence and its estimated duration, quick and full. */
export async function scenarioCatalog(): Promise<CatalogEntry[]> {
  const out: CatalogEntry[] = [];
  for (const name of bundledScenarioNames()) {
    const s = await loadScenario(name);
    const full = planScenario(s, name);
    const quick = planScenario(quickScenario(s), name, { quick: true });
    out.push({
      name,
      summary: firstSentence(s.description),
      variants: full.variants.length,
      quickSeconds: quick.totalSeconds,
      fullSeconds: full.totalSeconds,
    });
  }
  return out;
}

/** The catalog as aligned text lines, shortest full run first. */
export function formatCatalog(entries: readonly CatalogEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.fullSeconds - b.fullSeconds);
  const width = Math.max(...sorted.map((e) => e.name.length));
  const lines = sorted.map(
    (e) =>
      `${e.name.padEnd(width)}  ${`--quick ${formatSeconds(e.quickSeconds)}`.padEnd(15)} ${`full ${formatSeconds(e.fullSeconds)}`.padEnd(11)} ${String(e.variants).padStart(3)} variant${e.variants === 1 ? ' ' : 's'}  ${e.summary}`,
  );
  return [
    ...lines,
    '',
    'Durations are estimates with binaries built (`l2bench plan <name>` shows how); run one with `l2bench run <name> [--quick]`.',
  ].join('\n');
}
