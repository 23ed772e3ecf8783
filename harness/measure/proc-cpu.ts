import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every mainstream Linux build. */
const CLK_TCK = 100;
const PAGE_SIZE = 4096;

/** Cumulative CPU time and resident memory of one process, all threads included. */
export interface ProcCpu {
  cpuSeconds: number;
  rssBytes: number;
}

/**
 * Reads `/proc/<pid>/stat`: utime + stime (fields 14 and 15) cover all threads of the process;
 * cutime/cstime are not added, because waited-for children are not the process's own work.
 * Returns null when the process is gone.
 */
export function readProcCpu(pid: number): ProcCpu | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseProcStat(stat);
}

/** Parses one `/proc/<pid>/stat` line (the command name may contain spaces and parentheses). */
export function parseProcStat(stat: string): ProcCpu {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rssPages = Number(rest[21]);
  return { cpuSeconds: (utime + stime) / CLK_TCK, rssBytes: rssPages * PAGE_SIZE };
}

/** CPU seconds this harness process has used (user + system), from the runtime itself. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
