import { spawn } from 'node:child_process';
import { BackendError } from '../errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a command to completion and captures its output; throws a BackendError naming it on failure. */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Our own timer rather than spawn's `timeout`, which outlives a command that failed to start.
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new BackendError(`cannot run ${cmd}: ${err.message} (is it installed?)`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout, stderr, code: code ?? (signal ? 128 : 1) };
      if (result.code !== 0 && !opts.allowFailure) {
        const detail = (stderr.trim() || stdout.trim()).split('\n').slice(-3).join(' | ');
        reject(new BackendError(`${cmd} ${args.join(' ')} failed (exit ${result.code}): ${detail}`));
      } else resolve(result);
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}
