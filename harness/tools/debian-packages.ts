import { ToolError } from '../errors.js';
import { runCommand } from '../util/run-command.js';
import { toolMessages } from './messages.js';

/**
 * What the local backend needs on the host. `arping` is Thomas Habets' arping (the Debian package
 * of that name, flags `-i <if> -c <n>`), not iputils-arping, whose flags differ. `tcpdump` captures
 * the client segment's ARP during failover trials (harness/measure/arp-watch.ts).
 */
export const DEFAULT_DEBIAN_PACKAGES: readonly string[] = ['arping', 'iproute2', 'curl', 'tcpdump'];

// The command that shows a package is installed; a package not listed here provides a command of its own name.
const PACKAGE_COMMAND: Readonly<Record<string, string>> = {
  arping: 'arping',
  'iputils-arping': 'arping',
  iproute2: 'ip',
  curl: 'curl',
  'iputils-ping': 'ping',
  iptables: 'iptables',
  nftables: 'nft',
  tcpdump: 'tcpdump',
  'golang-go': 'go',
};

/** The host, as far as installing packages goes (tests pass a fake). */
export interface DebianHost {
  hasCommand(command: string): Promise<boolean>;
  isRoot(): boolean;
  /** Runs apt-get with arguments; rejects with the failure's detail. */
  aptGet(args: readonly string[]): Promise<void>;
}

// `apt-get update` once per host per process.
const updatedHosts = new WeakSet<DebianHost>();

const realHost: DebianHost = {
  async hasCommand(command) {
    const r = await runCommand('sh', ['-c', 'command -v "$1"', 'sh', command], { allowFailure: true });
    return r.code === 0;
  },
  isRoot: () => process.getuid?.() === 0,
  async aptGet(args) {
    await runCommand('apt-get', args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeoutMs: 20 * 60_000,
    });
  },
};

/** The command whose presence shows `pkg` is installed. */
export function packageCommand(pkg: string): string {
  return PACKAGE_COMMAND[pkg] ?? pkg;
}

/**
 * Makes sure the commands of `pkgs` exist (`command -v`). Missing ones are installed with
 * `apt-get install -y` (after one `apt-get update` per process) when we are root; otherwise a
 * ToolError names the packages to install. Returns the packages it installed.
 */
export async function ensureDebianPackages(
  pkgs: readonly string[] = DEFAULT_DEBIAN_PACKAGES,
  onProgress: (line: string) => void = () => undefined,
  host: DebianHost = realHost,
): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of pkgs) if (!(await host.hasCommand(packageCommand(pkg)))) missing.push(pkg);
  if (missing.length === 0) return [];
  const commands = missing.map(packageCommand);
  if (!host.isRoot() || !(await host.hasCommand('apt-get'))) {
    throw new ToolError(toolMessages.packagesMissing(commands, missing));
  }
  try {
    if (!updatedHosts.has(host)) {
      onProgress('apt-get update');
      await host.aptGet(['update']);
      updatedHosts.add(host);
    }
    onProgress(`apt-get install -y ${missing.join(' ')}`);
    await host.aptGet(['install', '-y', ...missing]);
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(toolMessages.packageInstallFailed(missing, (err as Error).message), { cause: err });
  }
  for (const c of commands) {
    if (!(await host.hasCommand(c))) {
      throw new ToolError(`apt-get installed ${missing.join(' ')} but ${c} is still not on PATH`);
    }
  }
  return missing;
}
