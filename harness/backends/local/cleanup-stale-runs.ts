import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { type RunRecord, registrationPath, staleRuns } from '../../cluster/run-registry.js';
import { runCommand } from '../../util/run-command.js';
import { deleteLink, deleteNetns } from './node-network.js';

/** What `cleanup` removed, for the CLI to print. */
export interface CleanupReport {
  runs: string[];
  processes: number;
  netns: string[];
  links: string[];
  dirs: string[];
  errors: string[];
}

/** PIDs of processes whose environment carries `L2BENCH_RUN=<runId>` (set on everything a run starts). */
export function processesOfRun(runId: string): number[] {
  const marker = `L2BENCH_RUN=${runId}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (env.split('\0').includes(marker)) pids.push(Number(entry));
    } catch {
      // process exited or is not readable
    }
  }
  return pids;
}

/**
 * Removes what crashed runs left behind: only runs registered under the state dir whose owning
 * harness process is gone, and only the processes, namespaces, links and dirs they recorded.
 */
export async function cleanupStaleRuns(): Promise<CleanupReport> {
  const report: CleanupReport = { runs: [], processes: 0, netns: [], links: [], dirs: [], errors: [] };
  const existingNetns = new Set(
    (await runCommand('ip', ['netns', 'list'], { allowFailure: true })).stdout
      .split('\n')
      .map((l) => l.split(' ')[0] ?? '')
      .filter(Boolean),
  );
  for (const rec of staleRuns()) {
    report.runs.push(rec.runId);
    await cleanupRun(rec, existingNetns, report);
  }
  return report;
}

async function cleanupRun(rec: RunRecord, existingNetns: Set<string>, report: CleanupReport): Promise<void> {
  for (const pid of processesOfRun(rec.runId)) {
    try {
      process.kill(pid, 'SIGKILL');
      report.processes++;
    } catch (err) {
      report.errors.push(`kill ${pid}: ${(err as Error).message}`);
    }
  }
  for (const ns of rec.netns) {
    if (!existingNetns.has(ns)) continue;
    await deleteNetns(ns).then(
      () => report.netns.push(ns),
      (e: Error) => report.errors.push(e.message),
    );
  }
  for (const link of rec.links) {
    const exists = (await runCommand('ip', ['link', 'show', link], { allowFailure: true })).code === 0;
    if (!exists) continue;
    await deleteLink(link).then(
      () => report.links.push(link),
      (e: Error) => report.errors.push(e.message),
    );
  }
  for (const dir of rec.dirs) {
    rmSync(dir, { recursive: true, force: true });
    report.dirs.push(dir);
  }
  rmSync(registrationPath(rec.runId), { force: true });
}
