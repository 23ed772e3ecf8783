import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { MeasureError } from '../../errors.js';
import {
  k6ProbeCommand,
  type ProbeExit,
  type RunningProbes,
  validateProbeOptions,
} from '../../measure/k6-probe.js';
import type { ProbeSpec } from '../bench-target.js';
import type { StartedDockerCluster } from './docker-cluster.js';
import { L2benchContainer } from './docker-resources.js';
import { IMAGE_PATHS } from './images.js';

/** k6's exit code after SIGTERM (its output is complete). */
const K6_EXIT_INTERRUPTED = 105;
let probeCount = 0;

/**
 * Runs k6 with the probe script in a container of the probe image on the run's network, at the
 * run's fixed probe address; its JSON output lands at `spec.outFile` on the host through a bind
 * mount of that file's directory. One probe container at a time (the address is fixed).
 */
export async function startProbeContainer(
  cluster: StartedDockerCluster,
  spec: ProbeSpec,
): Promise<RunningProbes> {
  const outFile = resolve(spec.outFile);
  // Same limits as the local probe; the name only passes the namespace check (the container is ours).
  validateProbeOptions({ ...spec, k6Path: IMAGE_PATHS.k6, netns: `l2b${cluster.runId}-probe` });
  const cmd = k6ProbeCommand({ ...spec, outFile, k6Path: IMAGE_PATHS.k6, netns: null });
  cmd[cmd.length - 1] = IMAGE_PATHS.probeScript;
  const dir = dirname(outFile);
  const container = await new L2benchContainer(cluster.images.probe)
    .withName(`l2b-${cluster.runId}-probe-${++probeCount}`)
    .withLabels({ 'l2bench.io/run': cluster.runId })
    .withStaticAddress(cluster.networkName, cluster.plan.probe)
    .withEntrypoint([cmd[0]!])
    .withCommand(cmd.slice(1))
    .withBindMounts([{ source: dir, target: dir, mode: 'rw' }])
    .start();
  const c = cluster.docker.getContainer(container.getId());
  const pid = (await c.inspect()).State.Pid;
  let stopping = false;
  const exited: Promise<ProbeExit> = c
    .wait()
    .then((r: { StatusCode: number }) => ({ code: r.StatusCode, signal: null }))
    .catch(() => ({ code: null, signal: 'SIGKILL' as NodeJS.Signals }));
  const done = exited.then(async (exit) => {
    if (exit.code === 0 || (stopping && (exit.code === K6_EXIT_INTERRUPTED || exit.code === 137)))
      return exit;
    const logs = await c
      .logs({ stdout: true, stderr: true, tail: 5 })
      .then((b: Buffer) =>
        b
          .toString()
          // biome-ignore lint/suspicious/noControlCharactersInRegex: strips Docker's 8-byte stream frame headers from the log
          .replace(/[\x00-\x08]/g, '')
          .trim()
          .split('\n')
          .join(' | '),
      )
      .catch(() => '');
    throw new MeasureError(`k6 probe container exited with code ${exit.code}: ${logs || 'no output'}`);
  });
  done.catch(() => undefined);
  const stop = async (graceMs = 5000): Promise<ProbeExit> => {
    stopping = true;
    await c.kill({ signal: 'SIGTERM' }).catch(() => {});
    const timer = setTimeout(() => c.kill({ signal: 'SIGKILL' }).catch(() => {}), graceMs);
    const exit = await exited;
    clearTimeout(timer);
    await c.remove({ force: true }).catch(() => {});
    return exit;
  };
  return { pid, outFile, done, stop, [Symbol.asyncDispose]: async () => void (await stop()) };
}

/**
 * First line of an HTTP GET of `http://<vip>:<port>/` from this host, which sits on the run's
 * bridge (its gateway address), so the VIP is reached over the same L2 segment as the nodes; null
 * on any failure. One request, bounded by `timeoutMs`.
 */
export function hostWhoAnswers(vip: string, port: number, timeoutMs = 1000): Promise<string | null> {
  return new Promise((ok) => {
    const req = request({ host: vip, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => ok(res.statusCode === 200 ? (body.split('\n')[0] ?? null) : null));
      res.on('error', () => ok(null));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => ok(null));
    req.end();
  });
}

/** Polls every VIP from the host until all answer; the elapsed ms, or null on timeout. */
export async function hostWaitUntilAllAnswer(
  vips: readonly string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const t0 = Date.now();
  let pending = [...vips];
  while (Date.now() - t0 < timeoutMs && !signal?.aborted) {
    const batch = pending.slice(0, 64);
    const answers = await Promise.all(batch.map((v) => hostWhoAnswers(v, port)));
    pending = pending.filter((v) => {
      const i = batch.indexOf(v);
      return i < 0 || !answers[i];
    });
    if (pending.length === 0) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}
