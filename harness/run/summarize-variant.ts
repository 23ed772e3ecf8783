import { fitInRun, type InRunFit, summarizeInRunCalibration } from '../calibrate/in-run-calibration.js';
import { type LeaseModel, relativeError, serviceLeasesOnly } from '../measure/analytic-model.js';
import type {
  Environment,
  FaultKind,
  Interval,
  Summary,
  TrialRecord,
  VariantSummary,
  WindowRecord,
} from '../results/results-schema.js';
import { bootstrapMedian, median, percentiles } from '../results/statistics.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import { strategyText } from '../scenario/strategy-schema.js';
import { firstSaturation, type RepetitionWindows, summarizeControlPlane } from './summarize-control-plane.js';

/** What the runner knows about a variant besides its samples. */
export interface VariantMeta {
  id: string;
  label: string;
  params: VariantSummary['params'];
  scenario: Scenario;
  /** Time from creating the services until every VIP answered a probe; null when not measured. */
  announceTimeMs: number | null;
  /** The in-run calibration's fit when the caller has made it already (it writes it too); else fitted here. */
  inRunFit?: InRunFit | null;
}

// The container figure (docker backend only) stays in the windows; summaries use the per-process
// ones. The components a backend may not run are summarized in summarize-control-plane.ts.
type CpuKey = Exclude<
  keyof WindowRecord['cpuMillicores'],
  'controlPlaneContainer' | 'controllerManager' | 'scheduler'
>;

/** Verbs in a fixed order first (the model's), the rest alphabetically. */
const VERB_ORDER = ['GET', 'PUT', 'POST'];

function scaleInterval(interval: Interval, factor: number): Interval {
  return {
    median: interval.median * factor,
    lo: interval.lo * factor,
    hi: interval.hi * factor,
    n: interval.n,
  };
}

/** Lease request rates of one window by verb (uppercase), summed over response codes. */
function ratesByVerb(window: WindowRecord | undefined): Map<string, number> {
  const rates = new Map<string, number>();
  for (const rate of window?.leaseRequests ?? []) {
    const verb = rate.verb.toUpperCase();
    rates.set(verb, (rates.get(verb) ?? 0) + rate.perSecond);
  }
  return rates;
}

function modelRate(model: LeaseModel | null, verb: string): number | null {
  if (!model) return null;
  if (verb === 'GET') return model.getPerSecond;
  if (verb === 'PUT') return model.updatePerSecond;
  if (verb === 'POST') return model.createPerSecond;
  if (verb === 'WATCH') return model.watchPerSecond;
  if (verb === 'LIST') return model.listPerSecond;
  return null;
}

function nullableInterval(values: readonly (number | null)[]): Interval | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : bootstrapMedian(present);
}

/**
 * One variant's results from its windows and trials. Pure: the runner passes every record it
 * wrote (records of other variants are ignored) and the analytic model (null when there is none).
 *
 * - CPU: windows pair by repetition; the overhead is announce − baseline of kube-apiserver + etcd
 *   (`controlPlane`) per repetition, summarized as a median with a bootstrap interval, and as a
 *   % of a `coresK`-core node (millicores / (10 × K)), the seed's unit.
 * - Lease requests: by verb, summed over codes. With a baseline, each repetition's baseline rate
 *   is subtracted, so only the announcers' traffic is compared with the model (the apiserver's own
 *   identity lease and the controller manager's and scheduler's keep renewing in baseline
 *   windows); without one, the idle window's rate when there is one. GET is compared with the model's gets,
 *   PUT with its updates, POST with its creates.
 * - Failover: percentiles per fault kind.
 * - `notes` say what is missing and why a figure is absent.
 */
export function summarizeVariant(
  meta: VariantMeta,
  windows: readonly WindowRecord[],
  trials: readonly TrialRecord[],
  model: LeaseModel | null,
  coresK: number,
): VariantSummary {
  const s = meta.scenario;
  const notes: string[] = [];

  const byRepetition = new Map<number, RepetitionWindows>();
  for (const window of windows) {
    // Calibration windows are several per repetition; they go to the in-run fit, not to a phase.
    if (window.variantId !== meta.id || window.phase === 'calibration') continue;
    const entry = byRepetition.get(window.repetition) ?? {};
    if (entry[window.phase]) {
      notes.push(`repetition ${window.repetition} has two ${window.phase} windows: the later one is used`);
    }
    entry[window.phase] = window;
    byRepetition.set(window.repetition, entry);
  }
  const repetitions = [...byRepetition.keys()].sort((a, b) => a - b);
  const announced = repetitions.flatMap((r) => byRepetition.get(r)?.announce ?? []);
  const baselines = repetitions.flatMap((r) => byRepetition.get(r)?.baseline ?? []);
  const paired = repetitions.flatMap((r) => {
    const { baseline, announce } = byRepetition.get(r) ?? {};
    return baseline && announce ? [{ baseline, announce }] : [];
  });
  const vsIdle = repetitions.flatMap((r) => {
    const { idle, announce } = byRepetition.get(r) ?? {};
    return idle && announce ? [{ idle, announce }] : [];
  });

  if (announced.length === 0) {
    notes.push('no announce windows recorded: CPU and request rates not measured');
  } else if (announced.length < s.measurement.repetitions) {
    notes.push(`${announced.length} of ${s.measurement.repetitions} repetitions measured`);
  }
  if (!s.measurement.baseline) {
    notes.push(
      vsIdle.length > 0
        ? 'baseline disabled: overhead vs no agents not measured; request rates are announce − idle (agents running, no service selected)'
        : 'baseline disabled: overhead not measured; request rates include non-announcer lease traffic',
    );
  } else {
    for (const r of repetitions) {
      const { baseline, announce } = byRepetition.get(r) ?? {};
      if (announce && !baseline)
        notes.push(`repetition ${r} has no baseline window: left out of the overhead`);
      if (baseline && !announce)
        notes.push(`repetition ${r} has no announce window: left out of the overhead`);
    }
  }

  const cpuOf = (list: readonly WindowRecord[], key: CpuKey) =>
    bootstrapMedian(list.map((w) => w.cpuMillicores[key]));
  const overheadOf = (key: CpuKey) =>
    bootstrapMedian(paired.map((p) => p.announce.cpuMillicores[key] - p.baseline.cpuMillicores[key]));
  const controlPlaneOverhead = overheadOf('controlPlane');
  const idleOver = repetitions.flatMap((r) => {
    const { idle, baseline } = byRepetition.get(r) ?? {};
    return idle && baseline ? [{ idle, baseline }] : [];
  });
  const overVsIdle = (key: CpuKey) =>
    bootstrapMedian(vsIdle.map((p) => p.announce.cpuMillicores[key] - p.idle.cpuMillicores[key]));
  const vsIdleOverhead = vsIdle.length === 0 ? undefined : overVsIdle('controlPlane');
  const idleFigures =
    vsIdleOverhead === undefined
      ? {}
      : {
          overheadVsIdleMillicores: vsIdleOverhead,
          overheadVsIdlePctOfNode: scaleInterval(vsIdleOverhead, 1 / (10 * coresK)),
          apiserverOverheadVsIdleMillicores: overVsIdle('apiserver'),
          etcdOverheadVsIdleMillicores: overVsIdle('etcd'),
          ...(idleOver.length === 0
            ? {}
            : {
                agentsIdleMillicores: bootstrapMedian(
                  idleOver.map(
                    (p) => p.idle.cpuMillicores.controlPlane - p.baseline.cpuMillicores.controlPlane,
                  ),
                ),
              }),
        };
  // Rates net of the cluster's own lease traffic: announce − baseline, or without baseline windows
  // announce − idle (the same agents, electing nothing), else raw.
  const againstIdle = !s.measurement.baseline && vsIdle.length > 0;
  const requestWindows = s.measurement.baseline
    ? paired
    : againstIdle
      ? vsIdle.map(({ announce, idle }) => ({ announce, baseline: idle }))
      : announced.map((announce) => ({ announce }));
  // Against idle windows the operator's Lease and the GC's LISTs cancel: compare the service leases.
  const requestModel = againstIdle && model ? serviceLeasesOnly(model) : model;

  return {
    id: meta.id,
    label: meta.label,
    params: meta.params,
    nodes: s.nodes.count + s.nodes.unselected.count,
    selectedNodes: s.nodes.count,
    announcedServices: s.services.announced,
    // A kube-vip mode other than its per-service default is a row of its own in every table.
    implementation:
      s.announcer.implementation === 'kube-vip' && s.announcer.kubeVipMode !== 'per-service'
        ? `kube-vip ${s.announcer.kubeVipMode}`
        : s.announcer.implementation,
    strategy: strategyText(s.announcer.strategy),
    renewMode: s.announcer.renewMode,
    selection: s.announcer.selection,
    leaseDurationMs: s.announcer.leaseDurationMs,
    renewDeadlineMs: s.announcer.renewDeadlineMs,
    retryPeriodMs: s.announcer.retryPeriodMs,
    windowSeconds: s.measurement.windowSeconds,
    repetitions: s.measurement.repetitions,
    announceTimeMs: meta.announceTimeMs,
    cpu: {
      baselineMillicores: cpuOf(baselines, 'controlPlane'),
      announceMillicores: cpuOf(announced, 'controlPlane'),
      controlPlaneOverheadMillicores: controlPlaneOverhead,
      apiserverOverheadMillicores: overheadOf('apiserver'),
      etcdOverheadMillicores: overheadOf('etcd'),
      controlPlaneOverheadPctOfNode: scaleInterval(controlPlaneOverhead, 1 / (10 * coresK)),
      announcersMillicores: cpuOf(announced, 'announcers'),
      harnessMillicores: cpuOf(announced, 'harness'),
      ...idleFigures,
    },
    controlPlane: summarizeControlPlane(repetitions.flatMap((r) => byRepetition.get(r) ?? [])),
    requests: summarizeRequests(requestWindows, requestModel, notes),
    requestsTotal: summarizeTotal(requestWindows, requestModel),
    etcd: {
      writesPerSecond: nullableInterval(announced.map((w) => w.etcd.writesPerSecond)),
      fsyncsPerSecond: nullableInterval(announced.map((w) => w.etcd.fsyncsPerSecond)),
      dbSizeGrowthBytes: nullableInterval(announced.map((w) => w.etcd.dbSizeGrowthBytes)),
    },
    ...agentFootprint(announced),
    failover: summarizeFailover(
      s,
      trials.filter((t) => t.variantId === meta.id),
      notes,
    ),
    ...inRunCalibrationSummary(meta, windows, vsIdleOverhead, notes),
    notes,
  };
}

/** The in-run calibration's unit costs and prediction, when the variant ran calibration windows. */
function inRunCalibrationSummary(
  meta: VariantMeta,
  windows: readonly WindowRecord[],
  measuredVsIdle: Interval | undefined,
  notes: string[],
): Pick<VariantSummary, 'calibration'> {
  if (!windows.some((w) => w.variantId === meta.id && w.phase === 'calibration')) return {};
  const fit = meta.inRunFit !== undefined ? meta.inRunFit : fitInRun(windows, meta.id);
  if (!fit) {
    notes.push('calibration windows could not separate GET from PUT: no in-run unit costs');
    return {};
  }
  return { calibration: summarizeInRunCalibration(fit, meta.scenario, measuredVsIdle, meta.id) };
}

/** Per-agent RSS and CPU pooled over the announce windows (one value per agent per window). */
function agentFootprint(announced: readonly WindowRecord[]): Pick<VariantSummary, 'agentFootprint'> {
  const all = announced.flatMap((w) => w.agents ?? []);
  if (all.length === 0) return {};
  const stat = (values: number[]) => ({ median: median(values), max: Math.max(...values), n: values.length });
  return {
    agentFootprint: {
      agents: new Set(all.map((a) => a.node)).size,
      rssBytes: stat(all.map((a) => a.rssBytes)),
      cpuMillicores: stat(all.map((a) => a.cpuMillicores)),
    },
  };
}

function summarizeRequests(
  windows: readonly { announce: WindowRecord; baseline?: WindowRecord }[],
  model: LeaseModel | null,
  notes: string[],
): VariantSummary['requests'] {
  if (!model) notes.push('no analytic model for this variant: request rates not compared');
  const net = windows.map(({ announce, baseline }) => {
    const rates = ratesByVerb(announce);
    for (const [verb, perSecond] of ratesByVerb(baseline))
      rates.set(verb, (rates.get(verb) ?? 0) - perSecond);
    return rates;
  });
  const verbs = new Set(net.flatMap((rates) => [...rates.keys()]));
  if (model && net.length > 0) {
    if (model.getPerSecond > 0) verbs.add('GET');
    if (model.updatePerSecond > 0) verbs.add('PUT');
  }
  const rank = (verb: string) => (VERB_ORDER.includes(verb) ? VERB_ORDER.indexOf(verb) : VERB_ORDER.length);
  const ordered = [...verbs].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return ordered.map((verb) => {
    // A verb absent from a window was not requested in it: 0, not missing.
    const measuredPerSecond = bootstrapMedian(net.map((rates) => rates.get(verb) ?? 0));
    const modelPerSecond = modelRate(model, verb);
    return {
      verb,
      measuredPerSecond,
      modelPerSecond,
      relativeError: modelPerSecond === null ? null : relativeError(measuredPerSecond.median, modelPerSecond),
    };
  });
}

/** The model's requests per second over every verb it predicts. */
export function modelTotalPerSecond(model: LeaseModel): number {
  return (
    model.getPerSecond +
    model.updatePerSecond +
    model.createPerSecond +
    model.watchPerSecond +
    model.listPerSecond
  );
}

function summarizeTotal(
  windows: readonly { announce: WindowRecord; baseline?: WindowRecord }[],
  model: LeaseModel | null,
): VariantSummary['requestsTotal'] {
  const sum = (w: WindowRecord | undefined) => [...ratesByVerb(w).values()].reduce((a, b) => a + b, 0);
  const measuredPerSecond = bootstrapMedian(windows.map((w) => sum(w.announce) - sum(w.baseline)));
  const modelPerSecond = model ? modelTotalPerSecond(model) : null;
  return {
    measuredPerSecond,
    modelPerSecond,
    relativeError:
      modelPerSecond === null || measuredPerSecond.n === 0
        ? null
        : relativeError(measuredPerSecond.median, modelPerSecond),
  };
}

function summarizeFailover(
  s: Scenario,
  trials: readonly TrialRecord[],
  notes: string[],
): VariantSummary['failover'] {
  const kinds: FaultKind[] = [...s.faults.kinds];
  for (const trial of trials) if (!kinds.includes(trial.fault)) kinds.push(trial.fault);
  return kinds.map((fault) => {
    const ofKind = trials.filter((t) => t.fault === fault).sort((a, b) => a.trial - b.trial);
    const present = (pick: (t: TrialRecord) => number | null) =>
      ofKind.map(pick).filter((v): v is number => v !== null);
    const failedTrials = ofKind.filter((t) => t.outageMs === null).length;
    // Trials where two answering announcers could not be seen (kind, cluster: see failover-trial.ts).
    const observable = ofKind.filter((t) => t.dualAnsweringSource !== 'none');
    const dual = observable.filter((t) => t.dualAnsweringMs > 0);
    if (observable.length < ofKind.length) {
      notes.push(
        `${fault}: two nodes answering not observed in ${ofKind.length - observable.length} of ${ofKind.length} trials (the probes reach an echo pod through kube-proxy, so they do not name the announcer, and no wire watch ran)`,
      );
    }
    if (ofKind.length < s.faults.trialsPerKind) {
      notes.push(`${fault}: ${ofKind.length} of ${s.faults.trialsPerKind} trials recorded`);
    }
    if (failedTrials > 0) {
      notes.push(
        `${fault}: ${failedTrials} of ${ofKind.length} trials never recovered (no good probe after the fault)`,
      );
    }
    const wire = ofKind.filter((t) => t.dualAnsweringSource === 'wire').length;
    if (dual.length > 0) {
      const longest = Math.max(...dual.map((t) => t.dualAnsweringMs));
      const from =
        wire === observable.length
          ? 'on the wire'
          : wire === 0
            ? 'by the probes'
            : 'on the wire or by the probes';
      notes.push(
        `${fault}: ${dual.length} of ${observable.length} trials had two nodes answering ${from} (longest ${longest} ms)`,
      );
    }
    const outages = ofKind.flatMap((t) => (t.apiOutage ? [t.apiOutage] : []));
    return {
      fault,
      outageMs: percentiles(present((t) => t.outageMs)),
      takeoverMs: percentiles(present((t) => t.takeoverMs)),
      arpConvergenceMs: percentiles(present((t) => t.arpConvergenceMs)),
      dualAnsweringTrials: dual.length,
      dualAnsweringMs: percentiles(observable.map((t) => t.dualAnsweringMs)),
      dualAnsweringWireTrials: wire,
      ...(ofKind.some((t) => t.dualAnsweringAfterLiftMs !== undefined)
        ? {
            dualAnsweringAfterLiftMs: percentiles(
              ofKind.flatMap((t) =>
                t.dualAnsweringAfterLiftMs === undefined ? [] : [t.dualAnsweringAfterLiftMs],
              ),
            ),
          }
        : {}),
      ...(outages.length > 0
        ? {
            apiOutage: {
              vipsSilent: percentiles(outages.map((o) => o.vipsSilent)),
              silentMs: percentiles(outages.flatMap((o) => o.silentMs)),
              answeredAfterRestoreMs: percentiles(
                outages.flatMap((o) => o.answeredAfterRestoreMs.filter((v): v is number => v !== null)),
              ),
            },
          }
        : {}),
      failedTrials,
    };
  });
}

/** Everything `summary.json` holds besides the variants. */
export interface RunInfo {
  runId: string;
  scenario: Scenario;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; null while the run is going (the summary is rewritten after every variant). */
  finishedAt: string | null;
  environment: Environment;
  /** Variants the sweep has; the run is complete when all of them are summarized and it finished. */
  expectedVariants: number;
}

/** Assembles `summary.json` from the variants summarized so far. Pure. */
export function summarizeRun(run: RunInfo, variants: readonly VariantSummary[]): Summary {
  return {
    formatVersion: 1,
    runId: run.runId,
    scenario: run.scenario.name,
    ...(run.scenario.question ? { question: run.scenario.question } : {}),
    ...(run.scenario.reference ? { reference: run.scenario.reference } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    complete: run.finishedAt !== null && variants.length === run.expectedVariants,
    coresK: run.scenario.coresK,
    environment: run.environment,
    variants: [...variants],
    firstSaturation: firstSaturation(variants),
  };
}
