import { spawn } from 'node:child_process';

/** Exit code and output of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion. Resolves with a non-zero `code` rather than throwing, because
 * the dataplane treats some failures (`File exists`) as success. Rejects only when the command
 * cannot be started (see {@link CommandNotFoundError}). The seam tests replace.
 */
export type CommandRunner = (cmd: string, args: readonly string[]) => Promise<CommandResult>;

/** The executable is not installed (ENOENT). */
export class CommandNotFoundError extends Error {
  override readonly name = 'CommandNotFoundError';
  constructor(readonly command: string) {
    super(`${command}: command not found`);
  }
}

/**
 * Spawns the real command. `timeoutMs` bounds a hung `ip` or `arping` (the agent must shut down
 * within 3 s even then).
 */
export function spawnCommandRunner(timeoutMs = 5000): CommandRunner {
  return (cmd, args) =>
    new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        reject(err.code === 'ENOENT' ? new CommandNotFoundError(cmd) : err);
      });
      child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    });
}
