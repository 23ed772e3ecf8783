import { strict as assert } from 'node:assert';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ToolError } from '../errors.js';
import { toolMessages } from './messages.js';
import { removeTempDirs, tempDir } from './test-env.js';
import { findToolOverride } from './tool-override.js';

after(removeTempDirs);

async function fakeBinary(dir: string, name: string, mode = 0o755): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '#!/bin/sh\necho fake\n');
  await chmod(path, mode);
  return path;
}

test('L2BENCH_ETCD pointing at an executable is used as is', async () => {
  const dir = await tempDir('l2b-tools-');
  const etcd = await fakeBinary(dir, 'my-etcd');
  assert.deepEqual(await findToolOverride('etcd', { L2BENCH_ETCD: etcd }), {
    path: etcd,
    source: 'L2BENCH_ETCD',
  });
});

test('a missing override path is a one-line ToolError naming the variable and the path', async () => {
  await assert.rejects(
    findToolOverride('kube-apiserver', { L2BENCH_KUBE_APISERVER: '/nonexistent/kube-apiserver' }),
    {
      name: 'ToolError',
      message:
        'L2BENCH_KUBE_APISERVER=/nonexistent/kube-apiserver: no such file (unset L2BENCH_KUBE_APISERVER to use the pinned build)',
    },
  );
});

test('an override that is not executable is rejected, not silently replaced by the cached build', async () => {
  const dir = await tempDir('l2b-tools-');
  const k6 = await fakeBinary(dir, 'k6', 0o644);
  const err = await findToolOverride('k6', { L2BENCH_K6: k6 }).catch((e: unknown) => e);
  assert.ok(err instanceof ToolError);
  assert.equal(err.message, toolMessages.overrideNotExecutable('L2BENCH_K6', k6));
  const asDir = await findToolOverride('k6', { L2BENCH_K6: dir }).catch((e: unknown) => e);
  assert.ok(asDir instanceof ToolError);
  assert.equal(asDir.message, toolMessages.overrideNotExecutable('L2BENCH_K6', dir));
});

test('a relative override path resolves to an absolute one', async () => {
  const dir = await tempDir('l2b-tools-');
  await fakeBinary(dir, 'etcd');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.equal((await findToolOverride('etcd', { L2BENCH_ETCD: './etcd' }))?.path, join(dir, 'etcd'));
  } finally {
    process.chdir(cwd);
  }
});

test('KUBEBUILDER_ASSETS provides kube-apiserver and etcd but not k6, and L2BENCH_* wins over it', async () => {
  const assets = await tempDir('l2b-assets-');
  const apiserver = await fakeBinary(assets, 'kube-apiserver');
  const etcd = await fakeBinary(assets, 'etcd');
  const other = await fakeBinary(await tempDir('l2b-tools-'), 'etcd');
  const env = { KUBEBUILDER_ASSETS: assets };
  assert.deepEqual(await findToolOverride('kube-apiserver', env), {
    path: apiserver,
    source: 'KUBEBUILDER_ASSETS',
  });
  assert.deepEqual(await findToolOverride('etcd', env), { path: etcd, source: 'KUBEBUILDER_ASSETS' });
  assert.equal(await findToolOverride('k6', env), undefined);
  assert.deepEqual(await findToolOverride('etcd', { ...env, L2BENCH_ETCD: other }), {
    path: other,
    source: 'L2BENCH_ETCD',
  });
});

test('KUBEBUILDER_ASSETS without the binary is an error naming the dir', async () => {
  const assets = await tempDir('l2b-assets-');
  await mkdir(join(assets, 'etcd'));
  await assert.rejects(findToolOverride('etcd', { KUBEBUILDER_ASSETS: assets }), {
    message: toolMessages.assetMissing(assets, 'etcd', 'L2BENCH_ETCD'),
  });
});

test('no override set, or set to the empty string, means none', async () => {
  assert.equal(await findToolOverride('etcd', {}), undefined);
  assert.equal(await findToolOverride('etcd', { L2BENCH_ETCD: '' }), undefined);
});
