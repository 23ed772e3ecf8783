import 'disposablestack/auto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentServiceAccountObjects } from '../backends/local/agent-identity.js';
import { StartedLocalCluster } from '../backends/local/local-cluster.js';
import { MeasureError } from '../errors.js';
import { applyManifests, readManifestDir, withLabel } from '../manifests/apply-manifests.js';
import { RUN_LABEL } from '../manifests/scenario-objects.js';
import { CpuSampler } from '../measure/cpu-sampler.js';
import { repoRoot } from '../paths.js';
import { captureEnvironment } from '../run/capture-environment.js';
import { measureWindow } from '../run/measure-window.js';
import { sleep } from '../shutdown-signal.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { fitCalibrationWindows } from './calibration-fit.js';
import { Calibration, type CalibrationWindow, calibrationWindowOf } from './calibration-schema.js';
import {
  createLoadLeases,
  identityFiles,
  MAX_CALIBRATION_RATE,
  startLeaseLoad,
  vusFor,
} from './lease-load.js';

export interface CalibrateOptions {
  /** Fixed request rates per verb (per second); each runs one window. */
  rates: { GET: readonly number[]; PUT: readonly number[] };
  /** Idle windows (no load): the intercept. */
  idleWindows: number;
  windowSeconds: number;
  /** Load before each window opens: k6's start, each VU's first GET, the API server's caches. */
  warmupSeconds: number;
  /** The agents' bound ServiceAccount token (default), or the node's client certificate. */
  identity?: Calibration['identity'];
  out: string;
  signal: AbortSignal;
  progress: (line: string) => void;
}

/**
 * `l2bench calibrate`: a one-node local cluster with the announcer's RBAC; idle windows, then for
 * each verb and rate one window of k6 load (scenarios/k6/lease-calibration.ts, from the client
 * namespace with node 0's identity); kube-apiserver and etcd CPU per window from the same
 * sampler and window code as `run`; per-request costs fitted by least squares with bootstrap
 * intervals. Writes `out` (calibration.json) and returns it.
 */
export async function runCalibration(o: CalibrateOptions): Promise<Calibration> {
  for (const r of [...o.rates.GET, ...o.rates.PUT])
    if (!(r > 0 && r <= MAX_CALIBRATION_RATE))
      throw new MeasureError(`calibrate: rate ${r} must be in (0, ${MAX_CALIBRATION_RATE}] requests/s`);
  const k6 = await resolveTool('k6', { onProgress: o.progress });
  await using cluster = await StartedLocalCluster.start({ nodes: 1, onProgress: o.progress });
  const node = cluster.nodes[0]!;
  const admin = cluster.kubeConfig();
  const deployDir = join(repoRoot, 'announcer', 'deploy');
  await applyManifests(admin, readManifestDir(join(deployDir, 'crds')));
  await applyManifests(
    admin,
    readManifestDir(deployDir).map((x) => withLabel(x, RUN_LABEL, cluster.runId)),
  );
  const maxVus = Math.max(...[...o.rates.GET, ...o.rates.PUT].map((r) => vusFor(r).maxVus));
  await createLoadLeases(admin, cluster.runId, node.name, { from: 1, to: maxVus });
  // The agents' identity, as every backend's runner gives it: a bound token of the kube-system
  // ServiceAccount, so the calibrated requests authenticate alike and land in APF's
  // leader-election level (the node's certificate would put them in global-default).
  const kubeconfigPath =
    o.identity === 'client-certificate'
      ? node.kubeconfigPath
      : await (async () => {
          await applyManifests(admin, agentServiceAccountObjects(cluster.runId, false));
          return cluster.agentTokenKubeconfig(node.index);
        })();
  const identity = identityFiles(kubeconfigPath, join(cluster.workDir, 'calibration'));

  using sampler = new CpuSampler(() => {});
  const endpoints = {
    apiserverUrl: cluster.apiServerUrl,
    apiserverTls: cluster.adminTls,
    etcdUrl: cluster.etcdMetricsUrl,
  };
  const processes = [
    { role: 'kube-apiserver' as const, pid: cluster.apiserver.pid },
    { role: 'etcd' as const, pid: cluster.etcd.pid },
  ];
  const windows: CalibrationWindow[] = [];
  const measure = async (verb: 'GET' | 'PUT' | null, target: number) => {
    const w = await measureWindow({
      variantId: `calibrate-${verb ?? 'idle'}-${target}`,
      repetition: windows.length,
      phase: verb ? 'announce' : 'baseline',
      windowSeconds: o.windowSeconds,
      processes,
      endpoints,
      sampler,
      signal: o.signal,
    });
    if (!w) return;
    const cw = calibrationWindowOf(w, verb ? { verb, targetPerSecond: target } : null);
    windows.push(cw);
    const { perSecond } = cw;
    o.progress(
      `calibrate: ${verb ?? 'idle'} ${target}/s → ${Object.entries(perSecond)
        .map(([v, r]) => `${v} ${r.toFixed(1)}/s`)
        .join(
          ', ',
        )}; kube-apiserver ${w.cpuMillicores.apiserver.toFixed(0)} mCPU, etcd ${w.cpuMillicores.etcd.toFixed(0)} mCPU`,
    );
  };

  await sleep(o.warmupSeconds * 1000, o.signal);
  for (let i = 0; i < o.idleWindows && !o.signal.aborted; i++) await measure(null, 0);
  for (const verb of ['GET', 'PUT'] as const) {
    for (const rate of o.rates[verb]) {
      if (o.signal.aborted) break;
      const load = await startLeaseLoad(cluster, {
        k6,
        verb,
        rate,
        seconds: o.warmupSeconds + o.windowSeconds + 2,
        identityEnv: identity.env,
      });
      try {
        await sleep(o.warmupSeconds * 1000, o.signal);
        if (!load.running)
          throw new MeasureError(`calibrate: k6 (${verb} ${rate}/s) exited early: see its log`);
        await measure(verb, rate);
      } finally {
        await load.stop(8000);
      }
    }
  }
  if (o.signal.aborted) throw new MeasureError('calibrate: interrupted');

  const verbs = ['GET', 'PUT'];
  const calibration: Calibration = {
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    environment: await captureEnvironment('local', ['kube-apiserver', 'etcd', 'k6']),
    identity: identity.kind,
    windowSeconds: o.windowSeconds,
    verbs,
    windows,
    fits: fitCalibrationWindows(windows, verbs),
  };
  writeFileSync(o.out, `${JSON.stringify(Calibration.parse(calibration), null, 1)}\n`);
  return calibration;
}
