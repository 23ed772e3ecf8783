import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ToolError } from '../errors.js';
import { toolMessages } from './messages.js';

/** A held lock; disposing releases it (`await using lock = await acquireBuildLock(…)`). */
export interface BuildLock extends AsyncDisposable {
  readonly path: string;
}

/** Options of {@link acquireBuildLock}. */
export interface BuildLockOptions {
  /** Tool name, for messages. */
  name: string;
  /** Called every `reportEveryMs` while another process holds the lock. */
  onWait?: (holderPid: number, waitedSeconds: number) => void;
  pollMs?: number;
  reportEveryMs?: number;
  /** Give up after this long; a kube-apiserver build on 2 cores takes well under an hour. */
  timeoutMs?: number;
}

interface Holder {
  pid: number;
  host: string;
}

function parseHolder(text: string): Holder | undefined {
  try {
    const v = JSON.parse(text) as Partial<Holder>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? { pid: v.pid, host: v.host } : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file (created with O_EXCL) so two l2bench processes never build the same
 * tool at once; the second waits. A lock left by a dead process on this host is removed.
 */
export async function acquireBuildLock(lockPath: string, opts: BuildLockOptions): Promise<BuildLock> {
  const pollMs = opts.pollMs ?? 1000;
  const reportEveryMs = opts.reportEveryMs ?? 15_000;
  const timeoutMs = opts.timeoutMs ?? 3 * 3600_000;
  const me: Holder = { pid: process.pid, host: hostname() };
  const startMs = Date.now();
  let lastReportMs = Number.NEGATIVE_INFINITY;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(JSON.stringify({ ...me, startedAt: new Date().toISOString() }));
      await fh.close();
      return {
        path: lockPath,
        async [Symbol.asyncDispose]() {
          await unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = await readFile(lockPath, 'utf8').catch(() => '');
    const holder = parseHolder(text);
    if (holder && holder.host === me.host && !isAlive(holder.pid)) {
      // Re-read right before removing, so we do not remove a lock someone just re-created.
      const again = await readFile(lockPath, 'utf8').catch(() => '');
      if (again === text) await unlink(lockPath).catch(() => undefined);
      continue;
    }
    const waitedMs = Date.now() - startMs;
    const holderPid = holder?.pid ?? 0;
    if (waitedMs >= timeoutMs) {
      throw new ToolError(
        toolMessages.lockTimeout(opts.name, lockPath, holderPid, Math.round(waitedMs / 1000)),
      );
    }
    if (Date.now() - lastReportMs >= reportEveryMs) {
      lastReportMs = Date.now();
      opts.onWait?.(holderPid, Math.round(waitedMs / 1000));
    }
    await sleep(pollMs);
  }
}
