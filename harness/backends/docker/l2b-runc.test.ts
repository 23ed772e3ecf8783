import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../paths.js';

const WRAPPER = join(repoRoot, 'harness', 'backends', 'docker', 'l2b-runc');
// Every capability Linux 6.x knows, as Docker 20.10 lists them for --privileged.
const ALL = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
].map((c) => `CAP_${c}`);

/** The capabilities in this process's bounding set (the wrapper, a child, inherits it). */
function bounding(): Set<string> {
  const hex = /^CapBnd:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  const last = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'));
  const mask = BigInt(`0x${hex}`);
  return new Set(ALL.filter((_, i) => i <= last && ((mask >> BigInt(i)) & 1n) === 1n));
}

test('l2b-runc keeps exactly the bounding set in a bundle and a process file, then runs runc unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-runc-'));
  try {
    // A fake runc that records its arguments.
    writeFileSync(join(dir, 'runc'), `#!/bin/sh\necho "$@" > '${dir}/args'\n`);
    chmodSync(join(dir, 'runc'), 0o755);
    const caps = { bounding: ALL, effective: ALL, permitted: ALL };
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ process: { capabilities: caps } }));
    writeFileSync(join(dir, 'process.json'), JSON.stringify({ capabilities: caps }));
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    for (const args of [
      ['--root', '/run/x', 'create', '--bundle', dir, 'c1'],
      ['exec', '--process', join(dir, 'process.json'), '--detach', 'c1'],
    ]) {
      const r = spawnSync(WRAPPER, args, { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(readFileSync(join(dir, 'args'), 'utf8').trim(), args.join(' '));
    }
    const want = [...bounding()];
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.deepEqual(config.process.capabilities.bounding, want);
    assert.deepEqual(config.process.capabilities.effective, want);
    const proc = JSON.parse(readFileSync(join(dir, 'process.json'), 'utf8'));
    assert.deepEqual(proc.capabilities.permitted, want);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
