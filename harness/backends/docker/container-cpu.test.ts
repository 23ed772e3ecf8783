import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupFilesOf } from './container-cpu.js';

const id = 'dd9af7b9f0d8';

test('cgroup v1: the cpuacct controller path (combined cpu,cpuacct line too)', () => {
  const v1 = `9:name=systemd:/docker/${id}\n2:cpuacct:/docker/${id}\n1:cpu:/docker/${id}\n0::/docker/${id}\n`;
  assert.deepEqual(cgroupFilesOf(v1), {
    version: 1,
    cpuFile: `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`,
    memoryFile: `/sys/fs/cgroup/memory/docker/${id}/memory.usage_in_bytes`,
  });
  assert.equal(
    cgroupFilesOf(`3:cpu,cpuacct:/docker/${id}\n`)?.cpuFile,
    `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`,
  );
});

test('cgroup v2: the unified hierarchy', () => {
  assert.deepEqual(cgroupFilesOf(`0::/system.slice/docker-${id}.scope\n`), {
    version: 2,
    cpuFile: `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`,
    memoryFile: `/sys/fs/cgroup/system.slice/docker-${id}.scope/memory.current`,
  });
  assert.equal(cgroupFilesOf(''), null);
});
