import type { z } from 'zod';
import { objectKeysAt } from './schema-path.js';

/** `a.b.c`, with array indices as `a.b[0]`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    // Sweep keys are dotted paths themselves; brackets keep them one segment.
    else if (String(key).includes('.')) text += `[${JSON.stringify(String(key))}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(top level)' : text;
}

/** A value as it appears in a message: numbers bare, strings quoted, the rest as JSON. */
export function showValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

/** zod's type names in YAML words. */
const EXPECTED: Record<string, string> = {
  object: 'a map',
  record: 'a map',
  array: 'a list',
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
};

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

function limitText(issue: { origin?: string; inclusive?: boolean }, limit: unknown, big: boolean): string {
  const bound = String(limit);
  if (issue.origin === 'array' || issue.origin === 'set') {
    return big ? `must have at most ${bound} entries` : `must have at least ${bound} entries`;
  }
  if (issue.origin === 'string') {
    return big ? `must be at most ${bound} characters` : `must be at least ${bound} characters`;
  }
  if (big) return issue.inclusive === false ? `must be below ${bound}` : `must be at most ${bound}`;
  return issue.inclusive === false ? `must be above ${bound}` : `must be at least ${bound}`;
}

/**
 * One zod issue as one or more one-line messages naming the field, the value and the limit.
 * `schema` is consulted only for unknown fields, to list the known ones.
 */
export function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string[] {
  const field = dottedPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeysAt(schema, issue.path, input).join(', ');
      return issue.keys.map((key) => {
        const where = dottedPath([...issue.path, key]);
        return `unknown field ${where}: remove it or check spelling (known: ${known})`;
      });
    }
    case 'invalid_type': {
      if (input === undefined) return [`${field} is required`];
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.expected === 'int' && typeof input === 'number')
        return [`${field} (${input}) must be ${expected}`];
      const hint =
        issue.expected === 'string' && (typeof input === 'boolean' || typeof input === 'number')
          ? `: quote it ("${String(input)}")`
          : '';
      return [`${field} (${showValue(input)}) must be ${expected}, not ${typeName(input)}${hint}`];
    }
    case 'too_big':
      return [`${field} (${showValue(input)}) ${limitText(issue, issue.maximum, true)}`];
    case 'too_small':
      return [`${field} (${showValue(input)}) ${limitText(issue, issue.minimum, false)}`];
    case 'invalid_value':
      return [`${field} (${showValue(input)}) must be one of ${issue.values.map(String).join(', ')}`];
    case 'invalid_union': {
      const detail = issue as { note?: string; options?: unknown[]; errors?: z.core.$ZodIssue[][] };
      // A field of several forms (a strategy map or its word): report the form the value was written in.
      const written = (detail.errors ?? []).filter(
        (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (written.length === 1) {
        return written[0]!.flatMap((nested) =>
          describeIssue({ ...nested, path: [...issue.path, ...nested.path] }, schema),
        );
      }
      if (detail.note === 'No matching discriminator') {
        const options = detail.options ?? [];
        const value = (input as Record<string, unknown> | undefined)?.[String(issue.path.at(-1))];
        return [`${field} (${showValue(value)}) must be one of ${options.map(String).join(', ')}`];
      }
      const sep = issue.message.startsWith('must ') ? ' ' : ': ';
      return [`${field} (${showValue(input)})${sep}${issue.message}`];
    }
    case 'invalid_key': {
      // A record key that fails its pattern: the nested issue carries our message.
      const nested = issue.issues[0]?.message ?? issue.message;
      return [`${dottedPath(issue.path.slice(0, -1))} key ${showValue(input)} ${nested}`];
    }
    case 'invalid_format':
      return [`${field} (${showValue(input)}) ${issue.message}`];
    case 'custom':
      // Our own rules already name their fields, values and fixes.
      return [issue.message];
    default:
      return [`${field} (${showValue(input)}): ${issue.message}`];
  }
}

/**
 * Every issue, one line each: `<source>: <message>`, in the order to fix them. All at once, so an
 * author fixes a file in one pass instead of one error per run.
 */
export function formatIssues(source: string, issues: readonly z.core.$ZodIssue[], schema: z.ZodType): string {
  const messages = issues.flatMap((issue) => describeIssue(issue, schema));
  if (messages.length === 0) return `${source}: invalid scenario`;
  return [...new Set(messages)].map((m) => `${source}: ${m}`).join('\n');
}
