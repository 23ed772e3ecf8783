import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioError } from '../errors.js';
import { repoRoot } from '../paths.js';
import { didYouMean } from '../util/did-you-mean.js';
import { formatIssues } from './scenario-issues.js';
import { scenarioRules, UNSWEEPABLE_PATHS } from './scenario-rules.js';
import { type Scenario, ScenarioFields } from './scenario-schema.js';
import { scalarPaths } from './schema-path.js';

/** The scenario file format. Cross-field rules live in scenario-rules.ts. */
export const ScenarioSchema = ScenarioFields.superRefine(
  (scenario, ctx) => scenarioRules(scenario, ctx, ScenarioFields),
  {
    // Rules compare fields, so they need every field valid; out-of-range values would repeat as rule errors.
    when: (payload) => payload.issues.length === 0,
  },
);

/** Validates an already-parsed document; throws one ScenarioError naming `source`. */
export function validateScenario(document: unknown, source: string): Scenario {
  const result = ScenarioSchema.safeParse(document, { reportInput: true });
  if (!result.success) throw new ScenarioError(formatIssues(source, result.error.issues, ScenarioFields));
  return result.data;
}

/**
 * Parses scenario YAML, applies `--set` overrides, validates. Throws one ScenarioError listing
 * every problem, one line each: `<source>: <problem, its value and the fix>`.
 */
export function parseScenario(text: string, source: string, settings: readonly string[] = []): Scenario {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const where = yamlError.linePos?.[0];
    const at = where ? `:${where.line}:${where.col}` : '';
    // prettyErrors adds " at line L, column C:" and a code excerpt; the position is already in `at`.
    const firstLine = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:$/, '');
    throw new ScenarioError(`${source}${at}: invalid YAML: ${firstLine}`, { cause: yamlError });
  }
  let document: unknown;
  try {
    // maxAliasCount bounds alias expansion: a "billion laughs" file is refused, not expanded.
    document = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? String(err);
    throw new ScenarioError(
      `${source}: invalid YAML: ${reason}: write the values out instead of nesting aliases`,
      {
        cause: err,
      },
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new ScenarioError(
      `${source}: a scenario must be a YAML map with at least name, nodes and services`,
    );
  }
  for (const setting of settings) applySetting(document as Record<string, unknown>, setting);
  return validateScenario(document, settings.length > 0 ? `${source} (with --set)` : source);
}

/**
 * `--set path=value`: the value (read as YAML, so `5`, `true`, `15s`, `sharded:8`) at a dotted
 * path a sweep could vary. An unknown path is refused with the closest known ones; the value is
 * checked by the schema like any other.
 */
export function applySetting(document: Record<string, unknown>, setting: string): void {
  const eq = setting.indexOf('=');
  if (eq <= 0)
    throw new ScenarioError(`--set '${setting}': write it as path=value, e.g. services.announced=10`);
  const path = setting.slice(0, eq).trim();
  const known = sweepablePaths();
  if (!known.includes(path)) {
    const close = didYouMean(path, known);
    const hint = close.length > 0 ? `did you mean ${close.join(', ')}?` : `known: ${known.join(', ')}`;
    throw new ScenarioError(`--set '${setting}': ${path} is not a scenario field (${hint})`);
  }
  const value: unknown = parseYaml(setting.slice(eq + 1));
  const keys = path.split('.');
  let node: Record<string, unknown> = document;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    // The one-word strategy (`sharded:8`) is a map in disguise; a deeper --set replaces it.
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

/** Directory of the bundled scenarios. */
export const scenariosDir: string = join(repoRoot, 'scenarios');

/** Names of the bundled scenarios (`scenarios/*.yaml`), sorted. */
export function bundledScenarioNames(): string[] {
  return readdirSync(scenariosDir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Reads and parses a scenario: a path (anything with a `/` or a `.yaml`/`.yml` suffix) or the
 * bare name of a bundled scenario (`seed-homelab` → `scenarios/seed-homelab.yaml`). A bundled
 * name that does not exist is refused with the closest names. `settings` are `--set path=value`.
 */
export async function loadScenario(
  pathOrBundledName: string,
  settings: readonly string[] = [],
): Promise<Scenario> {
  const isPath = pathOrBundledName.includes('/') || /\.ya?ml$/.test(pathOrBundledName);
  const file = isPath ? resolve(pathOrBundledName) : join(scenariosDir, `${pathOrBundledName}.yaml`);
  const rel = relative(process.cwd(), file);
  const source = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    if (!isPath && code === 'ENOENT') {
      const names = bundledScenarioNames();
      const close = didYouMean(pathOrBundledName, names);
      const hint = close.length > 0 ? `did you mean ${close.join(', ')}? ` : '';
      throw new ScenarioError(
        `no bundled scenario '${pathOrBundledName}': ${hint}(bundled: ${names.join(', ')}; or give a path to a YAML file)`,
        { cause: err },
      );
    }
    const hint = isPath
      ? ''
      : ` (a bundled name: the file ${join('scenarios', `${pathOrBundledName}.yaml`)})`;
    throw new ScenarioError(`cannot read scenario ${pathOrBundledName}${hint}: ${code}`, { cause: err });
  }
  return parseScenario(text, source, settings);
}

/**
 * `--quick`: the same scenario with short windows and one trial per fault kind, for a smoke run,
 * and the scenario's `quickSweep` (a smaller sweep) in place of `sweep` when it has one.
 * Only shrinks (a scenario already shorter keeps its values) and re-validates. Probe limits stay:
 * they bound a trial, they do not set its length.
 */
export function quickScenario(scenario: Scenario): Scenario {
  const quick = {
    ...scenario,
    ...(scenario.quickSweep ? { sweep: scenario.quickSweep } : {}),
    measurement: {
      ...scenario.measurement,
      warmupSeconds: Math.min(scenario.measurement.warmupSeconds, 5),
      // Never shorter than two retry periods, which the rules require to see steady traffic; 16 s
      // rather than 15 s: a whole number of the usual renew periods (0.5, 1, 2, 4 s), so in-phase
      // renewals do not alias (harness/scenario/window-aliasing.ts).
      windowSeconds: Math.min(
        scenario.measurement.windowSeconds,
        Math.max(16, (2 * scenario.announcer.retryPeriodMs) / 1000),
      ),
      repetitions: Math.min(scenario.measurement.repetitions, 2),
    },
    faults: {
      ...scenario.faults,
      trialsPerKind: 1,
      settleSeconds: Math.min(scenario.faults.settleSeconds, 5),
    },
  };
  return validateScenario(quick, `${scenario.name} (--quick)`);
}

/** The dotted paths a sweep may vary: every scalar field except name, sweep and sweepMode. */
export function sweepablePaths(): string[] {
  return scalarPaths(ScenarioFields).filter((path) => !UNSWEEPABLE_PATHS.has(path));
}

/** The JSON Schema of the scenario file (input side: what editors should accept). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFields, { io: 'input', unrepresentable: 'any' });
  // Offer the sweepable paths to editors; zod cannot express "a key that is a path of this schema".
  const sweep = (schema.properties as Record<string, Record<string, unknown>> | undefined)?.sweep;
  if (sweep) sweep.propertyNames = { enum: sweepablePaths() };
  return {
    ...schema,
    title: 'l2bench scenario',
    description:
      'Generated from harness/scenario/scenario-schema.ts by scripts/write-scenario-schema.ts; do not edit. ' +
      'Cross-field rules (e.g. renewDeadline < leaseDuration) are checked by l2bench, not by this schema.',
  };
}
