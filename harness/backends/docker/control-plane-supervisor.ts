/**
 * PID 1 of the control-plane container: starts every process in a JSON list (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler), prefixes their output lines with the
 * process name, and ends the container when one of them exits (the others get SIGTERM, then
 * SIGKILL after 10 s), so a dead etcd is seen as a stopped container rather than a half-alive
 * control plane. An entry with `restart: true` is restarted instead, a second later, as a kubelet
 * restarts a static pod (kube-controller-manager exits while the API server's bootstrap RBAC is not
 * there yet); after 20 restarts it counts as dead. SIGTERM (docker stop) is forwarded.
 *
 * Usage: node supervisor.mjs <processes.json>   with [{ "name", "command", "args", "restart"? }, ...]
 * Runs inside the image only: imports nothing but Node built-ins.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface ProcessEntry {
  name: string;
  command: string;
  args: string[];
  restart?: boolean;
}

const MAX_RESTARTS = 20;

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: supervisor.mjs <processes.json>\n');
  process.exit(2);
}
const entries = JSON.parse(readFileSync(file, 'utf8')) as ProcessEntry[];
const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixLines(name: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  let partial = '';
  stream?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name}] ${line}\n`);
  });
}

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children.values()) c.kill('SIGTERM');
  const hard = setTimeout(() => {
    for (const c of children.values()) c.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  const check = setInterval(() => {
    if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) {
      clearTimeout(hard);
      clearInterval(check);
      process.exit(code);
    }
  }, 100);
}

function start(e: ProcessEntry, restarts: number): void {
  const child = spawn(e.command, e.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(e.name, child);
  prefixLines(e.name, child.stdout, process.stdout);
  prefixLines(e.name, child.stderr, process.stderr);
  child.on('error', (err) => {
    process.stderr.write(`[supervisor] ${e.name}: ${err.message}\n`);
    stopAll(1);
  });
  child.on('exit', (code, sig) => {
    if (stopping) return;
    if (e.restart && restarts < MAX_RESTARTS) {
      process.stderr.write(
        `[supervisor] ${e.name} exited (${code ?? sig}); restart ${restarts + 1} in 1 s\n`,
      );
      setTimeout(() => {
        if (!stopping) start(e, restarts + 1);
      }, 1000);
      return;
    }
    process.stderr.write(`[supervisor] ${e.name} exited (${code ?? sig}); stopping\n`);
    stopAll(code ?? 1);
  });
}

for (const e of entries) start(e, 0);
process.on('SIGTERM', () => stopAll(0));
process.on('SIGINT', () => stopAll(0));
