import { spawn } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { ToolError } from '../errors.js';

/** Result of {@link runStreaming}. */
export interface StreamingResult {
  code: number;
  /** The whole output (stdout and stderr interleaved as they arrived). */
  output: string;
}

/** Options of {@link runStreaming}. */
export interface StreamingOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each complete output line, as it arrives. */
  onLine: (line: string) => void;
  /** Every byte of output is appended here too. */
  log?: WriteStream;
}

/**
 * Runs a command and hands its output to `onLine` line by line while it runs (the go command
 * prints progress on stderr). Resolves with the exit code; never rejects on a non-zero exit.
 */
export function runStreaming(
  cmd: string,
  args: readonly string[],
  opts: StreamingOptions,
): Promise<StreamingResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const partial = { stdout: '', stderr: '' };
    const onData = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
      const text = d.toString();
      output += text;
      opts.log?.write(text);
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const l of lines) opts.onLine(l);
    };
    child.stdout.on('data', onData('stdout'));
    child.stderr.on('data', onData('stderr'));
    child.on('error', (err) => reject(new ToolError(`cannot run ${cmd}: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') opts.onLine(rest);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}
