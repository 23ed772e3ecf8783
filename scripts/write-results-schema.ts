// Writes docs/summary.schema.json from the zod Summary schema (harness/run/results-schema.ts), for
// whoever reads summary.json outside l2bench. harness/results/results-schema.test.ts fails when the
// committed file drifts; rerun this to fix it:
//   node --import tsx scripts/write-results-schema.ts
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../harness/paths.js';
import { summaryJsonSchema } from '../harness/results/results-json-schema.js';

const file = join(repoRoot, 'docs', 'summary.schema.json');
await writeFile(file, `${JSON.stringify(summaryJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
