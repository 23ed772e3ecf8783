/**
 * Every ToolError message of harness/tools, as functions so tests compare against the same text.
 * One line each: what is wrong, the value, and what to do.
 */
export const toolMessages = {
  overrideMissing: (envVar: string, path: string) =>
    `${envVar}=${path}: no such file (unset ${envVar} to use the pinned build)`,
  overrideNotExecutable: (envVar: string, path: string) =>
    `${envVar}=${path}: not an executable file (unset ${envVar} to use the pinned build)`,
  assetMissing: (assetsDir: string, name: string, envVar: string) =>
    `KUBEBUILDER_ASSETS=${assetsDir} holds no executable ${name} (unset KUBEBUILDER_ASSETS or set ${envVar})`,
  notProvisioned: (name: string, version: string, path: string, envVar: string) =>
    `${name} ${version} is not built yet (${path}): run \`l2bench tools\` or set ${envVar} to an existing binary`,
  goMissing: (envVar: string) =>
    `go toolchain not found: install Go >= 1.23 (apt-get install golang-go or https://go.dev/dl) or set ${envVar} to an existing binary`,
  buildFailed: (
    name: string,
    version: string,
    command: string,
    exitCode: number,
    workDir: string,
    tail: string,
  ) =>
    `building ${name} ${version} failed: \`${command}\` exited ${exitCode} in ${workDir} (full log: ${workDir}/build.log): ${tail}`,
  wrongVersion: (name: string, path: string, expected: string, output: string) =>
    `${name} built at ${path} reports ${JSON.stringify(output)}, expected ${expected}`,
  lockTimeout: (name: string, lockPath: string, pid: number, waitedSeconds: number) =>
    `gave up after ${waitedSeconds}s waiting for pid ${pid} to finish building ${name} (lock ${lockPath}); delete the lock if that process is gone`,
  packagesMissing: (commands: readonly string[], pkgs: readonly string[]) =>
    `command${commands.length > 1 ? 's' : ''} not found: ${commands.join(', ')}; install with \`apt-get install -y ${pkgs.join(' ')}\` (or run l2bench as root to let it install them)`,
  packageInstallFailed: (pkgs: readonly string[], detail: string) =>
    `apt-get install -y ${pkgs.join(' ')} failed: ${detail}`,
};
