import { z } from 'zod';
import { Summary } from './results-schema.js';

/**
 * The JSON Schema of summary.json, generated from its zod schema (the output side: what l2bench
 * writes). Committed as docs/summary.schema.json by scripts/write-results-schema.ts.
 */
export function summaryJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Summary, { io: 'output', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'l2bench summary.json',
    description:
      'Generated from harness/run/results-schema.ts by scripts/write-results-schema.ts; do not edit. ' +
      'formatVersion 1; files without formatVersion are version 1.',
  };
}
