import { join } from 'node:path';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { DeployedService, LocalDeployment } from '../backends/local/local-deployment.js';
import { worstCaseTakeoverMs } from '../measure/analytic-model.js';
import { readProbeResults, startProbes } from '../measure/k6-probe.js';
import { waitUntilAllAnswer } from '../measure/vip-probe.js';
import { sleep } from '../shutdown-signal.js';
import { analyzeTrial } from './failover-analysis.js';
import type { FaultKind, TrialRecord } from './results-schema.js';

/** Seconds of good probes recorded before the fault, so "last good before" is seen. */
const PRE_FAULT_SECONDS = 2;

export interface TrialSpec {
  deployment: LocalDeployment;
  kc: KubeConfig;
  k6Path: string;
  variantId: string;
  fault: FaultKind;
  trial: number;
  service: DeployedService;
  signal?: AbortSignal;
  onPhase?: (label: string, startMs: number, endMs: number) => void;
}

/** The holder and acquire time of a Lease, as the API server has it now. */
export async function readLeaseHolder(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<{ holder: string | null; acquireTimeMs: number | null }> {
  const api = kc.makeApiClient(CoordinationV1Api);
  try {
    const l = await api.readNamespacedLease({ namespace, name });
    const at = l.spec?.acquireTime as unknown;
    const acquireTimeMs = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : null;
    return { holder: l.spec?.holderIdentity || null, acquireTimeMs };
  } catch {
    return { holder: null, acquireTimeMs: null };
  }
}

/** How long one trial's probes run: long enough to see the takeover (bounded by the scenario). */
export function probeSeconds(d: LocalDeployment, fault: FaultKind): number {
  const s = d.scenario;
  const takeover = worstCaseTakeoverMs(s.announcer.leaseDurationMs, s.announcer.retryPeriodMs) / 1000;
  const held =
    fault === 'freeze' ? s.faults.freezeSeconds : fault === 'partition' ? s.faults.partitionSeconds : 0;
  // After a freeze or partition ends, keep probing a while to catch two nodes answering.
  const after = fault === 'freeze' || fault === 'partition' ? 5 : 3;
  return Math.min(
    s.probes.maxDurationSeconds,
    Math.ceil(PRE_FAULT_SECONDS + Math.max(takeover, held) + after),
  );
}

/**
 * One failover trial: probe the service's VIP from the client namespace with k6, inject the fault
 * into the node holding its Lease, restore the node, and analyse what the probes saw.
 *
 * Faults: `crash` = SIGKILL of the agent and the echo backend, and the VIPs the node's kernel held
 * are removed (a node that dies loses its addresses; without this the dead node's kernel would go on
 * answering ARP); `freeze` = SIGSTOP of the agent, SIGCONT after freezeSeconds (the node's kernel and
 * echo keep answering, as a hung agent's node would); `partition` = the node's link down for
 * partitionSeconds; `graceful` = SIGTERM (the agent releases its leases).
 */
export async function runFailoverTrial(t: TrialSpec): Promise<TrialRecord | null> {
  const { deployment: d, service } = t;
  if (!service.vip) return null;
  const lease = await readLeaseHolder(t.kc, service.leaseNamespace, service.leaseName);
  const node = d.cluster.nodes.find((n) => n.name === lease.holder);
  if (!node) return null;
  const s = d.scenario;
  const seconds = probeSeconds(d, t.fault);
  const outFile = join(d.cluster.workDir, `probe-${t.variantId}-${t.fault}-${t.trial}.json`);
  const probes = await startProbes({
    k6Path: t.k6Path,
    netns: d.cluster.network.client.netns,
    vips: [service.vip],
    port: s.services.echo.port,
    ratePerSecond: s.probes.ratePerSecond,
    durationSeconds: seconds,
    timeoutMs: s.probes.timeoutMs,
    outFile,
  });
  try {
    await sleep(PRE_FAULT_SECONDS * 1000, t.signal);
    const faultAtMs = Date.now();
    await inject(t, node.index);
    await probes.done;
    t.onPhase?.(`${t.fault} #${t.trial + 1}`, faultAtMs, Date.now());
    await restore(t, node.index);
    const after = await readLeaseHolder(t.kc, service.leaseNamespace, service.leaseName);
    const events = d.events.since(faultAtMs - PRE_FAULT_SECONDS * 1000);
    const a = analyzeTrial({
      probes: readProbeResults(outFile).filter((p) => p.vip === service.vip),
      faultAtMs,
      fromNode: node.name,
      events: events.filter((e) => !e.vip || e.vip === service.vip),
      newHolderAcquireTimeMs: after.holder && after.holder !== node.name ? after.acquireTimeMs : null,
    });
    return {
      type: 'trial',
      variantId: t.variantId,
      fault: t.fault,
      trial: t.trial,
      service: service.name,
      vip: service.vip,
      ...a,
    };
  } finally {
    await probes.stop();
  }
}

async function inject(t: TrialSpec, i: number): Promise<void> {
  const d = t.deployment;
  const node = d.cluster.nodes[i]!;
  const agent = d.agents.get(i);
  const s = d.scenario;
  switch (t.fault) {
    case 'crash':
      agent?.signal('SIGKILL');
      d.echoes.get(i)?.signal('SIGKILL');
      await d.flushVips(node);
      return;
    case 'graceful':
      agent?.signal('SIGTERM');
      return;
    case 'freeze':
      agent?.signal('SIGSTOP');
      await sleep(s.faults.freezeSeconds * 1000, t.signal);
      agent?.signal('SIGCONT');
      return;
    case 'partition':
      await d.cluster.network.setLink(node, false);
      await sleep(s.faults.partitionSeconds * 1000, t.signal);
      await d.cluster.network.setLink(node, true);
      return;
  }
}

/** Brings the faulted node back to a working agent (and echo backend) before the next trial. */
async function restore(t: TrialSpec, i: number): Promise<void> {
  const d = t.deployment;
  const node = d.cluster.nodes[i]!;
  if (t.fault === 'crash') {
    await d.echoes.get(i)?.waitForExit();
    await d.startEcho(node);
  }
  if (t.fault === 'crash' || t.fault === 'graceful') {
    await d.agents.get(i)?.waitForExit();
    d.agents.delete(i);
    await d.startAgent(i);
  }
  await sleep(d.scenario.faults.settleSeconds * 1000, t.signal);
  const vips = d.services.flatMap((s) => (s.vip ? [s.vip] : []));
  await waitUntilAllAnswer(
    d.cluster.network.client.netns,
    vips,
    d.scenario.services.echo.port,
    60_000,
    t.signal,
  );
}
