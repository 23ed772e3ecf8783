import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { BackendError } from '../../errors.js';

export interface ProcessSpec {
  /** Short role name used in messages and logs (etcd, kube-apiserver, announcer-n0…). */
  name: string;
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File that receives stdout and stderr. */
  logFile: string;
  /** Called with every complete stdout line (the announcer's JSON log). */
  onLine?: (line: string) => void;
}

/**
 * A child process started by the harness, in its own process group so that a signal reaches
 * everything it spawned. Disposing it stops it (SIGTERM, then SIGKILL after a grace period).
 */
export class ManagedProcess implements AsyncDisposable {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly name: string;
  private readonly log: WriteStream;
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined = undefined;

  private constructor(spec: ProcessSpec, child: ChildProcess, log: WriteStream) {
    this.child = child;
    this.name = spec.name;
    this.log = log;
    if (child.pid === undefined)
      throw new BackendError(`${spec.name} did not start: ${spec.command} not runnable`);
    this.pid = child.pid;
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      log.write(d);
      if (!spec.onLine) return;
      buf += d.toString();
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        spec.onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    });
    child.stderr?.on('data', (d: Buffer) => log.write(d));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      });
    });
  }

  /** Spawns the process; rejects with a BackendError if it cannot be started at all. */
  static async start(spec: ProcessSpec): Promise<ManagedProcess> {
    const log = createWriteStream(spec.logFile, { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err) =>
        reject(
          new BackendError(`cannot start ${spec.name} (${spec.command}): ${err.message}`, { cause: err }),
        ),
      );
    });
    return new ManagedProcess(spec, child, log);
  }

  /** True while the process has not exited. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the exit code (null when killed by a signal). */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** Sends a signal to the whole process group. */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(-this.pid, sig);
    } catch {
      try {
        process.kill(this.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 3000): Promise<void> {
    if (!this.running) return this.closeLog();
    this.signal('SIGCONT'); // a frozen (SIGSTOPped) process cannot act on SIGTERM
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    await this.closeLog();
  }

  private closeLog(): Promise<void> {
    return new Promise((resolve) => this.log.end(resolve));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
