import type { Summary } from '../results/results-schema.js';

function iv(x: { median: number; lo: number; hi: number; n: number } | null, digits = 0): string {
  if (!x || x.n === 0) return '—';
  const f = (v: number) => v.toFixed(digits);
  return x.n > 1 ? `${f(x.median)} [${f(x.lo)}, ${f(x.hi)}]` : `${f(x.median)} (n=1)`;
}

/** The one-screen summary printed at the end of `l2bench run`. */
export function formatSummary(s: Summary, dir: string): string {
  const lines: string[] = [];
  const env = s.environment;
  lines.push(`results: ${dir}${s.complete ? '' : '  (incomplete: resume with --resume)'}`);
  lines.push(
    `machine: ${env.cores} cores, ${env.cpuModel}; ${env.tools.map((t) => `${t.name} ${t.reported}`).join(', ')}`,
  );
  for (const v of s.variants) {
    const c = v.cpu;
    lines.push('');
    lines.push(
      `${v.id}  (${v.implementation}, ${v.strategy}, ${v.selectedNodes} selected nodes, ${v.announcedServices} announced, ${v.selection}, ${v.leaseDurationMs / 1000}/${v.renewDeadlineMs / 1000}/${v.retryPeriodMs / 1000} s, ${v.renewMode})`,
    );
    lines.push(
      `  control-plane CPU overhead: ${iv(c.controlPlaneOverheadMillicores)} mCPU = ${iv(c.controlPlaneOverheadPctOfNode, 2)} % of a ${s.coresK}-core node (median [95% CI], ${v.repetitions} × ${v.windowSeconds}s windows)`,
    );
    lines.push(
      `    kube-apiserver ${iv(c.apiserverOverheadMillicores)}  etcd ${iv(c.etcdOverheadMillicores)}  agents ${iv(c.announcersMillicores)}  harness ${iv(c.harnessMillicores)} mCPU`,
    );
    const fp = v.agentFootprint;
    if (fp) {
      const mb = (b: number) => (b / 2 ** 20).toFixed(0);
      lines.push(
        `  per agent (${fp.agents} agents, n=${fp.rssBytes.n}): RSS median ${mb(fp.rssBytes.median)} MiB, max ${mb(fp.rssBytes.max)} MiB; CPU median ${fp.cpuMillicores.median.toFixed(1)}, max ${fp.cpuMillicores.max.toFixed(1)} mCPU`,
      );
    }
    if (c.overheadVsIdleMillicores) {
      lines.push(
        `  overhead vs idle agents (seed's definition): ${iv(c.overheadVsIdleMillicores)} mCPU = ${iv(c.overheadVsIdlePctOfNode ?? null, 2)} % (kube-apiserver ${iv(c.apiserverOverheadVsIdleMillicores ?? null)}, etcd ${iv(c.etcdOverheadVsIdleMillicores ?? null)}); agents present, idle: ${iv(c.agentsIdleMillicores ?? null)} mCPU`,
      );
    }
    const cal = v.calibration;
    if (cal) {
      const ms = (r: Record<string, { estimate: number; lo: number; hi: number }>) =>
        Object.entries(r)
          .map(([verb, x]) => `${verb} ${x.estimate.toFixed(2)} [${x.lo.toFixed(2)}, ${x.hi.toFixed(2)}]`)
          .join(', ');
      const p = cal.predictedVsIdleMillicores;
      lines.push(
        `  in-run calibration (${cal.loadWindows} load + ${cal.idleWindows} idle windows): CPU-ms per request kube-apiserver ${ms(cal.apiserverMsPerRequest)}, etcd ${ms(cal.etcdMsPerRequest)}; predicted overhead vs idle ${p.estimate.toFixed(0)} [${p.lo.toFixed(0)}, ${p.hi.toFixed(0)}] mCPU vs measured ${iv(c.overheadVsIdleMillicores ?? null)}${cal.errorPct === null ? '' : ` (${cal.errorPct >= 0 ? '+' : ''}${cal.errorPct.toFixed(0)}%)`}; ${cal.file}`,
      );
    }
    lines.push(...controlPlaneLines(v));
    const all = v.requestsTotal;
    if (all && all.measuredPerSecond.n > 0) {
      const err =
        all.relativeError === null
          ? ''
          : ` (${all.relativeError >= 0 ? '+' : ''}${(all.relativeError * 100).toFixed(0)}%)`;
      lines.push(
        `  lease requests/s, all verbs: ${iv(all.measuredPerSecond, 2)} vs model ${all.modelPerSecond?.toFixed(2) ?? '—'}${err}`,
      );
    }
    for (const r of v.requests) {
      const err =
        r.relativeError === null
          ? ''
          : ` (${r.relativeError >= 0 ? '+' : ''}${(r.relativeError * 100).toFixed(0)}%)`;
      lines.push(
        `  lease ${r.verb}/s: ${iv(r.measuredPerSecond, 2)} vs model ${r.modelPerSecond?.toFixed(2) ?? '—'}${err}`,
      );
    }
    for (const f of v.failover) {
      lines.push(
        `  ${f.fault} failover outage: p50 ${f.outageMs.p50?.toFixed(0) ?? '—'} ms, p95 ${f.outageMs.p95?.toFixed(0) ?? '—'} ms (n=${f.outageMs.n}${f.dualAnsweringTrials ? `, dual answering in ${f.dualAnsweringTrials}` : ''}${f.failedTrials ? `, ${f.failedTrials} never recovered` : ''})`,
      );
      if (f.arpConvergenceMs.n === 0 && v.implementation !== 'bundled')
        lines.push(
          `    ARP convergence: not available from ${v.implementation} (it logs no bind events of ours)`,
        );
    }
    if (v.announceTimeMs !== null) lines.push(`  time to announce all VIPs: ${v.announceTimeMs} ms`);
    for (const n of v.notes) lines.push(`  note: ${n}`);
  }
  if (s.firstSaturation) {
    lines.push('');
    lines.push(
      `first saturating variant: ${s.firstSaturation.variantId}, first signal ${s.firstSaturation.signal} (all: ${s.firstSaturation.signals.join(', ')})`,
    );
  }
  return lines.join('\n');
}

/** Per-component CPU, the agents' FlowSchemas, busy priority levels and the components' Leases. */
function controlPlaneLines(v: Summary['variants'][number]): string[] {
  const cp = v.controlPlane;
  if (!cp) return [];
  const out: string[] = [];
  const byComponent = new Map<string, string[]>();
  for (const row of cp.componentsMillicores) {
    const list = byComponent.get(row.component) ?? [];
    list.push(`${row.phase} ${iv(row.millicores)}`);
    byComponent.set(row.component, list);
  }
  if (byComponent.size > 0)
    out.push(
      `  CPU by component (mCPU): ${[...byComponent].map(([c, l]) => `${c} ${l.join(' / ')}`).join('; ')}`,
    );
  if (cp.agentFlowSchemas.length > 0)
    out.push(
      `  agents' added requests by FlowSchema → priority level: ${cp.agentFlowSchemas.map((f) => `${f.flowSchema} → ${f.priorityLevel} +${iv(f.netDispatchedPerSecond, 2)}/s`).join(', ')}`,
    );
  for (const l of cp.priorityLevels.filter((x) => x.dispatchedPerSecond.median > 0 || x.rejected > 0)) {
    const wait = l.maxWaitP99Seconds === null ? '—' : `${(l.maxWaitP99Seconds * 1000).toFixed(1)} ms`;
    out.push(
      `  APF ${l.priorityLevel}: ${iv(l.dispatchedPerSecond, 2)} req/s (net ${iv(l.netDispatchedPerSecond, 2)}), wait p99 max ${wait}, rejected ${l.rejected}, seats ${l.maxSeatsInUse ?? '—'}/${l.seatLimit ?? '—'}`,
    );
  }
  for (const l of cp.leases)
    out.push(
      `  lease ${l.name}: ${l.renewals} renewals, longest gap ${l.maxRenewGapMs ?? '—'} ms, leadership lost ${l.holderChanges}, windows not held ${l.windowsNotHeld}`,
    );
  if (cp.saturation.length > 0)
    out.push(
      `  saturation signals (in the order they fired): ${cp.saturation.map((x) => x.signal).join(', ')}`,
    );
  return out;
}
