import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireBuildLock } from './build-lock.js';
import { removeTempDirs, tempDir } from './test-env.js';

after(removeTempDirs);

test('a second taker waits until the first releases the lock', async () => {
  const lockPath = join(await tempDir('l2b-lock-'), 'build.lock');
  const order: string[] = [];
  const first = await acquireBuildLock(lockPath, { name: 'etcd' });
  assert.equal(JSON.parse(await readFile(lockPath, 'utf8')).pid, process.pid);
  const waits: number[] = [];
  const second = acquireBuildLock(lockPath, {
    name: 'etcd',
    pollMs: 10,
    onWait: (pid) => waits.push(pid),
  }).then((l) => {
    order.push('second');
    return l;
  });
  await sleep(50);
  order.push('first released');
  await first[Symbol.asyncDispose]();
  const l2 = await second;
  assert.deepEqual(order, ['first released', 'second']);
  assert.deepEqual(waits, [process.pid]);
  await l2[Symbol.asyncDispose]();
  assert.equal(existsSync(lockPath), false);
});

test('a lock left by a dead process on this host is taken over', async () => {
  const lockPath = join(await tempDir('l2b-lock-'), 'build.lock');
  const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
  await writeFile(lockPath, JSON.stringify({ pid: Number(dead), host: hostname() }));
  await using _lock = await acquireBuildLock(lockPath, { name: 'k6', pollMs: 10 });
  assert.equal(JSON.parse(await readFile(lockPath, 'utf8')).pid, process.pid);
});

test('waiting gives up after the timeout with the holder named', async () => {
  const lockPath = join(await tempDir('l2b-lock-'), 'build.lock');
  await using _held = await acquireBuildLock(lockPath, { name: 'k6' });
  await assert.rejects(acquireBuildLock(lockPath, { name: 'k6', pollMs: 5, timeoutMs: 20 }), (err: Error) => {
    assert.equal(err.name, 'ToolError');
    assert.match(err.message, new RegExp(`waiting for pid ${process.pid} to finish building k6`));
    return true;
  });
});
