import type { BackendDriver } from '../backends/start-bench-target.js';
import { backendDriver } from '../backends/start-bench-target.js';
import { type MetricsEndpoints, scrapeControlPlane } from '../measure/control-plane-metrics.js';
import type { Scrape } from '../measure/prom-scrape.js';
import type { TrialRecord } from '../results/results-schema.js';
import { resolveTool } from '../tools/resolve-tool.js';
import { captureEnvironment } from './capture-environment.js';
import { type Clock, systemClock } from './clock.js';
import { runFailoverTrial, type TrialSpec } from './failover-trial.js';
import { availableMemoryBytes } from './parallel-clusters.js';

/**
 * What the runner takes from outside the sweep logic, as parameters: the backend, tools, the host
 * and the clock. A run uses {@link defaultRunSeams}; unit tests pass an in-memory backend and a
 * fake clock (harness/run/testing/fake-bench-target.ts), so sweeps, resume, saturation and
 * `--parallel` are tested without a cluster.
 */
export interface RunSeams {
  /** The scenario's backend (host preparation, a target per cluster); `source` names the scenario in errors. */
  driver(backend: Parameters<typeof backendDriver>[0], source: string): BackendDriver;
  /** A pinned tool's path (built once into the cache). */
  resolveTool(
    name: 'k6' | 'kube-vip' | 'metallb-controller' | 'metallb-speaker',
    progress: (line: string) => void,
  ): Promise<string>;
  captureEnvironment: typeof captureEnvironment;
  availableMemoryBytes(): number;
  clock: Clock;
  /** kube-apiserver's and etcd's /metrics at a window's edges. */
  scrape(ep: MetricsEndpoints): Promise<{ apiserver: Scrape; etcd: Scrape }>;
  /** One failover trial (harness/run/failover-trial.ts). */
  runTrial(t: TrialSpec): Promise<TrialRecord | null>;
}

/** The real backend, tools, host and wall clock. */
export const defaultRunSeams: RunSeams = {
  driver: backendDriver,
  resolveTool: (name, progress) => resolveTool(name, { onProgress: progress }),
  captureEnvironment,
  availableMemoryBytes: () => availableMemoryBytes(),
  clock: systemClock,
  scrape: scrapeControlPlane,
  runTrial: runFailoverTrial,
};
