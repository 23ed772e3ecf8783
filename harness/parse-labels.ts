import { ScenarioError } from './errors.js';

const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Parses `k=v` label flags into a record; one-line ScenarioError naming the flag and the fix. */
export function parseLabels(items: readonly string[], flag = '--label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new ScenarioError(`${flag} '${item}' is not key=value: write it as e.g. homelab/role=worker`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (!KEY.test(key) || key.length > 316)
      throw new ScenarioError(`${flag} '${item}': '${key}' is not a valid label key`);
    if (!VALUE.test(value) || value.length > 63) {
      throw new ScenarioError(
        `${flag} '${item}': '${value}' is not a valid label value (63 chars of [A-Za-z0-9_.-])`,
      );
    }
    out[key] = value;
  }
  return out;
}
