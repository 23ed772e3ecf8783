import { readFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import type { Environment } from '../results/results-schema.js';
import { toolVersionsReport } from '../tools/provision-tools.js';
import type { ToolName } from '../tools/tool-versions.js';

/** The machine and binaries a run measured on, for environment.json and report captions. */
export async function captureEnvironment(backend: string, tools: ToolName[]): Promise<Environment> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const report = await toolVersionsReport(tools);
  return {
    hostname: hostname(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    l2benchVersion: pkg.version,
    backend,
    tools: report.map((t) => ({
      name: t.name,
      version: t.version,
      path: t.path,
      reported: t.reportedVersion,
    })),
  };
}
