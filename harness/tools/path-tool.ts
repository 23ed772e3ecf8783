import { delimiter, join } from 'node:path';
import { runCommand } from '../util/run-command.js';
import { isExecutableFile } from './executable-file.js';
import { parseReportedVersion } from './parse-tool-version.js';
import { TOOL_PINS, type ToolName } from './tool-versions.js';

/** `v0.30.0` → `v0.30`: a PATH binary of the pin's minor release is accepted (patch releases are fixes). */
const minor = (v: string): string => v.split('.').slice(0, 2).join('.');

/**
 * A binary of the tool on PATH whose own version output is the pin's minor release, if any
 * (kind users usually have one installed). Others on PATH are skipped with a note, never used.
 */
export async function findOnPath(
  name: ToolName,
  env: NodeJS.ProcessEnv = process.env,
  onNote: (line: string) => void = () => undefined,
): Promise<{ path: string; version: string } | undefined> {
  const pin = TOOL_PINS[name];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, name);
    if (!(await isExecutableFile(path))) continue;
    const r = await runCommand(path, pin.versionArgs, { allowFailure: true, timeoutMs: 15_000 }).catch(
      () => null,
    );
    const version = r ? parseReportedVersion(name, `${r.stdout}\n${r.stderr}`) : undefined;
    if (version && minor(version) === minor(pin.version)) return { path, version };
    onNote(`${name}: skipping ${path} (reports ${version ?? 'no version'}; the pin is ${pin.version})`);
  }
  return undefined;
}
