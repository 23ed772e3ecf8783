import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type {
  Environment,
  ProcessRole,
  SampleLine,
  Summary,
  TrialRecord,
  VariantSummary,
  WindowRecord,
} from '../../harness/results/results-schema.js';
import { mulberry32 } from '../../harness/results/statistics.js';
import type { RunData } from '../specs/chart.js';
import { type SyntheticVariant, summarizeSynthetic } from './synthetic-summary.js';

type Role = z.infer<typeof ProcessRole>;

/** What to generate. Every number is drawn from a seeded generator, so the same options give the same run. */
export interface SyntheticOptions {
  variants: readonly SyntheticVariant[];
  seed?: number;
  runId?: string;
  scenario?: string;
  repetitions?: number;
  windowSeconds?: number;
  /** Control-plane mCPU per lease request/s (default 0.4); raise it to make a run "cost more". */
  mcpuPerRequest?: number;
  /** Relative noise of window CPU figures (default 0.05). */
  noise?: number;
  coresK?: number;
  startMs?: number;
  /** Copied into the summary as the scenario's `question` and `reference`. */
  question?: string;
  reference?: Summary['reference'];
}

/** A whole results directory in memory. */
export interface SyntheticRun {
  summary: Summary;
  environment: Environment;
  samples: SampleLine[];
}

const BASE_APISERVER = 70;
const BASE_ETCD = 30;

/**
 * Builds a plausible run: 1 Hz CPU samples, phase spans, baseline/announce windows per repetition,
 * failover trials, and a summary derived from them. Request rates follow the get-then-update model
 * (every candidate GETs each lease once per retry period, the holder also UPDATEs it). For tests and
 * the placeholder fixture only; it knows nothing about how the runner really measures.
 */
export function syntheticRun(options: SyntheticOptions): SyntheticRun {
  const rand = mulberry32(options.seed ?? 7);
  const jitter = (x: number, rel: number) => x * (1 + (rand() * 2 - 1) * rel);
  const reps = options.repetitions ?? 3;
  const windowS = options.windowSeconds ?? 20;
  const noise = options.noise ?? 0.05;
  const perReq = options.mcpuPerRequest ?? 0.4;
  const startMs = options.startMs ?? Date.UTC(2025, 10, 24, 9, 0, 0);
  const samples: SampleLine[] = [];
  const variants: VariantSummary[] = [];
  let t = startMs;

  options.variants.forEach((sv, index) => {
    const id = `v${String(index + 1).padStart(2, '0')}`;
    const [leaseMs, renewMs, retryMs] = sv.lease ?? [15_000, 5_000, 2_000];
    const leased = sv.leasedServices ?? sv.services;
    const model = {
      get: (sv.nodes * leased) / (retryMs / 1000),
      update: leased / (retryMs / 1000),
    };
    const cum = new Map<string, number>();
    const sampleCpu = (fromMs: number, toMs: number, rates: Record<string, number>) => {
      for (let s = fromMs; s <= toMs; s += 1000) {
        for (const [key, mcpu] of Object.entries(rates)) {
          const prev = cum.get(key) ?? 0;
          const next = prev + Math.max(0, jitter(mcpu, 0.15)) / 1000;
          cum.set(key, next);
          const [role, node] = key.split('@') as [Role, string?];
          const cpuSeconds = Math.round(next * 1e4) / 1e4;
          samples.push({
            type: 'cpu',
            variantId: id,
            tMs: s,
            role,
            ...(node ? { node } : {}),
            cpuSeconds,
            rssBytes: 180e6,
          });
        }
      }
    };
    const announcerKeys = Array.from({ length: sv.nodes }, (_, i) => `announcer@node-${i}`);
    const ratesFor = (apiserver: number, etcd: number, announcer: number) => ({
      'kube-apiserver': apiserver,
      etcd,
      harness: 15,
      ...Object.fromEntries(announcerKeys.map((k) => [k, announcer])),
    });
    samples.push({
      type: 'phase',
      variantId: id,
      phase: 'setup',
      label: 'cluster up',
      startMs: t,
      endMs: t + 5000,
    });
    sampleCpu(t, t + 5000, ratesFor(BASE_APISERVER * 2, BASE_ETCD * 2, 0));
    t += 5000;
    const windows: WindowRecord[] = [];
    for (let r = 0; r < reps; r++) {
      for (const phase of ['baseline', 'announce'] as const) {
        const reqs = phase === 'announce' ? model.get + model.update : 0;
        const apiserver = jitter(BASE_APISERVER + reqs * perReq * 0.7, noise);
        const etcd = jitter(BASE_ETCD + reqs * perReq * 0.3, noise);
        const announcers = phase === 'announce' ? jitter(sv.services * 0.05 * sv.nodes, noise) : 0;
        samples.push({
          type: 'phase',
          variantId: id,
          phase,
          label: `${phase} ${r + 1}`,
          repetition: r,
          startMs: t,
          endMs: t + windowS * 1000,
        });
        sampleCpu(t, t + windowS * 1000, ratesFor(apiserver, etcd, announcers / sv.nodes));
        // kube-apiserver's own identity lease keeps renewing in baseline windows too.
        const own = { get: 0.1, update: 0.1 };
        const rates =
          phase === 'announce' ? { get: model.get + own.get, update: model.update + own.update } : own;
        const w: WindowRecord = {
          type: 'window',
          variantId: id,
          repetition: r,
          phase,
          startMs: t,
          endMs: t + windowS * 1000,
          cpuMillicores: {
            apiserver,
            etcd,
            controlPlane: apiserver + etcd,
            announcers,
            harness: jitter(15, noise),
          },
          leaseRequests: [
            { verb: 'GET', code: '200', perSecond: jitter(rates.get, noise / 2) },
            { verb: 'PUT', code: '200', perSecond: jitter(rates.update, noise / 2) },
          ],
          etcd: {
            writesPerSecond: jitter(rates.update + 1, noise),
            fsyncsPerSecond: jitter(rates.update + 1, noise),
            dbSizeGrowthBytes: phase === 'announce' ? Math.round(jitter(4096 * leased, noise)) : 0,
          },
          announcerRssBytes: 60e6,
        };
        windows.push(w);
        samples.push(w);
        t += windowS * 1000;
      }
    }
    const trials: TrialRecord[] = [];
    for (const fault of sv.faults ?? []) {
      for (let k = 0; k < (sv.trialsPerFault ?? 5); k++) {
        const faultAt = t + 2000;
        const graceful = fault === 'graceful';
        const takeover = graceful ? jitter(300, 0.5) : leaseMs - renewMs * rand() * 0.5 + retryMs * rand();
        const arp = jitter(120, 0.5);
        const lost = fault === 'partition' && k === 0;
        const outage = lost ? null : takeover + arp + 250;
        const trial: TrialRecord = {
          type: 'trial',
          variantId: id,
          fault,
          trial: k,
          service: `svc-${k}`,
          vip: `198.18.8.${k + 1}`,
          fromNode: `node-${k % sv.nodes}`,
          toNode: lost ? null : `node-${(k + 1) % sv.nodes}`,
          faultAtMs: faultAt,
          lastGoodBeforeMs: faultAt - 100,
          firstGoodAfterMs: outage === null ? null : faultAt - 100 + outage,
          outageMs: outage,
          takeoverMs: lost ? null : takeover,
          arpConvergenceMs: lost ? null : arp,
          dualAnsweringMs: fault === 'partition' && !lost ? jitter(800, 0.5) : 0,
          probesSent: 200,
          probesFailed: Math.round((outage ?? 20_000) / 100),
        };
        const span = Math.ceil(((outage ?? 20_000) + 4000) / 1000) * 1000;
        samples.push({
          type: 'phase',
          variantId: id,
          phase: 'fault',
          label: `${fault} ${k + 1}`,
          startMs: t,
          endMs: t + span,
        });
        sampleCpu(
          t,
          t + span,
          ratesFor(
            BASE_APISERVER + (model.get + model.update) * perReq * 0.7,
            BASE_ETCD + (model.get + model.update) * perReq * 0.3,
            sv.services * 0.05,
          ),
        );
        samples.push(trial);
        trials.push(trial);
        t += span;
      }
    }
    variants.push(
      summarizeSynthetic(
        id,
        sv,
        [leaseMs, renewMs, retryMs],
        windowS,
        reps,
        windows,
        trials,
        model,
        options.coresK ?? 2,
      ),
    );
    t += 10_000;
  });

  const environment: Environment = {
    hostname: 'placeholder-host',
    cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
    cores: 8,
    memoryBytes: 32 * 2 ** 30,
    kernel: '6.1.0-placeholder',
    node: 'v20.20.2',
    l2benchVersion: '0.1.0',
    backend: 'local',
    tools: [
      {
        name: 'kube-apiserver',
        version: 'v1.32.13',
        path: '/cache/kube-apiserver-v1.32.13',
        reported: 'Kubernetes v1.32.13',
      },
      { name: 'etcd', version: 'v3.5.21', path: '/cache/etcd-v3.5.21', reported: 'etcd Version: 3.5.21' },
    ],
  };
  const summary: Summary = {
    formatVersion: 1,
    runId: options.runId ?? 'synthetic',
    scenario: options.scenario ?? 'synthetic',
    ...(options.question ? { question: options.question } : {}),
    ...(options.reference ? { reference: options.reference } : {}),
    startedAt: new Date(startMs).toISOString(),
    finishedAt: new Date(t).toISOString(),
    complete: true,
    coresK: options.coresK ?? 2,
    environment,
    variants,
  };
  return { summary, environment, samples };
}

/** Writes a {@link SyntheticRun} as a results directory (summary.json, environment.json, samples.jsonl). */
export async function writeSyntheticRun(dir: string, run: SyntheticRun): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(run.summary, null, 2)}\n`);
  await writeFile(join(dir, 'environment.json'), `${JSON.stringify(run.environment, null, 2)}\n`);
  await writeFile(join(dir, 'samples.jsonl'), run.samples.map((s) => `${JSON.stringify(s)}\n`).join(''));
}

/** Splits a {@link SyntheticRun}'s samples the way loadResults does, for spec tests that skip the disk. */
export function runDataOf(run: SyntheticRun): RunData {
  const data: RunData = {
    summary: run.summary,
    environment: run.environment,
    cpuSamples: [],
    phases: [],
    windows: [],
    trials: [],
  };
  for (const s of run.samples) {
    if (s.type === 'cpu') data.cpuSamples.push(s);
    else if (s.type === 'phase') data.phases.push(s);
    else if (s.type === 'window') data.windows.push(s);
    else data.trials.push(s);
  }
  return data;
}

/**
 * The shape of the bundled seed-homelab scenario: 3 selected nodes, 5 announced services (plus 5
 * ClusterIP services the `all-services` bug also elects), swept over 1 and 5 services and both
 * selections, crash and graceful trials. Used to look at the report a seed run produces.
 */
export const SEED_HOMELAB_RUN: SyntheticOptions = {
  runId: '20251124T090000Z-seed-homelab',
  scenario: 'seed-homelab',
  seed: 5,
  coresK: 4,
  repetitions: 3,
  windowSeconds: 60,
  mcpuPerRequest: 3.5,
  question:
    "What do L2 announcements cost the control plane of the seed's homelab, and what does electing a Lease only for announced, selected services save?",
  reference: {
    source: 'the seed post',
    controlPlaneOverheadMillicores: 80,
    setup: '5 services on 3 nodes, a Lease elected for every service (the bug)',
    variant: { 'services.announced': 5, 'announcer.selection': 'all-services' },
  },
  variants: [1, 5].flatMap((services) =>
    (['policy', 'all-services'] as const).map((selection) => ({
      nodes: 3,
      services,
      selection,
      leasedServices: selection === 'policy' ? services : 10,
      faults: ['node-crash', 'graceful'] as const,
      trialsPerFault: 3,
    })),
  ),
};

/** The placeholder fixture's shape: nodes × services at the default lease, one faster lease, failover trials. */
export const SMALL_RUN: SyntheticOptions = {
  runId: '20251124T090000Z-small',
  scenario: 'small',
  seed: 11,
  repetitions: 3,
  windowSeconds: 15,
  variants: [
    { nodes: 3, services: 10 },
    { nodes: 3, services: 100, faults: ['node-crash', 'freeze'], trialsPerFault: 4 },
    { nodes: 5, services: 10 },
    { nodes: 5, services: 100 },
    {
      nodes: 3,
      services: 100,
      lease: [5000, 3000, 1000],
      faults: ['node-crash', 'freeze', 'partition'],
      trialsPerFault: 4,
    },
  ],
};
