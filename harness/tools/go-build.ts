import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ToolError } from '../errors.js';
import { binDir, cacheDir } from '../paths.js';
import { runCommand } from '../util/run-command.js';
import { acquireBuildLock } from './build-lock.js';
import { diagnosticTail } from './build-output.js';
import { isExecutableFile } from './executable-file.js';
import { wrapperGoMod, wrapperToolsGo } from './go-wrapper-module.js';
import { toolMessages } from './messages.js';
import { parseReportedVersion } from './parse-tool-version.js';
import { createProgressReporter, type ProgressReporter } from './progress-reporter.js';
import { runStreaming, type StreamingResult } from './run-streaming.js';
import { TOOL_PINS, type ToolName, type ToolPin } from './tool-versions.js';
import { decideToolchainRetry } from './toolchain-retry.js';

/** Where the cached binary of a pinned tool lives: `<binDir>/<name>-<version>`. */
export function cachedToolPath(name: ToolName): string {
  return join(binDir(), `${name}-${TOOL_PINS[name].version}`);
}

/** The work dir of a tool's build: `<cacheDir>/build/<name>-<version>` (wrapper module, lock, build.log). */
export function buildWorkDir(name: ToolName): string {
  return join(cacheDir(), 'build', `${name}-${TOOL_PINS[name].version}`);
}

/** Outcome of {@link buildTool}. */
export interface BuildResult {
  path: string;
  /** False when another process finished the same build while we waited for its lock. */
  built: boolean;
  buildSeconds: number;
}

/** The `GOVERSION` of the go command on PATH; a ToolError naming the tool's env var if there is none. */
export async function goVersion(pin: ToolPin): Promise<string> {
  try {
    // No timeoutMs: runCommand's spawn timer outlives a spawn that fails with ENOENT and holds the process.
    const r = await runCommand('go', ['env', 'GOVERSION'], { allowFailure: true });
    if (r.code !== 0) throw new ToolError(`go env GOVERSION failed: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout.trim();
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(toolMessages.goMissing(pin.envVar), { cause: err });
  }
}

/**
 * Builds a pinned tool with the machine's Go into `<binDir>/<name>-<version>`: under a lock, into a
 * `.tmp` file, checked with the tool's own version output, then renamed into place. Retries once
 * with another GOTOOLCHAIN when the failure is a Go version mismatch.
 */
export async function buildTool(name: ToolName, onProgress: (line: string) => void): Promise<BuildResult> {
  const pin = TOOL_PINS[name];
  const startMs = Date.now();
  const currentGo = await goVersion(pin);
  const workDir = buildWorkDir(name);
  const finalPath = cachedToolPath(name);
  await mkdir(workDir, { recursive: true });
  await mkdir(binDir(), { recursive: true });
  const progress = createProgressReporter({ prefix: `${name} ${pin.version}`, emit: onProgress });
  await using _lock = await acquireBuildLock(join(workDir, 'build.lock'), {
    name,
    onWait: (pid, s) =>
      onProgress(`${name} ${pin.version}: waiting for pid ${pid}, which is building it (${s}s)`),
  });
  if (await isExecutableFile(finalPath)) return { path: finalPath, built: false, buildSeconds: 0 };

  const log = createWriteStream(join(workDir, 'build.log'));
  const timer = setInterval(() => progress.tick(), 1000);
  try {
    const tmpPath = `${finalPath}.tmp`;
    let toolchain: string | undefined;
    for (;;) {
      const env: NodeJS.ProcessEnv = toolchain
        ? { ...process.env, GOTOOLCHAIN: toolchain }
        : { ...process.env };
      const r = await buildOnce(pin, workDir, tmpPath, env, progress, log);
      if (r.code === 0) break;
      const retry = toolchain ? undefined : decideToolchainRetry(r.output, currentGo, pin.fallbackToolchain);
      if (!retry) {
        throw new ToolError(
          toolMessages.buildFailed(name, pin.version, r.command, r.code, workDir, diagnosticTail(r.output)),
        );
      }
      toolchain = retry.toolchain;
      progress.phase(`${retry.reason}; retrying with GOTOOLCHAIN=${toolchain}`);
    }
    await chmod(tmpPath, 0o755);
    await verifyVersion(pin, tmpPath);
    await rename(tmpPath, finalPath);
    const buildSeconds = Math.round((Date.now() - startMs) / 1000);
    onProgress(`${name} ${pin.version}: built in ${buildSeconds}s at ${finalPath}`);
    return { path: finalPath, built: true, buildSeconds };
  } finally {
    clearInterval(timer);
    await new Promise((resolve) => log.end(resolve));
  }
}

async function buildOnce(
  pin: ToolPin,
  workDir: string,
  tmpPath: string,
  env: NodeJS.ProcessEnv,
  progress: ProgressReporter,
  log: WriteStream,
): Promise<BuildStepResult> {
  const go = async (args: string[], goEnv = env, cwd = workDir): Promise<BuildStepResult> => {
    const step = args[0] === 'mod' ? args.slice(0, 2).join(' ') : args[0];
    progress.phase(`go ${step}${env.GOTOOLCHAIN ? ` (GOTOOLCHAIN=${env.GOTOOLCHAIN})` : ''}`);
    log.write(`\n$ go ${args.join(' ')}\n`);
    const r = await runStreaming('go', args, { cwd, env: goEnv, log, onLine: (l) => progress.line(l) });
    return { ...r, command: `go ${args.join(' ')}` };
  };
  const ldflags = pin.recipe.ldflags.join(' ');
  if (pin.recipe.kind === 'wrapper') {
    await writeFile(join(workDir, 'go.mod'), wrapperGoMod(`l2bench.local/${pin.name}-build`, pin.recipe));
    await writeFile(join(workDir, 'tools.go'), wrapperToolsGo(pin.recipe));
    const tidy = await go(['mod', 'tidy']);
    if (tidy.code !== 0) return tidy;
    return go(['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', tmpPath, pin.recipe.mainPackage]);
  }
  if (pin.recipe.kind === 'module-dir') return buildInModuleDir(pin, tmpPath, env, go, log);
  // go install names the binary after the last path element that is not a major-version suffix.
  const gobin = join(workDir, 'gobin');
  await rm(gobin, { recursive: true, force: true });
  const pkg = pin.recipe.mainPackage;
  const r = await go(['install', '-v', '-trimpath', '-ldflags', ldflags, `${pkg}@${pin.version}`], {
    ...env,
    GOBIN: gobin,
  });
  if (r.code === 0) {
    const last = basename(pkg);
    const binName = /^v\d+$/.test(last) ? basename(pkg.slice(0, -last.length - 1)) : last;
    await copyFile(join(gobin, binName), tmpPath);
    await rm(gobin, { recursive: true, force: true });
  }
  return r;
}

/** A build step's result with the command that produced it (named in the failure message). */
type BuildStepResult = StreamingResult & { command: string };

type GoRunner = (args: string[], goEnv?: NodeJS.ProcessEnv, cwd?: string) => Promise<BuildStepResult>;

/** `go mod download -json <module>@<version>`, then `go build .` in the Dir it reports. */
async function buildInModuleDir(
  pin: ToolPin,
  tmpPath: string,
  env: NodeJS.ProcessEnv,
  go: GoRunner,
  log: WriteStream,
): Promise<BuildStepResult> {
  if (pin.recipe.kind !== 'module-dir') throw new ToolError(`${pin.name}: not a module-dir recipe`);
  const goEnv = { ...env, ...pin.recipe.env };
  const dl = await runCommand('go', ['mod', 'download', '-json', `${pin.recipe.module}@${pin.version}`], {
    env: goEnv,
    allowFailure: true,
  });
  log.write(`\n$ go mod download -json ${pin.recipe.module}@${pin.version}\n${dl.stdout}${dl.stderr}`);
  const dir = moduleDirOf(dl.stdout);
  if (dl.code !== 0 || !dir) {
    const command = `go mod download -json ${pin.recipe.module}@${pin.version}`;
    return { code: dl.code || 1, output: `${dl.stdout}\n${dl.stderr}`, command };
  }
  const ldflags = pin.recipe.ldflags.join(' ');
  return go(['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', tmpPath, '.'], goEnv, dir);
}

/** The `Dir` field of `go mod download -json` output, if any. */
export function moduleDirOf(downloadJson: string): string | undefined {
  try {
    const o = JSON.parse(downloadJson) as { Dir?: unknown; Error?: unknown };
    return typeof o.Dir === 'string' && !o.Error ? o.Dir : undefined;
  } catch {
    return undefined;
  }
}

async function verifyVersion(pin: ToolPin, path: string): Promise<void> {
  const r = await runCommand(path, pin.versionArgs, { allowFailure: true, timeoutMs: 30_000 });
  const output = `${r.stdout}\n${r.stderr}`.trim();
  if (parseReportedVersion(pin.name, output) !== pin.version) {
    await rm(path, { force: true });
    throw new ToolError(toolMessages.wrongVersion(pin.name, path, pin.version, output.split('\n')[0] ?? ''));
  }
}
