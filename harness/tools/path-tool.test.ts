import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findOnPath } from './path-tool.js';

const dir = mkdtempSync(join(tmpdir(), 'l2b-path-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeKind(sub: string, version: string): string {
  mkdirSync(join(dir, sub));
  const path = join(dir, sub, 'kind');
  writeFileSync(path, `#!/bin/sh\necho 'kind ${version} go1.24.6 linux/amd64'\n`);
  chmodSync(path, 0o755);
  return join(dir, sub);
}

test('kind on PATH: the first of the pinned minor release wins; others are skipped with a note', async () => {
  const old = fakeKind('old', 'v0.20.0');
  const patch = fakeKind('patch', 'v0.30.1');
  const notes: string[] = [];
  const found = await findOnPath('kind', { PATH: `${join(dir, 'none')}:${old}:${patch}` }, (l) =>
    notes.push(l),
  );
  assert.deepEqual(found, { path: join(patch, 'kind'), version: 'v0.30.1' });
  assert.deepEqual(notes, [`kind: skipping ${join(old, 'kind')} (reports v0.20.0; the pin is v0.30.0)`]);
  assert.equal(await findOnPath('kind', { PATH: old }), undefined);
});
