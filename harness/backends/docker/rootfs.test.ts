import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assembleRootfs, parseLdd, treeHash } from './rootfs.js';

test('parseLdd keeps library paths and the loader, skips the vDSO', () => {
  const text = [
    '\tlinux-vdso.so.1 (0x00007ffd5a1f2000)',
    '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f6b480ce000)',
    '\t/lib64/ld-linux-x86-64.so.2 (0x00007f6b482c4000)',
  ].join('\n');
  assert.deepEqual(parseLdd(text), ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']);
});

test('parseLdd rejects a missing library by name', () => {
  assert.throws(() => parseLdd('\tlibfoo.so.1 => not found'), /libfoo\.so\.1 => not found/);
});

test('assembleRootfs copies an executable with its libraries; the hash follows content', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-rootfs-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await assembleRootfs(rootfs, [
      { kind: 'executable', from: process.execPath, to: '/usr/bin/node' },
      { kind: 'content', content: 'a', to: '/opt/x' },
    ]);
    assert.ok(statSync(join(rootfs, 'usr/bin/node')).mode & 0o111);
    assert.ok(statSync(join(rootfs, 'lib64/ld-linux-x86-64.so.2')).isFile());
    assert.equal(statSync(join(rootfs, 'tmp')).mode & 0o7777, 0o1777);
    const h1 = treeHash(rootfs, 'FROM scratch');
    assert.equal(treeHash(rootfs, 'FROM scratch'), h1);
    assert.notEqual(treeHash(rootfs, 'FROM scratch\n'), h1);
    await assembleRootfs(rootfs, [
      { kind: 'executable', from: process.execPath, to: '/usr/bin/node' },
      { kind: 'content', content: 'b', to: '/opt/x' },
    ]);
    assert.notEqual(treeHash(rootfs, 'FROM scratch'), h1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
