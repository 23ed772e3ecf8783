// Writes scenarios/scenario.schema.json from the zod scenario schema, so editors (the
// yaml-language-server comment at the top of each scenario) validate and complete scenario files.
// harness/scenario/scenario-schema.test.ts fails when the committed file drifts; rerun this to fix it:
//   node --import tsx scripts/write-scenario-schema.ts
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scenarioJsonSchema, scenariosDir } from '../harness/scenario/scenario-file.js';

const file = join(scenariosDir, 'scenario.schema.json');
await writeFile(file, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
