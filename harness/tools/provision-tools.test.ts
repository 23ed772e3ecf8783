import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { provisionTools, toolVersionsReport } from './provision-tools.js';
import { removeTempDirs, tempDir, withToolEnv, writeFakeBinary } from './test-env.js';

after(removeTempDirs);

async function fakeCache(): Promise<string> {
  const cache = await tempDir('l2b-cache-');
  await writeFakeBinary(join(cache, 'bin', 'etcd-v3.5.35'), 'etcd Version: 3.5.35\nGo Version: go1.26.8');
  await writeFakeBinary(join(cache, 'bin', 'k6-v1.8.1'), 'k6 v1.8.1 (commit/devel, go1.26.8, linux/amd64)');
  await writeFakeBinary(join(cache, 'bin', 'kube-apiserver-v1.32.13'), 'Kubernetes v1.32.13');
  return cache;
}

test('provisioning twice with everything cached builds nothing and says where each tool is', async () => {
  const cache = await fakeCache();
  // No go on PATH: any build attempt would fail the test.
  await withToolEnv({ L2BENCH_CACHE: cache, PATH: '/nonexistent' }, async () => {
    for (let i = 0; i < 2; i++) {
      const results = await provisionTools(['etcd', 'k6', 'kube-apiserver']);
      assert.deepEqual(
        results.map((r) => r.summary),
        [
          `etcd v3.5.35: cached at ${cache}/bin/etcd-v3.5.35`,
          `k6 v1.8.1: cached at ${cache}/bin/k6-v1.8.1`,
          `kube-apiserver v1.32.13: cached at ${cache}/bin/kube-apiserver-v1.32.13`,
        ],
      );
    }
  });
});

test('an override reporting another version is provisioned as is, with the pin noted', async () => {
  const cache = await fakeCache();
  const old = await writeFakeBinary(join(cache, 'mine', 'etcd'), 'etcd Version: 3.5.21');
  await withToolEnv({ L2BENCH_CACHE: cache, L2BENCH_ETCD: old }, async () => {
    const [r] = await provisionTools(['etcd']);
    assert.equal(r?.summary, `etcd v3.5.21: ${old} from L2BENCH_ETCD; the pin is v3.5.35`);
    assert.equal(r?.source, 'L2BENCH_ETCD');
  });
});

test('the version report runs each binary and records what it says', async () => {
  const cache = await fakeCache();
  const odd = await writeFakeBinary(join(cache, 'mine', 'k6'), 'something else entirely');
  await withToolEnv({ L2BENCH_CACHE: cache, L2BENCH_K6: odd }, async () => {
    assert.deepEqual(await toolVersionsReport(['etcd', 'k6', 'kube-apiserver']), [
      { name: 'etcd', version: 'v3.5.35', path: `${cache}/bin/etcd-v3.5.35`, reportedVersion: 'v3.5.35' },
      { name: 'k6', version: 'v1.8.1', path: odd, reportedVersion: 'something else entirely' },
      {
        name: 'kube-apiserver',
        version: 'v1.32.13',
        path: `${cache}/bin/kube-apiserver-v1.32.13`,
        reportedVersion: 'v1.32.13',
      },
    ]);
  });
});
