import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ToolError } from '../errors.js';
import { isExecutableFile } from './executable-file.js';
import { toolMessages } from './messages.js';
import { TOOL_PINS, type ToolName } from './tool-versions.js';

/** A binary the user chose through the environment. */
export interface ToolOverride {
  path: string;
  /** What chose it, for reports: `L2BENCH_ETCD` or `KUBEBUILDER_ASSETS`. */
  source: string;
}

/**
 * The binary the environment names for a tool, if any: `L2BENCH_<NAME>` (a path to the binary),
 * else `KUBEBUILDER_ASSETS/<name>` for kube-apiserver and etcd (envtest's asset dir). A named path
 * that is missing or not executable is a ToolError naming the variable and the path; we never fall
 * back to another binary behind the user's back.
 */
export async function findToolOverride(
  name: ToolName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolOverride | undefined> {
  const pin = TOOL_PINS[name];
  const direct = env[pin.envVar];
  if (direct) {
    const path = resolve(direct);
    if (await isExecutableFile(path)) return { path, source: pin.envVar };
    throw new ToolError(
      existsSync(path)
        ? toolMessages.overrideNotExecutable(pin.envVar, direct)
        : toolMessages.overrideMissing(pin.envVar, direct),
    );
  }
  const assets = pin.inKubebuilderAssets ? env.KUBEBUILDER_ASSETS : undefined;
  if (assets) {
    const path = join(resolve(assets), name);
    if (await isExecutableFile(path)) return { path, source: 'KUBEBUILDER_ASSETS' };
    throw new ToolError(toolMessages.assetMissing(assets, name, pin.envVar));
  }
  return undefined;
}
