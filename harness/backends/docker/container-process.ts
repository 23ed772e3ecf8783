import { createWriteStream, type WriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { BackendError } from '../../errors.js';

export interface ContainerProcessSpec {
  name: string;
  cmd: string[];
  env?: string[];
  /** Both output streams go here, line by line as well as to `logFile`. */
  onLine?: (line: string) => void;
  logFile?: string;
}

/**
 * A process started inside a running container with the exec API (like `docker exec`), with its
 * output streamed back. Its host PID (from exec inspect) lets the harness signal it and read its
 * CPU from the host's /proc, as for a local process; it dies with its container.
 */
export class ContainerProcess implements AsyncDisposable {
  private exitCode: number | null = null;
  private ended = false;
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly pid: number,
    private readonly exec: Dockerode.Exec,
    ended: Promise<void>,
  ) {
    this.exited = ended.then(async () => {
      this.ended = true;
      try {
        this.exitCode = (await exec.inspect()).ExitCode;
      } catch {
        // container removed: the process is gone either way
      }
      return this.exitCode;
    });
  }

  static async start(container: Dockerode.Container, spec: ContainerProcessSpec): Promise<ContainerProcess> {
    const exec = await container.exec({
      Cmd: spec.cmd,
      Env: spec.env,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const log: WriteStream | undefined = spec.logFile
      ? createWriteStream(spec.logFile, { flags: 'a' })
      : undefined;
    const out = new PassThrough();
    container.modem.demuxStream(stream, out, out);
    let partial = '';
    out.on('data', (d: Buffer) => {
      log?.write(d);
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) spec.onLine?.(line);
    });
    const ended = new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    }).then(() => {
      if (partial) spec.onLine?.(partial);
      log?.end();
    });
    // The exec's host PID appears once the runtime has started it.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const info = await exec.inspect();
      if (info.Pid > 0) return new ContainerProcess(spec.name, info.Pid, exec, ended);
      if (!info.Running && info.ExitCode !== null)
        throw new BackendError(`${spec.name} exited at once (exit ${info.ExitCode}) in its container`);
      if (Date.now() > deadline) throw new BackendError(`${spec.name}: no PID 10 s after docker exec`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Signals the process from the host (its PID is the host's view). */
  signal(sig: NodeJS.Signals): void {
    if (this.ended) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone
    }
  }

  async waitForExit(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((r) => {
      timer = setTimeout(() => r(null), timeoutMs);
    });
    const code = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return code;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.ended) return;
    this.signal('SIGTERM');
    if (this.ended) return;
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.waitForExit(graceMs + 5000);
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop(2000);
  }
}
