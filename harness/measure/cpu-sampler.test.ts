import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CpuReading, millicoresBetween } from './cpu-sampler.js';

test('millicores are summed per role over matching processes and ignore processes that appeared', () => {
  const before: CpuReading[] = [
    { tMs: 0, role: 'etcd', cpuSeconds: 10, rssBytes: 0 },
    { tMs: 0, role: 'announcer', node: 'a', cpuSeconds: 1, rssBytes: 0 },
    { tMs: 0, role: 'announcer', node: 'b', cpuSeconds: 1, rssBytes: 0 },
  ];
  const after: CpuReading[] = [
    { tMs: 10_000, role: 'etcd', cpuSeconds: 10.5, rssBytes: 0 },
    { tMs: 10_000, role: 'announcer', node: 'a', cpuSeconds: 1.1, rssBytes: 0 },
    { tMs: 10_000, role: 'announcer', node: 'b', cpuSeconds: 1.2, rssBytes: 0 },
    { tMs: 10_000, role: 'announcer', node: 'c', cpuSeconds: 5, rssBytes: 0 },
  ];
  const m = millicoresBetween(before, after);
  assert.equal(Math.round(m.etcd!), 50);
  assert.equal(Math.round(m.announcer!), 30);
});
