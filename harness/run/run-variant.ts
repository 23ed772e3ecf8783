import type { BenchTarget } from '../backends/bench-target.js';
import { BackendError } from '../errors.js';
import { CpuSampler, type SampledProcess } from '../measure/cpu-sampler.js';
import type { TrialRecord, WindowPhase, WindowRecord } from '../results/results-schema.js';
import type { ResultsWriter } from '../results/results-writer.js';
import type { Variant } from '../scenario/expand-variants.js';
import { sleep } from '../shutdown-signal.js';
import { runFailoverTrial } from './failover-trial.js';
import { type LiveStatus, windowStatusText } from './live-status.js';
import { measureWindow } from './measure-window.js';

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

/**
 * Runs one variant on a prepared target: alternating baseline (no agents) and announce windows
 * per repetition, then failover trials of every fault kind. Every record is appended to the
 * results as soon as it exists.
 */
export async function runVariant(o: VariantRunOptions): Promise<VariantRun> {
  const s = o.variant.scenario;
  const id = o.variant.id;
  const out: VariantRun = { windows: [], trials: [], announceTimeMs: null, notes: [] };
  const target = o.target;
  using sampler = new CpuSampler(
    (r) => o.writer.append({ type: 'cpu', variantId: id, ...r }),
    1000 / s.measurement.sampleHz,
  );
  const controlPlane: SampledProcess[] = target.controlPlaneCpu();
  const agentProcesses = (): SampledProcess[] => target.agentCpu();
  sampler.watch(controlPlane);
  sampler.start();
  const phase = (
    p: WindowPhase | 'warmup' | 'fault' | 'setup',
    label: string,
    startMs: number,
    endMs: number,
    repetition?: number,
  ) =>
    o.writer.append({
      type: 'phase',
      variantId: id,
      phase: p,
      label,
      startMs,
      endMs,
      ...(repetition === undefined ? {} : { repetition }),
    });

  /** Measures one window, appends it and its phase span; false when the run was interrupted. */
  const measure = async (p: WindowPhase, rep: number, processes: SampledProcess[]): Promise<boolean> => {
    const w = await measureWindow({
      variantId: id,
      repetition: rep,
      phase: p,
      windowSeconds: s.measurement.windowSeconds,
      processes,
      endpoints: target.metrics,
      sampler,
      ...(target.controlPlaneLeases ? { leases: target.controlPlaneLeases } : {}),
      signal: o.signal,
      ...(o.status
        ? {
            onTick: (left: number, rate: number | null) =>
              o.status?.update(windowStatusText(p, rep, s.measurement.repetitions, left, rate)),
          }
        : {}),
    });
    o.status?.done();
    if (!w) return false;
    o.writer.append(w);
    out.windows.push(w);
    phase(p, `${p} ${rep + 1}`, w.startMs, w.endMs, rep);
    return true;
  };

  const setupMs = setupTimeoutMs(s);
  const announcedVips = () => target.services.flatMap((x) => (x.vip ? [x.vip] : []));
  let servicesCreated = false;
  const reps = s.measurement.repetitions;
  // kube-vip announces every LoadBalancer service it sees: no policy makes it idle.
  const bundled = s.announcer.implementation === 'bundled';
  const idle = s.measurement.idle && bundled && target.setAnnouncing !== undefined;
  if (s.measurement.idle && !idle)
    out.notes.push(
      bundled
        ? `idle windows not measured: the ${target.backend} backend cannot switch the policy`
        : `idle windows not measured: ${s.announcer.implementation} has no announcement policy to select nothing`,
    );
  let announcing = true;
  /** Points the policy at the services (or at none) unless it already does. */
  const setAnnouncing = async (on: boolean) => {
    if (announcing === on || !target.setAnnouncing) return;
    await target.setAnnouncing(on);
    announcing = on;
  };
  for (let rep = 0; rep < reps && !o.signal.aborted; rep++) {
    if (s.measurement.baseline) {
      await target.stopAllAgents();
      await sleep(SETTLE_SECONDS * 1000, o.signal);
      o.progress(`  rep ${rep + 1}/${reps}: baseline window ${s.measurement.windowSeconds}s (no agents)`);
      if (!(await measure('baseline', rep, controlPlane))) break;
    }
    const t0 = Date.now();
    await setAnnouncing(true);
    await target.startAllAgents();
    if (!servicesCreated) {
      const created = Date.now();
      await target.createServices();
      try {
        await target.waitForAddresses(setupMs, o.signal);
      } catch (err) {
        // A control plane too slow to hand out addresses is a finding (saturation), not a crash.
        if (!(err instanceof BackendError)) throw err;
        out.notes.push(`not every service got an address: ${err.message}; no windows or trials after it`);
        o.progress(`  ${err.message}: no announce window for this variant`);
        return out;
      }
      servicesCreated = true;
      const ms = await target.waitUntilAllAnswer(announcedVips(), setupMs, o.signal);
      out.announceTimeMs = ms === null ? null : Date.now() - created;
      if (ms === null)
        out.notes.push(`not every VIP answered within ${setupMs / 1000} s of creating the services`);
      o.progress(
        `  services: ${target.services.length} created, ${announcedVips().length} VIPs answering after ${out.announceTimeMs ?? '—'} ms`,
      );
    } else {
      await target.waitUntilAllAnswer(announcedVips(), setupMs, o.signal);
    }
    await sleep(s.measurement.warmupSeconds * 1000, o.signal);
    phase('warmup', `warm-up ${rep + 1}`, t0, Date.now(), rep);
    o.progress(`  rep ${rep + 1}/${reps}: announce window ${s.measurement.windowSeconds}s`);
    if (!(await measure('announce', rep, [...controlPlane, ...agentProcesses()]))) break;
    if (idle) {
      // The same agents, the policy selecting no service: they release their service Leases and
      // keep their watches and connections. The warm-up lets the releases settle.
      const t1 = Date.now();
      await setAnnouncing(false);
      await sleep(s.measurement.warmupSeconds * 1000, o.signal);
      phase('warmup', `idle settle ${rep + 1}`, t1, Date.now(), rep);
      o.progress(
        `  rep ${rep + 1}/${reps}: idle window ${s.measurement.windowSeconds}s (agents, no service selected)`,
      );
      if (!(await measure('idle', rep, [...controlPlane, ...agentProcesses()]))) break;
    }
  }
  // Leave the policy as the scenario has it, for the trials and for the next variant.
  if (!o.signal.aborted && !announcing) {
    await setAnnouncing(true);
    if (s.faults.kinds.length > 0) await target.waitUntilAllAnswer(announcedVips(), setupMs, o.signal);
  }

  const targets = target.services.filter((x) => x.announced && x.vip);
  let n = 0;
  for (const fault of s.faults.kinds) {
    for (let trial = 0; trial < s.faults.trialsPerKind && !o.signal.aborted; trial++) {
      const service = targets[n++ % Math.max(1, targets.length)];
      if (!service) {
        out.notes.push(`no announced service: ${fault} trials skipped`);
        break;
      }
      sampler.watch([...controlPlane, ...agentProcesses()]);
      o.progress(
        `  ${fault} trial ${trial + 1}/${s.faults.trialsPerKind} on ${service.name} (${service.vip})`,
      );
      const rec = await runFailoverTrial({
        target,
        variantId: id,
        fault,
        trial,
        service,
        signal: o.signal,
        onPhase: (label, a, b) => phase('fault', label, a, b),
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
  return out;
}
