import { ToolError } from '../errors.js';
import { isExecutableFile } from './executable-file.js';
import { buildTool, cachedToolPath } from './go-build.js';
import { toolMessages } from './messages.js';
import { findOnPath } from './path-tool.js';
import { findToolOverride } from './tool-override.js';
import { TOOL_PINS, type ToolName } from './tool-versions.js';

/** Options of {@link resolveTool} and {@link locateTool}. */
export interface ResolveToolOptions {
  /** Build the pinned version with Go when it is not cached (default true). */
  build?: boolean;
  /** Progress of a build, one line at a time (the CLI prints these to stderr). */
  onProgress?: (line: string) => void;
}

/** Where a resolved binary came from. */
export interface LocatedTool {
  name: ToolName;
  path: string;
  /** `L2BENCH_<NAME>` / `KUBEBUILDER_ASSETS` for an override, `PATH`, `cache` or `build` otherwise. */
  source: string;
  /** Seconds the build took, when `source` is `build`. */
  buildSeconds?: number;
}

// One build per tool per process; concurrent callers share it (the lock file covers other processes).
const inFlight = new Map<ToolName, Promise<LocatedTool>>();

/** Like {@link resolveTool}, and also says where the binary came from. */
export async function locateTool(name: ToolName, opts: ResolveToolOptions = {}): Promise<LocatedTool> {
  const override = await findToolOverride(name);
  if (override) return { name, ...override };
  if (TOOL_PINS[name].fromPath) {
    const onPath = await findOnPath(name, process.env, opts.onProgress);
    if (onPath) return { name, path: onPath.path, source: 'PATH' };
  }
  const cached = cachedToolPath(name);
  if (await isExecutableFile(cached)) return { name, path: cached, source: 'cache' };
  const pin = TOOL_PINS[name];
  if (opts.build === false) {
    throw new ToolError(toolMessages.notProvisioned(name, pin.version, cached, pin.envVar));
  }
  let build = inFlight.get(name);
  if (!build) {
    build = buildTool(name, opts.onProgress ?? (() => undefined)).then((r) =>
      r.built
        ? { name, path: r.path, source: 'build', buildSeconds: r.buildSeconds }
        : { name, path: r.path, source: 'cache' },
    );
    inFlight.set(name, build);
    build.then(
      () => inFlight.delete(name),
      () => inFlight.delete(name),
    );
  }
  return build;
}

/**
 * Absolute path of a working binary of a pinned tool. In order: the env override
 * (`L2BENCH_KUBE_APISERVER`, `L2BENCH_ETCD`, `L2BENCH_K6`, `L2BENCH_KIND`, or `KUBEBUILDER_ASSETS`
 * for kube-apiserver and etcd), for kind a `kind` on PATH of the pinned minor release, the cached `~/.cache/l2bench/bin/<name>-<version>`, or (unless
 * `build: false`) a fresh build with Go. Throws ToolError.
 */
export async function resolveTool(name: ToolName, opts: ResolveToolOptions = {}): Promise<string> {
  return (await locateTool(name, opts)).path;
}
