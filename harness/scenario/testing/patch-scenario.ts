import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ScenarioError } from '../../errors.js';
import { parseScenario } from '../scenario-file.js';

/** Scenario-test helpers: a minimal scenario, patched and parsed, and the one-line errors it gives. */
export const SOURCE = 'scenarios/x.yaml';
export const MINIMAL = { name: 'x', nodes: { count: 3 }, services: { announced: 5 } };

/** Parses MINIMAL with `patch` merged one level deep (enough for these tests). */
export function parseWith(patch: Record<string, unknown>) {
  const doc: Record<string, unknown> = { ...MINIMAL };
  for (const [key, value] of Object.entries(patch)) {
    const base = doc[key];
    doc[key] =
      value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object'
        ? { ...base, ...value }
        : value;
  }
  return parseScenario(stringify(doc), SOURCE);
}

export function messageOf(patch: Record<string, unknown>): string {
  try {
    parseWith(patch);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, `expected ScenarioError, got ${String(err)}`);
    // One line per problem, each naming the file.
    for (const line of err.message.split('\n')) assert.ok(line.startsWith(`${SOURCE}`), line);
    return err.message;
  }
  assert.fail('expected the scenario to be rejected');
}
