import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TOOL_ENV = [
  'L2BENCH_KUBE_APISERVER',
  'L2BENCH_ETCD',
  'L2BENCH_K6',
  'L2BENCH_KIND',
  'KUBEBUILDER_ASSETS',
];

/**
 * Test helper: runs `fn` with `vars` set in process.env and every tool override unset, then
 * restores the environment.
 */
export async function withToolEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const keys = [...TOOL_ENV, ...Object.keys(vars)];
  const saved = new Map(keys.map((k) => [k, process.env[k]]));
  for (const k of TOOL_ENV) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Test helper: an executable shell script at `path` that prints `output`. */
export async function writeFakeBinary(path: string, output: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `#!/bin/sh\ncat <<'OUT'\n${output}\nOUT\n`);
  await chmod(path, 0o755);
  return path;
}

const created: string[] = [];

/** Test helper: a fresh temp dir, removed by {@link removeTempDirs} (register it with `after`). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every dir {@link tempDir} made in this process. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
