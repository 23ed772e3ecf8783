/**
 * Every sentence reports/ prints or writes about a problem, as functions (vega-lite's
 * `log/message.ts` habit): code and tests call the same function, so wording changes in one place.
 */
/** Collapses whitespace and caps length so an embedded reason (a JSON.parse message quoting the input) stays on one line. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const msg = {
  fileMissing: (file: string, dir: string) =>
    `${file}: not found in ${dir} (a run directory holds summary.json, samples.jsonl and environment.json)`,
  fileUnreadable: (file: string, reason: string) => `${file}: cannot be read (${oneLine(reason)})`,
  notJson: (file: string, reason: string) => `${file}: not valid JSON (${oneLine(reason)})`,
  schemaMismatch: (file: string, where: string, problem: string, more: number) =>
    `${file}: ${where}: ${oneLine(problem)}${more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''}`,
  lineNotJson: (file: string, line: number, reason: string) =>
    `${file} line ${line}: not valid JSON (${oneLine(reason)}); only an unterminated last line is tolerated`,
  lineSchemaMismatch: (file: string, line: number, where: string, problem: string) =>
    `${file} line ${line}: ${where}: ${oneLine(problem)}`,
  truncatedLastLine: (file: string, line: number, bytes: number) =>
    `${file} line ${line}: ignored an unterminated ${bytes}-byte last line (the run was interrupted while writing it)`,
  environmentFromSummary: () =>
    'environment.json: not found; used the copy of the environment inside summary.json',
  runIncomplete: (finished: number) =>
    `This run did not finish (summary.json has complete=false); the report covers the ${finished} variant${finished === 1 ? '' : 's'} it finished.`,
  samplesWithoutVariant: (ids: readonly string[]) =>
    `samples.jsonl has samples for variant${ids.length === 1 ? '' : 's'} ${ids.join(', ')} that summary.json does not list (unfinished when the run stopped); they are left out.`,

  // Charts left out, one sentence saying why.
  noCpuOverhead: () =>
    'Control-plane CPU overhead: not drawn, because no variant in this run has a measured overhead (no baseline/announce window pairs).',
  noLeaseRequests: () =>
    'Lease requests vs N×M: not drawn, because no variant in this run recorded lease request rates.',
  noTrials: () =>
    'Failover outage: not drawn, because this run injected no faults (no failover trials in samples.jsonl).',
  noRecoveredTrials: (n: number) =>
    `Failover outage: not drawn, because none of the ${n} failover trial${n === 1 ? '' : 's'} saw the service come back (no outage to plot).`,
  noTradeoff: (cost: 'cpu' | 'requests' = 'cpu') =>
    `Trade-off: not drawn, because no variant has both ${cost === 'cpu' ? 'a CPU overhead' : 'lease request rates'} and a failover p95 (a run needs both announce windows and fault trials).`,
  noCpuSamples: () =>
    'Control-plane CPU over time: not drawn, because samples.jsonl has no kube-apiserver or etcd CPU samples.',
  noEtcdFigures: () =>
    'etcd and agents: not drawn, because no variant has etcd metrics or agent CPU from an announce window.',

  // Compare and gates.
  tooFewRuns: (n: number) => `compare needs at least two run directories, got ${n}`,
  gateSyntax: (expr: string, problem: string, source = '--fail-if') =>
    `${source} '${expr}': ${problem} (expected '<metric> <op> <value>', e.g. 'cpu.overhead > +20%')`,
  gateNoData: (expr: string) =>
    `${expr}: no matched variant has this metric in both runs, so the gate checked nothing`,
  duplicateRunId: (id: string, a: string, b: string) =>
    `runs ${a} and ${b} have the same runId ${id}; publish needs each run once`,
} as const;
