#!/usr/bin/env node
// Runs unit tests (*.test.ts next to the code) and end-to-end tests (test/e2e/*.test.ts) with
// node's own test runner, loading TypeScript through tsx. Node 20's --test takes no globs, so
// the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'results', 'test-artifacts']);
function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const mode = process.argv[2] ?? '--all';
const all = find('.').sort();
const isE2e = (p) => p.startsWith(join('test', 'e2e'));
const files = all.filter((p) => (mode === '--unit' ? !isE2e(p) : mode === '--e2e' ? isE2e(p) : true));
const extra = process.argv.slice(3);
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// e2e tests share one machine's network namespaces and CPU: run those files one at a time. Unit
// test files are independent (fake clocks, temp dirs): two at a time, before the e2e files.
function run(list, concurrency) {
  if (list.length === 0) return 0;
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...extra,
    ...list,
  ];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return r.status ?? 1;
}
const unitStatus = run(
  files.filter((p) => !isE2e(p)),
  2,
);
const e2eStatus = run(files.filter(isE2e), 1);
process.exit(unitStatus || e2eStatus);
