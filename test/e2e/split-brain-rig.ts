/**
 * The rig of the split-brain tests and benchmark (issue 17): a 2-node local cluster (real
 * kube-apiserver + etcd, node namespaces, real `ip addr`) with one announced service, timers
 * 4/2/0.5 s, and the bundled agent with `--step-down` chosen by the caller; freezing the holder
 * (SIGSTOP past its lease, SIGCONT) and reading from the kernels which nodes carry the VIP.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { type LocalNode, StartedLocalCluster } from '../../harness/backends/local/local-cluster.js';
import { LocalDeployment } from '../../harness/backends/local/local-deployment.js';
import { readLeaseHolder } from '../../harness/deployment/announcing-node.js';
import { parseScenario } from '../../harness/scenario/scenario-file.js';
import { resolveScenario } from '../../harness/scenario/scenario-schema.js';
import { runCommand } from '../../harness/util/run-command.js';

export const LEASE_MS = 4000;
export const DEADLINE_MS = 2000;
export const RETRY_MS = 500;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type StepDown = 'on-observe' | 'renew-deadline';

/** The local deployment with `--step-down` chosen by the test (the scenario has no field for it here). */
export class StepDownDeployment extends LocalDeployment {
  stepDown: StepDown = 'renew-deadline';
  override agentArgs(node: LocalNode, extra: readonly string[] = []): string[] {
    return [...super.agentArgs(node, extra), '--step-down', this.stepDown];
  }
}

/** One parsed line of an agent's JSON log. */
export interface LogLine {
  ts: number;
  event: string;
  node: string;
  msg?: string;
  holder?: string;
  vip?: string;
  reason?: string;
}

/** Node i's agent log lines (the file collects every run of that agent) at or after `sinceMs`. */
export function agentLog(cluster: StartedLocalCluster, i: number, sinceMs: number): LogLine[] {
  const text = readFileSync(join(cluster.workDir, 'logs', `announcer-${i}.log`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.ts >= sinceMs);
}

/** Nodes whose kernel carries `vip` on eth0, read in parallel; `atMs` is when the reads began. */
export async function carriers(
  cluster: StartedLocalCluster,
  vip: string,
): Promise<{ atMs: number; nodes: string[] }> {
  const atMs = Date.now();
  const found = await Promise.all(
    cluster.nodes.map(async (n) => {
      const r = await runCommand('ip', ['-n', n.netns, '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
      return r.stdout.includes(` ${vip}/32 `) ? [n.name] : [];
    }),
  );
  return { atMs, nodes: found.flat() };
}

/** Samples `carriers` back to back (~10–20 ms apart) until `untilMs`; bounded by the deadline. */
async function sampleCarriers(cluster: StartedLocalCluster, vip: string, untilMs: number) {
  const samples: Array<{ atMs: number; nodes: string[] }> = [];
  while (Date.now() < untilMs) samples.push(await carriers(cluster, vip));
  return samples;
}

/** Polls until `probe` returns a value or `timeoutMs` passes. */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined || Date.now() >= deadline) return v;
    await sleep(50);
  }
}

/** Where a diagnostic line goes (a test's `t.diagnostic`, a benchmark's stderr). */
export type Note = (line: string) => void;

/** One freeze: when the holder resumed, saw the other holder, unbound, and the last dual sample. */
export interface FreezeResult {
  tCont: number;
  observedMs: number;
  unbindMs: number;
  lastDualMs: number | null;
}

/** The cluster, the deployment and the one service's VIP and Lease; disposing removes them all. */
export class SplitBrainRig {
  private readonly stack = new AsyncDisposableStack();
  cluster!: StartedLocalCluster;
  d!: StepDownDeployment;
  kc!: KubeConfig;
  vip = '';
  leaseName = '';
  leaseNamespace = '';

  static async start(): Promise<SplitBrainRig> {
    const rig = new SplitBrainRig();
    try {
      await rig.setUp();
      return rig;
    } catch (err) {
      await rig.stack.disposeAsync();
      throw err;
    }
  }

  private async setUp(): Promise<void> {
    const { stack } = this;
    // The scenario's policy announces from workers only (the seed's nodeSelector).
    const cluster = stack.use(
      await StartedLocalCluster.start({ nodes: 2, nodeLabels: () => ({ 'homelab/role': 'worker' }) }),
    );
    this.cluster = cluster;
    this.kc = cluster.kubeConfig();
    const octet = Number(cluster.plan.vipCidr.split('.')[2]);
    const scenario = resolveScenario(
      parseScenario(
        `name: split-brain-agent
nodes: {count: 2}
services: {announced: 1}
pool: {cidr: 198.18.${octet}.0/24}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}
`,
        'split-brain-rig.ts',
      ),
    );
    const d = stack.use(new StepDownDeployment(cluster, scenario));
    this.d = d;
    await d.prepare();
    await d.createServices();
    await d.startAllAgents();
    await d.waitForAddresses(30_000);
    const svc = d.services.find((s) => s.vip)!;
    this.vip = svc.vip!;
    this.leaseName = svc.leaseName!;
    this.leaseNamespace = svc.leaseNamespace;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stack.disposeAsync();
  }

  /** The node index holding the lease once the VIP sits on that node alone. */
  async holderIndex(): Promise<number> {
    const holder = await until(async () => {
      const h = (await readLeaseHolder(this.kc, this.leaseNamespace, this.leaseName)).holder;
      const c = await carriers(this.cluster, this.vip);
      return h && c.nodes.length === 1 && c.nodes[0] === h ? h : undefined;
    }, 15_000);
    assert.ok(holder, `${this.vip} settles on its lease holder`);
    return this.cluster.nodes.findIndex((n) => n.name === holder);
  }

  /** Restarts every agent with `mode`; the SIGTERMs double as case 3. */
  async restartAll(mode: StepDown, note: Note): Promise<void> {
    const before = (await readLeaseHolder(this.kc, this.leaseNamespace, this.leaseName)).holder;
    const t0 = Date.now();
    await this.d.stopAllAgents();
    for (const n of this.cluster.nodes) {
      const lines = agentLog(this.cluster, n.index, t0);
      const stop = lines.find((l) => l.event === 'stop');
      note(`SIGTERM ${n.name}: ${stop?.msg ?? 'no stop line'} after ${stop ? stop.ts - t0 : '?'}ms`);
      assert.deepEqual(
        lines.filter((l) => l.event === 'warn' && /timed out/.test(l.msg ?? '')).map((l) => l.msg),
        [],
        `${n.name} logged no release timeout`,
      );
      assert.equal(stop?.msg, 'stopped', `${n.name} confirmed its release`);
    }
    // The release landed: the holder's name is gone from the lease. (Without a release it would
    // stay for leaseDuration, longer than the whole shutdown.)
    const afterStop = (await readLeaseHolder(this.kc, this.leaseNamespace, this.leaseName)).holder;
    assert.ok(before && afterStop !== before, `lease held by ${before} before SIGTERM, ${afterStop} after`);
    this.d.stepDown = mode;
    await this.d.startAllAgents();
  }

  /**
   * Freezes the holder until the other node has bound the VIP, resumes it, and samples which
   * kernels carry the VIP for renewDeadline + 1 s. Returns null if the freeze caught the holder in
   * the middle of a renewal (its request then times out on resume and it steps down without
   * having observed anyone: not the case under test).
   */
  async freeze(note: Note): Promise<FreezeResult | null> {
    const h = await this.holderIndex();
    const holder = this.cluster.nodes[h]!;
    const agent = this.d.agents.get(h)!;
    agent.signal('SIGSTOP');
    const tStop = Date.now();
    // The other node takes over once the lease expires: leaseDuration + 2.2 × retryPeriod + slack.
    const both = await until(
      async () => {
        const c = await carriers(this.cluster, this.vip);
        return c.nodes.length === 2 ? c : undefined;
      },
      LEASE_MS + 2.2 * RETRY_MS + 5000,
    );
    assert.ok(both, `${this.vip} bound by a second node while ${holder.name} is frozen`);
    agent.signal('SIGCONT');
    const tCont = Date.now();
    const samples = await sampleCarriers(this.cluster, this.vip, tCont + DEADLINE_MS + 1000);
    await sleep(200); // the log file is written through a stream
    const lines = agentLog(this.cluster, h, tCont);
    const observed = lines.find((l) => l.event === 'leader' && l.holder && l.holder !== holder.name);
    const unbind = lines.find((l) => l.event === 'unbind' && l.vip === this.vip);
    assert.ok(unbind, `${holder.name} unbound ${this.vip} after SIGCONT`);
    if (!observed || unbind.ts < observed.ts) return null;
    const lastDual = samples.filter((s) => s.nodes.length > 1).at(-1);
    const single = samples.filter((s) => s.nodes.length === 1);
    const end = samples.at(-1)!;
    note(
      `freeze ${holder.name} ${tCont - tStop}ms: observed other holder +${observed.ts - tCont}ms after SIGCONT, ` +
        `unbind +${unbind.ts - tCont}ms, last dual sample +${lastDual ? lastDual.atMs - tCont : 'none'}ms, ` +
        `${samples.length} samples`,
    );
    assert.equal(end.nodes.length, 1, `${this.vip} ends on one node`);
    assert.ok(single.length > 0);
    return { tCont, observedMs: observed.ts, unbindMs: unbind.ts, lastDualMs: lastDual?.atMs ?? null };
  }
}
