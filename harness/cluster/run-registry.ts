import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../paths.js';

/**
 * What one run created on this machine, written to `<stateDir>/<runId>.json` as soon as each
 * thing exists, so `l2bench cleanup` can remove what a crashed run left behind, and only that.
 */
export interface RunRecord {
  runId: string;
  /** PID of the harness process that owns the run; the run is stale once it is gone. */
  ownerPid: number;
  createdAt: string;
  netns: string[];
  links: string[];
  pids: number[];
  dirs: string[];
}

/** A live registration that is updated as resources appear and removed on clean teardown. */
export class RunRegistration {
  readonly record: RunRecord;
  readonly path: string;

  constructor(runId: string) {
    mkdirSync(stateDir(), { recursive: true });
    this.path = join(stateDir(), `${runId}.json`);
    this.record = {
      runId,
      ownerPid: process.pid,
      createdAt: new Date().toISOString(),
      netns: [],
      links: [],
      pids: [],
      dirs: [],
    };
    this.flush();
  }

  /** Records a namespace, link or dir the run created. */
  add(kind: 'netns' | 'links' | 'dirs', name: string): void {
    this.record[kind].push(name);
    this.flush();
  }

  /** Records a process the run started. */
  addPid(pid: number): void {
    this.record.pids.push(pid);
    this.flush();
  }

  /** Deletes the registration: the run tore down everything it created. */
  close(): void {
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.record, null, 2));
    renameSync(tmp, this.path);
  }
}

/** True when a process with this PID exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Registered runs whose owner process is gone. */
export function staleRuns(): RunRecord[] {
  const dir = stateDir();
  if (!existsSync(dir)) return [];
  const out: RunRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    try {
      const rec = JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
      if (!pidAlive(rec.ownerPid)) out.push(rec);
    } catch {
      // A half-written record of a crashed run: nothing in it can be trusted, drop it.
      rmSync(path, { force: true });
    }
  }
  return out;
}

/** Path of a run's registration file. */
export function registrationPath(runId: string): string {
  return join(stateDir(), `${runId}.json`);
}
