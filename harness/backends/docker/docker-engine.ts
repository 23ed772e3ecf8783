import { spawn } from 'node:child_process';
import { accessSync, constants, copyFileSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { BackendError } from '../../errors.js';
import { repoRoot } from '../../paths.js';

/** Where the harness's own dockerd writes its log (it outlives the run, like a system service). */
const DOCKERD_LOG_DIR = '/var/lib/l2bench';
const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * The runtime dockerd runs containers with: runc behind harness/backends/docker/l2b-runc, which drops the
 * capabilities the host's bounding set lacks (without it `--privileged`, hence every kind node,
 * fails on a host that dropped one). Copied next to the log, outside the checkout, because dockerd
 * outlives the run and the checkout may move.
 */
export const RUNTIME_WRAPPER = join(DOCKERD_LOG_DIR, 'l2b-runc');

/**
 * dockerd flags for an engine the harness starts itself. Its default bridge and address pool sit
 * in 198.19.0.0/16 (the project's Docker range), never 172.17/16; iptables, IP forwarding and
 * masquerading stay off, so the engine neither rewrites the host's FORWARD policy (the local
 * backend's bridges pass through it: bridge-nf-call-iptables is 1) nor routes anything off the box.
 */
export function dockerdArgs(socketPath = DEFAULT_SOCKET): string[] {
  return [
    `--host=unix://${socketPath}`,
    '--bip=198.19.0.1/24',
    '--default-address-pool=base=198.19.0.0/16,size=24',
    '--iptables=false',
    '--ip-forward=false',
    '--ip-masq=false',
    '--pidfile=/var/run/l2bench-dockerd.pid',
    `--add-runtime=l2b-runc=${RUNTIME_WRAPPER}`,
    '--default-runtime=l2b-runc',
  ];
}

/** The engine the harness talks to. */
export interface DockerEngine {
  docker: Dockerode;
  socketPath: string;
  serverVersion: string;
  /** True when this call started dockerd (it keeps running after the run, like a service). */
  started: boolean;
}

export interface EnsureEngineOptions {
  /** Start dockerd when no engine answers (needs root and the docker.io package). Default true. */
  start?: boolean;
  timeoutMs?: number;
  onProgress?: (line: string) => void;
}

/** The socket from DOCKER_HOST (unix:// only), else /var/run/docker.sock. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (!host) return DEFAULT_SOCKET;
  if (!host.startsWith('unix://'))
    throw new BackendError(
      `DOCKER_HOST=${host}: only a local unix:// socket is supported (the backend reaches containers over a local bridge)`,
    );
  return host.slice('unix://'.length);
}

/** The one error for a missing engine: what to install, or which backend to use instead. */
export function missingEngineMessage(socketPath: string, why: string): string {
  return `no Docker engine at unix://${socketPath} (${why}): install docker.io (apt-get install docker.io) and run as root so l2bench can start dockerd, or use --backend local`;
}

async function ping(docker: Dockerode): Promise<string | null> {
  try {
    const v = await docker.version();
    return v.Version;
  } catch {
    return null;
  }
}

function findDockerd(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = join(dir, 'dockerd');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Returns a reachable Docker engine, starting dockerd with {@link dockerdArgs} when none answers
 * and `start` allows it. testcontainers' reaper (Ryuk) is turned off: its image cannot be pulled
 * here, and the harness removes what it creates by the run label itself.
 */
export async function ensureDockerEngine(o: EnsureEngineOptions = {}): Promise<DockerEngine> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  const socketPath = dockerSocketPath();
  const docker = new Dockerode({ socketPath });
  const version = await ping(docker);
  if (version) return { docker, socketPath, serverVersion: version, started: false };
  if (o.start === false) throw new BackendError(missingEngineMessage(socketPath, 'not reachable'));
  const dockerd = findDockerd();
  if (!dockerd) throw new BackendError(missingEngineMessage(socketPath, 'dockerd is not installed'));
  if (process.getuid?.() !== 0)
    throw new BackendError(missingEngineMessage(socketPath, 'not running, and starting dockerd needs root'));
  mkdirSync(DOCKERD_LOG_DIR, { recursive: true });
  copyFileSync(join(repoRoot, 'harness', 'backends', 'docker', 'l2b-runc'), RUNTIME_WRAPPER);
  const logFile = join(DOCKERD_LOG_DIR, 'dockerd.log');
  o.onProgress?.(`docker: starting dockerd (log ${logFile})`);
  const log = openSync(logFile, 'a');
  const child = spawn(dockerd, dockerdArgs(socketPath), {
    detached: true,
    stdio: ['ignore', log, log],
  });
  let exited: string | null = null;
  child.once('exit', (code, sig) => {
    exited = `exit ${code ?? sig}`;
  });
  child.unref();
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) throw new BackendError(missingEngineMessage(socketPath, `dockerd ${exited}; see ${logFile}`));
    const v = await ping(docker);
    if (v) return { docker, socketPath, serverVersion: v, started: true };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new BackendError(
    missingEngineMessage(
      socketPath,
      `dockerd did not answer within ${o.timeoutMs ?? 30_000}ms; see ${logFile}`,
    ),
  );
}
