import { readFileSync } from 'node:fs';
import type { ProcCpu } from '../../measure/proc-cpu.js';

/** Where a container's cumulative CPU and memory counters live, by cgroup version. */
export interface CgroupFiles {
  version: 1 | 2;
  /** v1: cpuacct.usage (ns); v2: cpu.stat (usage_usec line). */
  cpuFile: string;
  /** v1: memory.usage_in_bytes; v2: memory.current. */
  memoryFile: string;
}

/**
 * The cgroup files of the process `pid` from its /proc/<pid>/cgroup text: the cpuacct controller
 * under /sys/fs/cgroup/cpuacct on cgroup v1, the unified hierarchy on v2. Docker puts every
 * process of a container (exec'd ones too) in the container's cgroup, so this is the container's
 * CPU, the figure `docker stats` reports.
 */
export function cgroupFilesOf(procCgroupText: string, root = '/sys/fs/cgroup'): CgroupFiles | null {
  const lines = procCgroupText.split('\n').filter(Boolean);
  for (const line of lines) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers?.split(',').includes('cpuacct'))
      return {
        version: 1,
        cpuFile: `${root}/cpuacct${path}/cpuacct.usage`,
        memoryFile: `${root}/memory${path}/memory.usage_in_bytes`,
      };
  }
  const unified = lines.find((l) => l.startsWith('0::'));
  if (!unified) return null;
  const path = unified.slice(3);
  return { version: 2, cpuFile: `${root}${path}/cpu.stat`, memoryFile: `${root}${path}/memory.current` };
}

/** Cumulative CPU seconds and memory of a cgroup; null once the cgroup is gone. */
export function readCgroupCpu(files: CgroupFiles): ProcCpu | null {
  try {
    const text = readFileSync(files.cpuFile, 'utf8');
    const cpuSeconds =
      files.version === 1
        ? Number(text.trim()) / 1e9
        : Number(/^usage_usec (\d+)/m.exec(text)?.[1] ?? Number.NaN) / 1e6;
    let rssBytes = 0;
    try {
      rssBytes = Number(readFileSync(files.memoryFile, 'utf8').trim()) || 0;
    } catch {
      // memory controller not mounted: CPU is what matters
    }
    return Number.isFinite(cpuSeconds) ? { cpuSeconds, rssBytes } : null;
  } catch {
    return null;
  }
}

/** The cgroup of a running container, found from its init process's host PID. */
export function containerCgroup(initPid: number): CgroupFiles | null {
  try {
    return cgroupFilesOf(readFileSync(`/proc/${initPid}/cgroup`, 'utf8'));
  } catch {
    return null;
  }
}
