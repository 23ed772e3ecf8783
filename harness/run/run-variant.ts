import type { BenchTarget } from '../backends/bench-target.js';
import { calibrationSteps } from '../calibrate/in-run-calibration.js';
import { BackendError } from '../errors.js';
import { CpuSampler, type SampledProcess } from '../measure/cpu-sampler.js';
import type { TrialRecord, WindowPhase, WindowRecord } from '../results/results-schema.js';
import type { ResultsWriter } from '../results/results-writer.js';
import type { Variant } from '../scenario/expand-variants.js';
import { type Clock, systemClock } from './clock.js';
import { runFailoverTrial, type TrialSpec } from './failover-trial.js';
import { type LiveStatus, windowStatusText } from './live-status.js';
import { measureWindow, type WindowSpec } from './measure-window.js';

export interface VariantRun {
  windows: WindowRecord[];
  trials: TrialRecord[];
  announceTimeMs: number | null;
  notes: string[];
}

export interface VariantRunOptions {
  variant: Variant;
  /** Prepared for this variant (fresh, or reconfigured), with no agents running and no services. */
  target: BenchTarget;
  writer: ResultsWriter;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** A terminal's live line during windows (seconds left, lease req/s); unset off a TTY. */
  status?: LiveStatus;
  /** Defaults to the wall clock. */
  clock?: Clock;
  /** Defaults to scraping the target's endpoints. */
  scrape?: WindowSpec['scrape'];
  /** Defaults to {@link runFailoverTrial}. */
  runTrial?: (t: TrialSpec) => Promise<TrialRecord | null>;
}

/** Seconds between stopping the agents and a baseline window, so their last writes settle. */
const SETTLE_SECONDS = 3;

/**
 * How long IPAM and the announcers may take to bring every VIP up: 60 s, plus 1 s per service (the IPAM operator assigns about one address a second on a loaded host)
 * and 4 s per node (every agent starts at once and competes for the host's cores: 25 agents and
 * 200 services on 2 cores took over a minute).
 */
export function setupTimeoutMs(s: Variant['scenario']): number {
  return 60_000 + 1000 * s.services.announced + 4000 * (s.nodes.count + s.nodes.unselected.count);
}

/** One variant's run in progress: what the steps below share. */
interface VariantContext {
  o: VariantRunOptions;
  clock: Clock;
  sampler: CpuSampler;
  controlPlane: SampledProcess[];
  out: VariantRun;
  setupMs: number;
  /** The policy selects the scenario's services (true) or none (false, the idle window's). */
  announcing: boolean;
  servicesCreated: boolean;
}

/**
 * Runs one variant on a prepared target: alternating baseline (no agents) and announce windows
 * per repetition, then failover trials of every fault kind. Every record is appended to the
 * results as soon as it exists.
 */
export async function runVariant(o: VariantRunOptions): Promise<VariantRun> {
  const s = o.variant.scenario;
  using sampler = new CpuSampler(
    (r) => o.writer.append({ type: 'cpu', variantId: o.variant.id, ...r }),
    1000 / s.measurement.sampleHz,
  );
  const c: VariantContext = {
    o,
    clock: o.clock ?? systemClock,
    sampler,
    controlPlane: o.target.controlPlaneCpu(),
    out: { windows: [], trials: [], announceTimeMs: null, notes: [] },
    setupMs: setupTimeoutMs(s),
    announcing: true,
    servicesCreated: false,
  };
  sampler.watch(c.controlPlane);
  sampler.start();
  const idle = idleWindows(c);
  const calibrate = calibrationRuns(c, idle);
  for (let rep = 0; rep < s.measurement.repetitions && !o.signal.aborted; rep++) {
    if (s.measurement.baseline && !(await baselineWindow(c, rep))) break;
    if (!(await startAnnouncing(c, rep))) return c.out;
    if (!(await measure(c, 'announce', rep, [...c.controlPlane, ...o.target.agentCpu()]))) break;
    if (idle && !(await idleWindow(c, rep))) break;
    if (calibrate && !(await calibrationWindows(c, rep))) break;
  }
  // Leave the policy as the scenario has it, for the trials and for the next variant.
  if (!o.signal.aborted && !c.announcing) {
    await setAnnouncing(c, true);
    if (s.faults.kinds.length > 0)
      await o.target.waitUntilAllAnswer(announcedVips(o.target), c.setupMs, o.signal);
  }
  await runTrials(c);
  return c.out;
}

const announcedVips = (target: BenchTarget) => target.services.flatMap((x) => (x.vip ? [x.vip] : []));

/** Appends a phase span to the results. */
function phase(
  c: VariantContext,
  p: WindowPhase | 'warmup' | 'fault' | 'setup',
  label: string,
  startMs: number,
  endMs: number,
  repetition?: number,
): void {
  c.o.writer.append({
    type: 'phase',
    variantId: c.o.variant.id,
    phase: p,
    label,
    startMs,
    endMs,
    ...(repetition === undefined ? {} : { repetition }),
  });
}

/** Measures one window, appends it and its phase span; false when the run was interrupted. */
async function measure(
  c: VariantContext,
  p: WindowPhase,
  rep: number,
  processes: SampledProcess[],
  load?: WindowRecord['load'],
): Promise<boolean> {
  const { o } = c;
  const s = o.variant.scenario;
  const w = await measureWindow({
    variantId: o.variant.id,
    repetition: rep,
    phase: p,
    windowSeconds: s.measurement.windowSeconds,
    processes,
    endpoints: o.target.metrics,
    sampler: c.sampler,
    ...(o.target.controlPlaneLeases ? { leases: o.target.controlPlaneLeases } : {}),
    signal: o.signal,
    clock: c.clock,
    ...(o.scrape ? { scrape: o.scrape } : {}),
    ...(o.status
      ? {
          onTick: (left: number, rate: number | null) =>
            o.status?.update(windowStatusText(p, rep, s.measurement.repetitions, left, rate)),
        }
      : {}),
  });
  o.status?.done();
  if (!w) return false;
  const record: WindowRecord = load ? { ...w, load } : w;
  o.writer.append(record);
  c.out.windows.push(record);
  const label = load ? `calibration ${load.verb} ${load.targetPerSecond}/s ${rep + 1}` : `${p} ${rep + 1}`;
  phase(c, p, label, w.startMs, w.endMs, rep);
  return true;
}

/** Whether idle windows run; when the scenario asks for them and they cannot, a note says why. */
function idleWindows(c: VariantContext): boolean {
  const { target } = c.o;
  const s = c.o.variant.scenario;
  // kube-vip announces every LoadBalancer service it sees: no policy makes it idle.
  const bundled = s.announcer.implementation === 'bundled';
  const idle = s.measurement.idle && bundled && target.setAnnouncing !== undefined;
  if (s.measurement.idle && !idle)
    c.out.notes.push(
      bundled
        ? `idle windows not measured: the ${target.backend} backend cannot switch the policy`
        : `idle windows not measured: ${s.announcer.implementation} has no announcement policy to select nothing`,
    );
  return idle;
}

/** Points the policy at the services (or at none) unless it already does. */
async function setAnnouncing(c: VariantContext, on: boolean): Promise<void> {
  if (c.announcing === on || !c.o.target.setAnnouncing) return;
  await c.o.target.setAnnouncing(on);
  c.announcing = on;
}

/** Agents stopped, a settle, a window: the control plane without announcers. */
async function baselineWindow(c: VariantContext, rep: number): Promise<boolean> {
  const { o } = c;
  const m = o.variant.scenario.measurement;
  await o.target.stopAllAgents();
  await c.clock.sleep(SETTLE_SECONDS * 1000, o.signal);
  o.progress(`  rep ${rep + 1}/${m.repetitions}: baseline window ${m.windowSeconds}s (no agents)`);
  return measure(c, 'baseline', rep, c.controlPlane);
}

/**
 * Starts the agents and waits until every VIP answers, then warms up. The first time it creates
 * the services and takes the announce time; false when not every service got an address (a
 * finding, noted: no windows or trials after it).
 */
async function startAnnouncing(c: VariantContext, rep: number): Promise<boolean> {
  const { o, out } = c;
  const { target } = o;
  const m = o.variant.scenario.measurement;
  const t0 = c.clock.now();
  await setAnnouncing(c, true);
  await target.startAllAgents();
  if (!c.servicesCreated) {
    const created = c.clock.now();
    await target.createServices();
    try {
      await target.waitForAddresses(c.setupMs, o.signal);
    } catch (err) {
      // A control plane too slow to hand out addresses is a finding (saturation), not a crash.
      if (!(err instanceof BackendError)) throw err;
      out.notes.push(`not every service got an address: ${err.message}; no windows or trials after it`);
      o.progress(`  ${err.message}: no announce window for this variant`);
      return false;
    }
    c.servicesCreated = true;
    const ms = await target.waitUntilAllAnswer(announcedVips(target), c.setupMs, o.signal);
    out.announceTimeMs = ms === null ? null : c.clock.now() - created;
    if (ms === null)
      out.notes.push(`not every VIP answered within ${c.setupMs / 1000} s of creating the services`);
    o.progress(
      out.announceTimeMs === null
        ? `  services: ${target.services.length} created; NOT every one of ${announcedVips(target).length} VIPs answered within ${c.setupMs / 1000} s (noted in the summary)`
        : `  services: ${target.services.length} created, ${announcedVips(target).length} VIPs answering after ${out.announceTimeMs} ms`,
    );
  } else {
    await target.waitUntilAllAnswer(announcedVips(target), c.setupMs, o.signal);
  }
  await c.clock.sleep(m.warmupSeconds * 1000, o.signal);
  phase(c, 'warmup', `warm-up ${rep + 1}`, t0, c.clock.now(), rep);
  o.progress(`  rep ${rep + 1}/${m.repetitions}: announce window ${m.windowSeconds}s`);
  return true;
}

/**
 * The same agents, the policy selecting no service: they release their service Leases and keep
 * their watches and connections. The warm-up lets the releases settle.
 */
async function idleWindow(c: VariantContext, rep: number): Promise<boolean> {
  const { o } = c;
  const m = o.variant.scenario.measurement;
  const t1 = c.clock.now();
  await setAnnouncing(c, false);
  await c.clock.sleep(m.warmupSeconds * 1000, o.signal);
  phase(c, 'warmup', `idle settle ${rep + 1}`, t1, c.clock.now(), rep);
  o.progress(
    `  rep ${rep + 1}/${m.repetitions}: idle window ${m.windowSeconds}s (agents, no service selected)`,
  );
  return measure(c, 'idle', rep, [...c.controlPlane, ...o.target.agentCpu()]);
}

/** Whether calibration windows run; when the scenario asks for them and they cannot, a note says why. */
function calibrationRuns(c: VariantContext, idle: boolean): boolean {
  const cal = c.o.variant.scenario.measurement.calibration;
  if (calibrationSteps(cal).length === 0) return false;
  const why = !idle
    ? 'no idle windows (their intercept)'
    : c.o.target.startLeaseLoad
      ? null
      : `the ${c.o.target.backend} backend cannot drive k6 Lease load`;
  if (why) c.out.notes.push(`calibration windows not measured: ${why}`);
  return why === null;
}

/**
 * With the agents idle (after the idle window, policy selecting nothing), one window per rate of
 * k6's pure Lease GETs, then PUTs, each after its own warm-up: the in-run calibration, on the same
 * cluster and in the same minutes as the announce windows it explains.
 */
async function calibrationWindows(c: VariantContext, rep: number): Promise<boolean> {
  const { o } = c;
  const s = o.variant.scenario;
  const cal = s.measurement.calibration;
  const start = o.target.startLeaseLoad?.bind(o.target);
  if (!start) return true;
  for (const { verb, rate } of calibrationSteps(cal)) {
    if (o.signal.aborted) return false;
    const t0 = c.clock.now();
    // k6's own duration bounds the load: warm-up + window + 2 s, stopped after the window anyway.
    const load = await start(verb, rate, cal.warmupSeconds + s.measurement.windowSeconds + 2);
    try {
      await c.clock.sleep(cal.warmupSeconds * 1000, o.signal);
      if (!load.running)
        throw new BackendError(`calibration: k6 (${verb} ${rate}/s) exited early: see its log`);
      phase(c, 'warmup', `calibration warm-up ${verb} ${rate}/s ${rep + 1}`, t0, c.clock.now(), rep);
      o.progress(
        `  rep ${rep + 1}/${s.measurement.repetitions}: calibration window ${s.measurement.windowSeconds}s (idle agents + ${rate} Lease ${verb}/s)`,
      );
      const ok = await measure(c, 'calibration', rep, [...c.controlPlane, ...o.target.agentCpu()], {
        verb,
        targetPerSecond: rate,
      });
      if (!ok) return false;
    } finally {
      await load.stop(8000);
    }
  }
  return true;
}

/** Every fault kind's trials, round-robin over the announced services. */
async function runTrials(c: VariantContext): Promise<void> {
  const { o, out } = c;
  const { target } = o;
  const s = o.variant.scenario;
  const runTrial = o.runTrial ?? runFailoverTrial;
  const targets = target.services.filter((x) => x.announced && x.vip);
  let n = 0;
  for (const fault of s.faults.kinds) {
    for (let trial = 0; trial < s.faults.trialsPerKind && !o.signal.aborted; trial++) {
      const service = targets[n++ % Math.max(1, targets.length)];
      if (!service) {
        out.notes.push(`no announced service: ${fault} trials skipped`);
        break;
      }
      c.sampler.watch([...c.controlPlane, ...target.agentCpu()]);
      o.progress(
        `  ${fault} trial ${trial + 1}/${s.faults.trialsPerKind} on ${service.name} (${service.vip})`,
      );
      const rec = await runTrial({
        target,
        variantId: o.variant.id,
        fault,
        trial,
        service,
        signal: o.signal,
        onPhase: (label, a, b) => phase(c, 'fault', label, a, b),
      });
      if (!rec) {
        out.notes.push(`${fault} trial ${trial + 1}: no holder found for ${service.name}; skipped`);
        continue;
      }
      o.writer.append(rec);
      out.trials.push(rec);
      o.progress(
        `    outage ${rec.outageMs ?? '—'} ms, takeover ${rec.takeoverMs ?? '—'} ms, ${rec.fromNode} → ${rec.toNode ?? '—'}`,
      );
    }
  }
}
