import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcStat, readProcCpu } from './proc-cpu.js';

test('parseProcStat reads utime+stime and rss even when the name has spaces and parens', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i));
  // fields after ")": state=S, then fields 4.. ; utime is field 14, stime 15, rss 24
  const after = ['S', ...fields.slice(4, 52)];
  after[11] = '250';
  after[12] = '50';
  after[21] = '1000';
  const line = `1234 (kube (api) server) ${after.join(' ')}`;
  const r = parseProcStat(line);
  assert.equal(r.cpuSeconds, 3);
  assert.equal(r.rssBytes, 1000 * 4096);
});

test('readProcCpu of this process grows while it burns CPU, and is null for a dead pid', () => {
  const before = readProcCpu(process.pid)!;
  const until = Date.now() + 300;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  const after = readProcCpu(process.pid)!;
  assert.ok(after.cpuSeconds > before.cpuSeconds, `${after.cpuSeconds} > ${before.cpuSeconds}`);
  assert.equal(readProcCpu(2 ** 22 + 7), null);
});
