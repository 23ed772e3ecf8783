import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../../../errors.js';
import { cacheDir } from '../../../paths.js';
import { ensureDebianPackages } from '../../../tools/debian-packages.js';
import { runCommand } from '../../../util/run-command.js';

/**
 * The Debian packages of a kind node (kind's base image list, as Debian bookworm packages them):
 * systemd as init, containerd + runc, the CNI plugins, and what kubelet, kubeadm and kube-proxy
 * call (iptables, conntrack, ip, mount, ethtool, socat, nsenter from util-linux).
 */
export const NODE_PACKAGES: readonly string[] = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'containerd',
  'runc',
  'containernetworking-plugins',
  'iptables',
  'nftables',
  'conntrack',
  'iproute2',
  'ethtool',
  'socat',
  'util-linux',
  'mount',
  'kmod',
  'ca-certificates',
  'procps',
  'libseccomp2',
];

/** A Debian archive: its URL and suite (what `debootstrap <suite> <dir> <url>` takes). */
export interface DebianArchive {
  url: string;
  suite: string;
}

/**
 * The main Debian archive in apt's sources (deb822 `.sources` or one-line `sources.list`): the
 * first entry whose suite is `suite` itself (not -updates or -security).
 */
export function parseDebianArchive(sources: readonly string[], suite: string): DebianArchive | undefined {
  for (const text of sources) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      if (uris && suites.includes(suite)) return { url: uris, suite };
    }
    for (const line of text.split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim());
      if (m?.[1] && m[2] === suite) return { url: m[1], suite };
    }
  }
  return undefined;
}

/** The archive apt uses on this host, for its release codename. */
export function hostDebianArchive(): DebianArchive {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const suite = /^VERSION_CODENAME=(\S+)/m.exec(osRelease)?.[1];
  if (!suite)
    throw new ToolError('kind node image: /etc/os-release names no VERSION_CODENAME: build on Debian');
  const dir = '/etc/apt/sources.list.d';
  const files = [
    '/etc/apt/sources.list',
    ...(existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : []),
  ].filter((f) => existsSync(f) && /\.(list|sources)$/.test(f));
  const archive = parseDebianArchive(
    files.map((f) => readFileSync(f, 'utf8')),
    suite,
  );
  if (!archive)
    throw new ToolError(`kind node image: no Debian archive for ${suite} in /etc/apt/sources.list*: add one`);
  return archive;
}

/**
 * kind's trimming of a Debian systemd for a container: no tmpfiles setup (the runtime provides
 * /tmp and /run), nothing started by default but what the image enables, no kernel log reading.
 */
const TRIM_SCRIPT = `set -e
find lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f lib/systemd/system/multi-user.target.wants/* etc/systemd/system/*.wants/* \
  lib/systemd/system/local-fs.target.wants/* lib/systemd/system/sockets.target.wants/*udev* \
  lib/systemd/system/sockets.target.wants/*initctl* lib/systemd/system/basic.target.wants/*
echo ReadKMsg=no >> etc/systemd/journald.conf
rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/*
`;

/** A prepared node root file system and the key of its inputs. */
export interface NodeRootfs {
  dir: string;
  /** Hash of suite, archive and package list: a new key makes a new rootfs. */
  key: string;
}

/**
 * The Debian root file system of the node image, made once per input (`debootstrap --variant=minbase`
 * from the host's archive, ~3 min) and kept under `<cache>/kind-node/rootfs-<key>`.
 */
export async function ensureNodeRootfs(onProgress: (line: string) => void): Promise<NodeRootfs> {
  const archive = hostDebianArchive();
  const key = createHash('sha256')
    .update(JSON.stringify({ archive, packages: NODE_PACKAGES, trim: TRIM_SCRIPT }))
    .digest('hex')
    .slice(0, 12);
  const dir = join(cacheDir(), 'kind-node', `rootfs-${key}`);
  if (existsSync(join(dir, '.l2b-complete'))) return { dir, key };
  await ensureDebianPackages(['debootstrap'], onProgress);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  onProgress(`kind node image: debootstrap ${archive.suite} from ${archive.url} (a few minutes)`);
  const log = join(cacheDir(), 'kind-node', `debootstrap-${key}.log`);
  const r = await runCommand(
    'debootstrap',
    ['--variant=minbase', `--include=${NODE_PACKAGES.join(',')}`, archive.suite, tmp, archive.url],
    { allowFailure: true, timeoutMs: 30 * 60_000 },
  );
  await writeFile(log, `${r.stdout}\n${r.stderr}`);
  if (r.code !== 0) {
    await rm(tmp, { recursive: true, force: true });
    const last = `${r.stdout}\n${r.stderr}`.trim().split('\n').pop();
    throw new ToolError(`kind node image: debootstrap failed (${last}); full log ${log}`);
  }
  await runCommand('sh', ['-c', TRIM_SCRIPT], { cwd: tmp });
  await appendFile(join(tmp, '.l2b-complete'), `${new Date().toISOString()}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { dir, key };
}
