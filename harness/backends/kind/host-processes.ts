import { readdirSync, readFileSync } from 'node:fs';

/** One process as /proc shows it on this host. */
export interface HostProcess {
  pid: number;
  ppid: number;
  /** `/proc/<pid>/comm`: the executable's name, at most 15 characters. */
  comm: string;
  /** `/proc/<pid>/cmdline` with NULs as spaces. */
  cmdline: string;
}

/** Every process in this host's /proc (processes that exit while being read are skipped). */
export function readHostProcesses(procDir = '/proc'): HostProcess[] {
  const out: HostProcess[] = [];
  for (const name of readdirSync(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`${procDir}/${name}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised comm, which may itself contain spaces or ')'.
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({
        pid: Number(name),
        ppid: Number(after[1]),
        comm: readFileSync(`${procDir}/${name}/comm`, 'utf8').trim(),
        cmdline: readFileSync(`${procDir}/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim(),
      });
    } catch {}
  }
  return out;
}

/**
 * The processes below `rootPid` (a kind node container's init, from `docker inspect
 * --format {{.State.Pid}}`) that `match`. A kind node's kube-apiserver, etcd and the pods'
 * processes are ordinary host processes in nested PID namespaces, so their /proc CPU counters are
 * exact, and two clusters' processes are told apart by the container they descend from.
 */
export function descendantsMatching(
  processes: readonly HostProcess[],
  rootPid: number,
  match: (p: HostProcess) => boolean,
): HostProcess[] {
  const children = new Map<number, HostProcess[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const out: HostProcess[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  for (let p = queue.shift(); p; p = queue.shift()) {
    if (match(p)) out.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return out.sort((a, b) => a.pid - b.pid);
}
