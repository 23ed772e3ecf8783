import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { toolMessages } from './messages.js';
import { resolveTool } from './resolve-tool.js';
import { removeTempDirs, tempDir, withToolEnv, writeFakeBinary } from './test-env.js';

after(removeTempDirs);

test('the cached binary is found without building', async () => {
  const cache = await tempDir('l2b-cache-');
  const etcd = await writeFakeBinary(join(cache, 'bin', 'etcd-v3.5.35'), 'etcd Version: 3.5.35');
  await withToolEnv({ L2BENCH_CACHE: cache, PATH: '/nonexistent' }, async () => {
    assert.equal(await resolveTool('etcd'), etcd);
  });
});

test('an env override wins over the cache', async () => {
  const cache = await tempDir('l2b-cache-');
  await writeFakeBinary(join(cache, 'bin', 'etcd-v3.5.35'), 'etcd Version: 3.5.35');
  const mine = await writeFakeBinary(join(cache, 'elsewhere', 'etcd'), 'etcd Version: 3.5.21');
  await withToolEnv({ L2BENCH_CACHE: cache, L2BENCH_ETCD: mine }, async () => {
    assert.equal(await resolveTool('etcd'), mine);
  });
});

test('a missing override path fails even when a cached build exists', async () => {
  const cache = await tempDir('l2b-cache-');
  await writeFakeBinary(join(cache, 'bin', 'k6-v1.8.1'), 'k6 v1.8.1');
  await withToolEnv({ L2BENCH_CACHE: cache, L2BENCH_K6: '/no/such/k6' }, async () => {
    await assert.rejects(resolveTool('k6'), {
      name: 'ToolError',
      message: 'L2BENCH_K6=/no/such/k6: no such file (unset L2BENCH_K6 to use the pinned build)',
    });
  });
});

test('build: false with nothing cached says how to provision it', async () => {
  const cache = await tempDir('l2b-cache-');
  await withToolEnv({ L2BENCH_CACHE: cache }, async () => {
    await assert.rejects(resolveTool('kube-apiserver', { build: false }), {
      name: 'ToolError',
      message: toolMessages.notProvisioned(
        'kube-apiserver',
        'v1.32.13',
        join(cache, 'bin', 'kube-apiserver-v1.32.13'),
        'L2BENCH_KUBE_APISERVER',
      ),
    });
  });
});

test('without go on PATH a build fails with the install hint, before touching the cache', async () => {
  const cache = await tempDir('l2b-cache-');
  const emptyPath = await tempDir('l2b-path-');
  await withToolEnv({ L2BENCH_CACHE: cache, PATH: emptyPath }, async () => {
    await assert.rejects(resolveTool('etcd'), {
      name: 'ToolError',
      message:
        'go toolchain not found: install Go >= 1.23 (apt-get install golang-go or https://go.dev/dl) or set L2BENCH_ETCD to an existing binary',
    });
  });
});
