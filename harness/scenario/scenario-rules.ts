import type { z } from 'zod';
import { JITTER_FACTOR } from '../../announcer/election/election-config.js';
import { ipv4Range, rangeContains, rangeSize } from '../util/ipv4-range.js';
import { kubeVipTimerIssues, metallbIssues } from './peer-rules.js';
import { MAX_NODES, type ScenarioFieldsOutput } from './scenario-schema.js';
import { acceptsScalar, objectKeysAt, schemaAtPath } from './schema-path.js';
import { strategyText } from './strategy-schema.js';
import { scenarioTakeoverBoundMs } from './takeover-bound.js';

/**
 * Addresses in the VIP pool a backend provides when the scenario sets none: the local backend's
 * 198.18.{16k+8}.0/22 (docs/design.md).
 */
export const DEFAULT_POOL_ADDRESSES = 1024;

/** The network rule: benchmark addresses come from 198.18.0.0/15 (RFC 2544 benchmarking) only. */
export const BENCHMARK_NETWORK = '198.18.0.0/15';

/** client-go leaderelection.JitterFactor: candidates wait retryPeriod × (1 + rand × 1.2). */
export const CLIENT_GO_JITTER_FACTOR = JITTER_FACTOR;

/**
 * Paths a sweep may not vary: they name or describe the run, pick its backend, set the unit of its
 * summary (`coresK` is one number per run) or define the sweep itself.
 */
export const UNSWEEPABLE_PATHS: ReadonlySet<string> = new Set([
  'name',
  'description',
  'question',
  'reference',
  'backend',
  'coresK',
  'sweep',
  'quickSweep',
  'sweepMode',
]);

type Ctx = z.RefinementCtx<ScenarioFieldsOutput>;

/**
 * Cross-field rules of a scenario. Each message names the fields, carries their values and says
 * how to fix it; client-go's own rules are repeated here so a bad file fails before any cluster.
 */
export function scenarioRules(s: ScenarioFieldsOutput, ctx: Ctx, fields: z.ZodType): void {
  const fail = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = s.announcer;

  // client-go NewLeaderElector: LeaseDuration > RenewDeadline > JitterFactor × RetryPeriod.
  if (renewDeadlineMs >= leaseDurationMs) {
    fail(
      ['announcer', 'renewDeadlineMs'],
      `announcer.renewDeadlineMs (${renewDeadlineMs}) must be shorter than announcer.leaseDurationMs ` +
        `(${leaseDurationMs}): lower renewDeadlineMs or raise leaseDurationMs`,
    );
  }
  const jitteredMs = CLIENT_GO_JITTER_FACTOR * retryPeriodMs;
  if (renewDeadlineMs <= jitteredMs) {
    fail(
      ['announcer', 'renewDeadlineMs'],
      `announcer.renewDeadlineMs (${renewDeadlineMs}) must be longer than 1.2 × announcer.retryPeriodMs ` +
        `(1.2 × ${retryPeriodMs} = ${jitteredMs}, client-go's rule): raise renewDeadlineMs or lower retryPeriodMs`,
    );
  }

  if (s.announcer.implementation === 'kube-vip') checkKubeVip(s, fail);
  if (s.announcer.implementation === 'metallb') checkMetallb(s, fail);
  if (s.announcer.implementation !== 'kube-vip' && s.announcer.kubeVipMode !== 'per-service') {
    fail(
      ['announcer', 'kubeVipMode'],
      `announcer.kubeVipMode (${s.announcer.kubeVipMode}) is a kube-vip mode that implementation ${s.announcer.implementation} does not have: set implementation kube-vip or leave kubeVipMode unset`,
    );
  }

  const totalNodes = s.nodes.count + s.nodes.unselected.count;
  if (totalNodes > MAX_NODES) {
    fail(
      ['nodes'],
      `nodes.count + nodes.unselected.count (${s.nodes.count} + ${s.nodes.unselected.count} = ${totalNodes}) ` +
        `must be at most ${MAX_NODES}: use fewer nodes`,
    );
  }
  const selectsUnselected = Object.entries(s.nodes.labels).every(
    ([k, v]) => s.nodes.unselected.labels[k] === v,
  );
  if (s.nodes.unselected.count > 0 && selectsUnselected) {
    fail(
      ['nodes', 'unselected', 'labels'],
      `nodes.unselected.labels (${JSON.stringify(s.nodes.unselected.labels)}) match the policy's nodeSelector ` +
        `nodes.labels (${JSON.stringify(s.nodes.labels)}): give unselected nodes a label value the selector lacks`,
    );
  }
  if (s.services.unannounced > 0 && Object.keys(s.services.labels).length === 0) {
    fail(
      ['services', 'labels'],
      `services.labels is empty, so the policy selects all ${s.services.unannounced} services.unannounced too: ` +
        'set a label or set unannounced to 0',
    );
  }

  if (s.announcer.strategy.kind === 'per-service-watch' && s.announcer.leaseNameStyle !== 'cilium') {
    fail(
      ['announcer', 'leaseNameStyle'],
      `announcer.leaseNameStyle (${s.announcer.leaseNameStyle}) must be cilium with strategy per-service-watch: ` +
        "its one watch covers the lease namespace only (kube-vip names put leases in each service's namespace)",
    );
  }

  checkPool(s, fail);
  checkCalibration(s, fail);

  const seen = new Set<string>();
  for (const kind of s.faults.kinds) {
    if (seen.has(kind)) fail(['faults', 'kinds'], `faults.kinds lists ${kind} twice: list each kind once`);
    seen.add(kind);
  }

  const { windowSeconds, sampleHz } = s.measurement;
  if (windowSeconds * sampleHz < 2) {
    fail(
      ['measurement', 'windowSeconds'],
      `measurement.windowSeconds (${windowSeconds}) × measurement.sampleHz (${sampleHz}) gives fewer than 2 ` +
        'samples per window: lengthen the window or sample faster',
    );
  }
  if (windowSeconds * 1000 < 2 * retryPeriodMs) {
    fail(
      ['measurement', 'windowSeconds'],
      `measurement.windowSeconds (${windowSeconds}) must cover at least 2 × announcer.retryPeriodMs ` +
        `(${2 * retryPeriodMs} ms) to see steady lease traffic: lengthen the window`,
    );
  }

  if (s.faults.kinds.length > 0) {
    // Worst-case takeover after a crash under the strategy (its documented bound, at least lease
    // + 2.2 retry periods), or MetalLB's memberlist failure detection.
    const takeoverMs = scenarioTakeoverBoundMs(s);
    const probeMs = s.probes.maxDurationSeconds * 1000;
    if (probeMs <= takeoverMs) {
      fail(
        ['probes', 'maxDurationSeconds'],
        `probes.maxDurationSeconds (${s.probes.maxDurationSeconds}) must outlast the worst-case takeover ` +
          (s.announcer.implementation === 'metallb'
            ? `of metallb (${takeoverMs} ms, memberlist's failure detection among ${s.nodes.count} speakers): raise maxDurationSeconds`
            : `of ${strategyText(s.announcer.strategy)} (${takeoverMs} ms at these timers): raise maxDurationSeconds`),
      );
    }
    for (const field of ['freezeSeconds', 'partitionSeconds', 'controlPlaneOutageSeconds'] as const) {
      if (field === 'controlPlaneOutageSeconds' && !s.faults.kinds.includes('control-plane-outage')) continue;
      const seconds = s.faults[field];
      if (seconds !== undefined && seconds >= s.probes.maxDurationSeconds) {
        fail(
          ['faults', field],
          `faults.${field} (${seconds}) must be shorter than probes.maxDurationSeconds ` +
            `(${s.probes.maxDurationSeconds}) so probes see the recovery: shorten it or raise maxDurationSeconds`,
        );
      }
    }
  }

  checkSweep(s, fields, fail);
  checkSweep(s, fields, fail, 'quickSweep');
}

/** What kube-vip v1.0.0 cannot be asked to do (see harness/peers/kube-vip.ts). */
function checkKubeVip(s: ScenarioFieldsOutput, fail: (path: PropertyKey[], message: string) => void): void {
  for (const issue of kubeVipTimerIssues(s.announcer)) fail(['announcer', issue.field], issue.message);
  if (s.announcer.selection === 'all-services') {
    fail(
      ['announcer', 'selection'],
      'announcer.selection all-services reproduces a Cilium bug that kube-vip does not have (it elects only LoadBalancer services with an address): use selection policy with implementation kube-vip',
    );
  }
  // A services-lease holder that loses its Lease panics (kube-vip expects a restart); the local
  // backend restarts a peer only after crash and graceful, so a frozen or cut-off holder would
  // leave the following trials a node short.
  const noRestart = s.faults.kinds.filter((k) => k === 'freeze' || k === 'partition');
  if (s.announcer.kubeVipMode === 'services-lease' && noRestart.length > 0) {
    fail(
      ['faults', 'kinds'],
      `faults.kinds (${noRestart.join(', ')}) cannot run with announcer.kubeVipMode services-lease: its holder exits when it loses the Lease and is restarted only after crash or graceful; use kinds crash and graceful`,
    );
  }
  // kube-vip elects the way its own code does (one client-go elector per service); the bundled
  // agent's strategies are not something it can be asked for.
  if (s.announcer.strategy.kind !== 'per-service') {
    fail(
      ['announcer', 'strategy'],
      `announcer.strategy (${strategyText(s.announcer.strategy)}) is a bundled-agent strategy that implementation kube-vip does not have: leave strategy unset (per-service) with implementation kube-vip`,
    );
  }
}

/** What MetalLB v0.15.2 in L2 mode cannot be asked to do (see harness/peers/metallb.ts). */
function checkMetallb(s: ScenarioFieldsOutput, fail: (path: PropertyKey[], message: string) => void): void {
  const a = s.announcer;
  const issues = metallbIssues({
    ...a,
    strategyKind: a.strategy.kind,
    strategyText: strategyText(a.strategy),
  });
  for (const issue of issues) fail(['announcer', issue.field], issue.message);
  if (s.backend !== 'local') {
    fail(
      ['announcer', 'implementation'],
      `announcer.implementation metallb runs on backend local only (its speakers in the node namespaces), not ${s.backend}: use backend local`,
    );
  }
  if (s.services.sharedAddress) {
    fail(
      ['services', 'sharedAddress'],
      "services.sharedAddress (true) uses Cilium's sharing key, which implementation metallb does not read: set sharedAddress false with implementation metallb",
    );
  }
}

/** In-run calibration needs k6 in the client namespace (local) and the idle windows as its intercept. */
function checkCalibration(
  s: ScenarioFieldsOutput,
  fail: (path: PropertyKey[], message: string) => void,
): void {
  const c = s.measurement.calibration;
  if (c.getPerSecond.length + c.putPerSecond.length === 0) return;
  if (c.getPerSecond.length === 0 || c.putPerSecond.length === 0)
    fail(
      ['measurement', 'calibration', c.getPerSecond.length === 0 ? 'getPerSecond' : 'putPerSecond'],
      `measurement.calibration needs rates of both verbs to separate their costs (getPerSecond [${c.getPerSecond.join(', ')}], putPerSecond [${c.putPerSecond.join(', ')}]): give each at least one rate, e.g. [40]`,
    );
  if (s.backend !== 'local')
    fail(
      ['measurement', 'calibration'],
      `measurement.calibration runs on backend local only (k6 in the client namespace), not ${s.backend}: use backend local, or \`l2bench calibrate\``,
    );
  if (!s.measurement.idle || s.announcer.implementation !== 'bundled')
    fail(
      ['measurement', 'calibration'],
      'measurement.calibration needs idle windows (its intercept): set measurement.idle true with announcer.implementation bundled',
    );
}

function checkPool(s: ScenarioFieldsOutput, fail: (path: PropertyKey[], message: string) => void): void {
  const lbServices = s.services.announced + s.services.unannounced;
  let capacity = DEFAULT_POOL_ADDRESSES;
  let poolText = `the backend's default pool (${DEFAULT_POOL_ADDRESSES} addresses)`;
  if (s.pool) {
    const { cidr, start, stop } = s.pool;
    const hasRange = start !== undefined || stop !== undefined;
    if ((cidr === undefined) === !hasRange || (hasRange && (start === undefined || stop === undefined))) {
      fail(['pool'], `pool (${JSON.stringify(s.pool)}) must set either cidr or both start and stop`);
      return;
    }
    const range = ipv4Range(s.pool);
    if (!range) {
      fail(['pool', 'stop'], `pool.stop (${stop}) must not come before pool.start (${start}): swap them`);
      return;
    }
    const network = ipv4Range({ cidr: BENCHMARK_NETWORK })!;
    if (!rangeContains(network, range)) {
      fail(
        ['pool'],
        `pool (${cidr ?? `${start}-${stop}`}) lies outside ${BENCHMARK_NETWORK}, the only addresses l2bench ` +
          'may use: pick a range inside it',
      );
      return;
    }
    capacity = rangeSize(range);
    poolText = `pool ${cidr ?? `${start}-${stop}`} (${capacity} addresses)`;
  }
  if (lbServices > capacity) {
    fail(
      ['services', 'announced'],
      `services.announced + services.unannounced (${s.services.announced} + ${s.services.unannounced} = ` +
        `${lbServices}) LoadBalancer services exceed ${poolText}: enlarge the pool or use fewer services`,
    );
  }
}

function checkSweep(
  s: ScenarioFieldsOutput,
  fields: z.ZodType,
  fail: (path: PropertyKey[], message: string) => void,
  field: 'sweep' | 'quickSweep' = 'sweep',
): void {
  const entries = Object.entries(s[field] ?? {});
  for (const [key, values] of entries) {
    const path = key.split('.');
    if (UNSWEEPABLE_PATHS.has(key)) {
      fail(
        [field, key],
        `${field} key ${key} applies to the whole run and cannot be swept: remove it from ${field}`,
      );
      continue;
    }
    const target = schemaAtPath(fields, path);
    if (!target) {
      const parent = path.slice(0, -1);
      const known = objectKeysAt(fields, parent).filter((k) => !UNSWEEPABLE_PATHS.has(k));
      const under = parent.length > 0 ? `fields under ${parent.join('.')}` : 'top-level fields';
      const hint = known.length > 0 ? ` (${under}: ${known.join(', ')})` : '';
      fail(
        [field, key],
        `${field} key ${key} is not a scenario field: use a dotted path like services.announced${hint}`,
      );
      continue;
    }
    if (!acceptsScalar(target)) {
      const children = objectKeysAt(fields, path);
      const what =
        children.length > 0 ? `one of its fields (${children.join(', ')})` : 'a single-valued field';
      fail([field, key], `${field} key ${key} names a section or list, not a single value: sweep ${what}`);
      continue;
    }
    if (values.length === 0)
      fail([field, key], `${field} key ${key} has no values: list at least one or remove it`);
  }
  if (s.sweepMode === 'zip' && entries.length > 1) {
    const lengths = entries.map(([key, values]) => `${key} has ${values.length}`);
    if (new Set(entries.map(([, values]) => values.length)).size > 1) {
      fail([field], `sweepMode zip needs ${field} lists of equal length: ${lengths.join(', ')}`);
    }
  }
}
