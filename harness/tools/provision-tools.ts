import { runCommand } from '../util/run-command.js';
import { parseReportedVersion } from './parse-tool-version.js';
import { locateTool } from './resolve-tool.js';
import { CORE_TOOLS, TOOL_PINS, type ToolName } from './tool-versions.js';

/** One tool after `l2bench tools`. */
export interface ProvisionResult {
  name: ToolName;
  version: string;
  path: string;
  /** `cache`, `build`, or the env var that overrode it. */
  source: string;
  buildSeconds?: number;
  /** The line `l2bench tools` prints for it, e.g. `etcd v3.5.35: cached at /root/.cache/l2bench/bin/etcd-v3.5.35`. */
  summary: string;
}

/** One row of the results' environment record. */
export interface ToolVersionRecord {
  name: ToolName;
  /** The pinned version. */
  version: string;
  path: string;
  /** What the binary itself reports (`v3.5.35`), or its first output line when that does not parse. */
  reportedVersion: string;
}

/** Runs a tool's version command and returns what it reports. */
export async function reportedToolVersion(name: ToolName, path: string): Promise<string> {
  const r = await runCommand(path, TOOL_PINS[name].versionArgs, { allowFailure: true, timeoutMs: 30_000 });
  const output = `${r.stdout}\n${r.stderr}`.trim();
  return parseReportedVersion(name, output) ?? (output.split('\n')[0] || `unknown (exit ${r.code})`);
}

/**
 * Makes sure each tool is available, building missing ones one at a time (the builds are CPU-bound).
 * Idempotent: a second run builds nothing and reports every tool as cached.
 */
export async function provisionTools(
  names: readonly ToolName[] = CORE_TOOLS,
  opts: { onProgress?: (line: string) => void } = {},
): Promise<ProvisionResult[]> {
  const results: ProvisionResult[] = [];
  for (const name of names) {
    const { version } = TOOL_PINS[name];
    const t = await locateTool(name, { build: true, onProgress: opts.onProgress });
    let summary: string;
    if (t.source === 'cache') summary = `${name} ${version}: cached at ${t.path}`;
    else if (t.source === 'build') summary = `${name} ${version}: built in ${t.buildSeconds}s at ${t.path}`;
    else {
      const reported = await reportedToolVersion(name, t.path);
      const note = reported === version ? '' : `; the pin is ${version}`;
      summary = `${name} ${reported}: ${t.path} from ${t.source}${note}`;
    }
    results.push({ ...t, version, summary });
  }
  return results;
}

/**
 * Name, pinned version, path and self-reported version of each tool, for the results' environment
 * record. Builds nothing: a tool that is not provisioned is a ToolError.
 */
export async function toolVersionsReport(
  names: readonly ToolName[] = CORE_TOOLS,
): Promise<ToolVersionRecord[]> {
  return Promise.all(
    names.map(async (name) => {
      const path = (await locateTool(name, { build: false })).path;
      return {
        name,
        version: TOOL_PINS[name].version,
        path,
        reportedVersion: await reportedToolVersion(name, path),
      };
    }),
  );
}
