import { JITTER_FACTOR } from '../../announcer/election/election-config.js';
import type { StrategySpec } from '../../announcer/election/election-strategy.js';
import { strategyRequestsPerSecond } from '../../announcer/election/request-model.js';
import { KUBE_VIP_RENEW_MODE } from '../scenario/peer-rules.js';
import type { Scenario } from '../scenario/scenario-schema.js';

/**
 * client-go `leaderelection.JitterFactor`, from the agent's own election module. A candidate that
 * does not hold a lease retries through `wait.JitterUntil(retryPeriod, 1.2)`, so it waits
 * retryPeriod × (1 + rand × 1.2) between tries: uniformly between 1 and 2.2 retry periods, 1.6 on
 * average. The holder renews on a plain `wait.Until(retryPeriod)`, without jitter.
 */
export { JITTER_FACTOR };

/**
 * How the holder renews.
 * - `get-then-update`: client-go before 0.30 (Cilium 1.14): every try GETs the Lease and, when it
 *   is ours, PUTs it back with a fresh renewTime: 1 GET + 1 PUT per retry period.
 * - `update-first`: client-go 0.30+ (kubernetes/kubernetes#122069): the leader PUTs its cached
 *   Lease first and GETs only when that fails: 1 PUT per retry period in steady state.
 * Candidates that do not hold the lease GET it in both modes.
 */
export type RenewMode = 'get-then-update' | 'update-first';

export interface LeaseModelInput {
  /** Leases elected per service: the announced services (or every service in all-services mode). */
  services: number;
  /** Nodes contending for each lease (M): the nodes the policy selects. */
  candidateNodes: number;
  retryPeriodMs: number;
  renewMode: RenewMode;
  /** Candidates for the IPAM operator's own lease; default `candidateNodes`, 0 leaves the line out. */
  operatorCandidates?: number;
  /** How the operator's elector renews; default `renewMode` (differs when kube-vip elects services). */
  operatorRenewMode?: RenewMode;
  /** Who elects the service leases: the bundled agent, or kube-vip (client-go v0.33: update-first). */
  implementation?: 'bundled' | 'kube-vip' | 'metallb';
  /** Election strategy of the service leases (`--strategy`); default per-service. */
  strategy?: StrategySpec;
  /** Needed by the watch-based strategies (their holders renew every max(RP, min(LD/3, RD − RP))). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  /**
   * Agents running Cilium's lease GC (one LIST of the lease namespace per agent per minute):
   * every bundled agent that elects services, selected by the policy or not. Default 0.
   */
  gcAgents?: number;
}

/** Cilium's lease GC timer (pkg/l2announcer), which the bundled agent keeps. */
export const LEASE_GC_PERIOD_MS = 60_000;

/** One source of lease traffic. */
export interface LeaseModelLine {
  name: 'service-leases' | 'operator-lease';
  leases: number;
  candidates: number;
  getPerSecond: number;
  updatePerSecond: number;
  /** Watch strategies: their long-running watches, resumed about every 45 min. */
  watchPerSecond: number;
}

/** Expected steady-state lease request rates at the kube-apiserver. */
export interface LeaseModel {
  getPerSecond: number;
  updatePerSecond: number;
  watchPerSecond: number;
  /** The lease GC's LISTs: `gcAgents` per minute. */
  listPerSecond: number;
  /** Leases are created once, at acquisition; none in steady state. */
  createPerSecond: 0;
  lines: LeaseModelLine[];
}

function line(
  name: LeaseModelLine['name'],
  leases: number,
  candidates: number,
  input: LeaseModelInput,
  strategy: StrategySpec,
  renewMode: RenewMode,
): LeaseModelLine {
  // The agent's own election module holds the arithmetic, so model and agent agree.
  const { retryPeriodMs } = input;
  // The timings matter only to the watch strategies; client-go's defaults keep the ratio if unset.
  const leaseDurationMs = input.leaseDurationMs ?? retryPeriodMs * 7.5;
  const renewDeadlineMs = input.renewDeadlineMs ?? retryPeriodMs * 2.5;
  const rates = strategyRequestsPerSecond({
    strategy,
    services: leases,
    candidates,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
    renewMode,
  });
  return {
    name,
    leases,
    candidates,
    getPerSecond: rates.get,
    updatePerSecond: rates.update,
    watchPerSecond: rates.watch,
  };
}

/**
 * Lease requests per second for `input.strategy` (default per-service, see
 * `strategyRequestsPerSecond` in the announcer). For per-service, from N leases and M
 * candidates: per lease, the holder renews
 * every retry period (GET + PUT, or a bare PUT in update-first mode) and each of the M − 1 others
 * GETs it every 1.6 retry periods on average. The IPAM operator's lease is a separate line with
 * the same arithmetic (1 lease, `operatorCandidates` candidates). Pure.
 */
export function leaseRequestModel(input: LeaseModelInput): LeaseModel {
  const perService: StrategySpec = { kind: 'per-service' };
  const lines = [
    line(
      'service-leases',
      input.services,
      input.candidateNodes,
      input,
      input.strategy ?? perService,
      input.renewMode,
    ),
  ];
  const operatorCandidates = input.operatorCandidates ?? input.candidateNodes;
  if (operatorCandidates > 0) {
    // The operator's lease is always a client-go style election, whatever the strategy.
    const mode = input.operatorRenewMode ?? input.renewMode;
    lines.push(line('operator-lease', 1, operatorCandidates, input, perService, mode));
  }
  return modelOfLines(lines, ((input.gcAgents ?? 0) * 1000) / LEASE_GC_PERIOD_MS);
}

/** A model from its lines: their rates summed, with the lease GC's LISTs beside them. */
function modelOfLines(lines: LeaseModelLine[], listPerSecond: number): LeaseModel {
  return {
    getPerSecond: lines.reduce((sum, l) => sum + l.getPerSecond, 0),
    updatePerSecond: lines.reduce((sum, l) => sum + l.updatePerSecond, 0),
    watchPerSecond: lines.reduce((sum, l) => sum + l.watchPerSecond, 0),
    listPerSecond,
    createPerSecond: 0,
    lines,
  };
}

/**
 * What announce − idle measures: the service-lease lines alone. In an idle window the same agents
 * and operator run with no service selected, so the operator's own Lease and the agents' lease GC
 * LISTs are in both windows and cancel. Pure.
 */
export function serviceLeasesOnly(model: LeaseModel): LeaseModel {
  return modelOfLines(
    model.lines.filter((l) => l.name === 'service-leases'),
    0,
  );
}

/**
 * The model's input for a scenario. In all-services mode every Service is elected (the Cilium bug
 * the seed hit): announced, unannounced and ClusterIP services plus `systemServices`, the ones
 * the cluster brings itself (default 1: `default/kubernetes`, which every kube-apiserver creates).
 */
export function leaseModelInputFor(
  scenario: Scenario,
  options: { systemServices?: number } = {},
): LeaseModelInput {
  const { announced, unannounced, clusterIP } = scenario.services;
  const elected =
    scenario.announcer.selection === 'policy'
      ? announced
      : announced + unannounced + clusterIP + (options.systemServices ?? 1);
  // kube-vip's services-lease mode elects one Lease whatever the number of services.
  const oneLease =
    scenario.announcer.implementation === 'kube-vip' && scenario.announcer.kubeVipMode === 'services-lease';
  // MetalLB elects with memberlist and a hash, no Lease at all.
  const noLease = scenario.announcer.implementation === 'metallb';
  const services = noLease ? 0 : oneLease ? Math.min(1, elected) : elected;
  const { implementation, renewMode, retryPeriodMs } = scenario.announcer;
  // kube-vip's elections are client-go's leaderelection of the client-go in its go.mod, whatever
  // renewMode says; the bundled IPAM operator beside it still renews the scenario's way.
  return {
    services,
    candidateNodes: scenario.nodes.count,
    retryPeriodMs,
    renewMode: implementation === 'kube-vip' ? KUBE_VIP_RENEW_MODE : renewMode,
    operatorRenewMode: renewMode,
    implementation,
    leaseDurationMs: scenario.announcer.leaseDurationMs,
    renewDeadlineMs: scenario.announcer.renewDeadlineMs,
    // Every node runs a bundled agent (kube-vip runs: only the IPAM operator, which has no GC).
    gcAgents:
      implementation !== 'bundled' || scenario.announcer.leaseNameStyle !== 'cilium'
        ? 0
        : scenario.nodes.count + scenario.nodes.unselected.count,
  };
}

/**
 * (measured − model) / model: +0.1 means 10% more requests than predicted. 0 when both are 0,
 * null when only the model is 0 (no scale to compare against).
 */
export function relativeError(measured: number, model: number): number | null {
  if (model === 0) return measured === 0 ? 0 : null;
  return (measured - model) / model;
}

/**
 * The model of one variant as the runner summarizes it: the scenario's strategy, and the IPAM
 * operator's lease with one candidate (the harness runs one operator). `run` and `plan` both use it.
 */
export function leaseModelForScenario(scenario: Scenario): LeaseModel {
  return leaseRequestModel({
    ...leaseModelInputFor(scenario),
    strategy: scenario.announcer.strategy,
    // MetalLB's own controller does IPAM: no bundled operator, no operator Lease.
    operatorCandidates: scenario.announcer.implementation === 'metallb' ? 0 : 1,
  });
}
