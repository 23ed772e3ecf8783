import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../paths.js';
import { AGENT_NODE_FLAGS, bundledScriptFile } from './bundle.js';
import { IMAGE_PATHS } from './images.js';

test('the announcer image runs the bundle with the same node flags as every other backend', () => {
  const dockerfile = readFileSync(join(repoRoot, 'announcer', 'Dockerfile'), 'utf8');
  const line = dockerfile.split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  assert.ok(line, 'announcer/Dockerfile has an ENTRYPOINT');
  assert.deepEqual(JSON.parse(line.slice('ENTRYPOINT '.length)), [
    IMAGE_PATHS.node,
    ...AGENT_NODE_FLAGS,
    IMAGE_PATHS.announcer,
  ]);
});

test('bundledScriptFile writes a content-named bundle that plain node runs, with its imports inlined', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-bundle-test-'));
  try {
    const lib = join(dir, 'lib.ts');
    const entry = join(dir, 'entry.ts');
    writeFileSync(lib, "export const greet = (n: string): string => 'hello ' + n;\n");
    writeFileSync(entry, "import { greet } from './lib.js';\nprocess.stdout.write(greet('bundle'));\n");
    const file = await bundledScriptFile(entry, join(dir, 'out'));
    assert.match(basename(file), /^entry-[0-9a-f]{12}\.mjs$/);
    assert.equal(await bundledScriptFile(entry, join(dir, 'out')), file, 'same text, same name');
    rmSync(lib);
    const out = execFileSync(process.execPath, [...AGENT_NODE_FLAGS, file], { encoding: 'utf8' });
    assert.equal(out, 'hello bundle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
