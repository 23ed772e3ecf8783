/**
 * `npm run bench -- <name> [args]` runs one benchmark (`bench/<name>.ts`); without a name it lists
 * them with the first line of each one's description. Benchmarks print figures; none is a test.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  for (const n of names) {
    const doc = readFileSync(join(here, `${n}.ts`), 'utf8').match(/\/\*\*\s*\n\s*\*\s*(.+)/)?.[1] ?? '';
    console.log(`${n.padEnd(22)} ${doc}`);
  }
  process.exit(0);
}
if (!names.includes(name)) {
  console.error(`bench: no benchmark "${name}"; one of: ${names.join(', ')}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`), ...args], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
