import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { WindowRecord } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;

// 2 nodes, 4 services at 4/2/0.5 s: about 2 × 4 lease GETs a second from the followers plus the
// holders' updates, well above the control plane's own leader-election traffic (~1/s).
const SCENARIO = `name: control-plane-apf
backend: local
nodes: {count: 2}
services: {announced: 4}
announcer: {leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 0.5s}
measurement: {warmupSeconds: 3, windowSeconds: 12, repetitions: 1}
`;

/** Lease get/create/update per second (the verbs the leader-election FlowSchemas match). */
function electionRate(w: WindowRecord | undefined): number {
  return (w?.leaseRequests ?? [])
    .filter((r) => ['GET', 'PUT', 'POST'].includes(r.verb.toUpperCase()))
    .reduce((s, r) => s + r.perSecond, 0);
}

test("the agents' lease requests land in the leader-election level and the control plane keeps its leases", {
  skip: !asRoot && 'needs root',
  timeout: 600_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-e2e-'));
  try {
    const file = join(root, 'control-plane-apf.yaml');
    writeFileSync(file, SCENARIO);
    const { summary, windows } = await runScenarioWithWindows(file, root);
    const v = summary.variants[0]!;
    const cp = v.controlPlane!;
    const announce = windows.find((w) => w.phase === 'announce');
    const idle = windows.find((w) => w.phase === 'idle');
    assert.ok(announce && idle, 'one announce and one idle window');

    // The agents (ServiceAccount kube-system/l2bench-announcer) match system-leader-election.
    const top = cp.agentFlowSchemas[0];
    assert.deepEqual([top?.flowSchema, top?.priorityLevel], ['system-leader-election', 'leader-election']);

    // The level grew by the agents' lease get/create/update: apiserver_request_total and APF count
    // the same requests, so they agree up to the scrape skew (both come from one scrape pair).
    const level = (w: WindowRecord) =>
      w.apf?.levels.find((l) => l.priorityLevel === 'leader-election')?.dispatchedPerSecond ?? 0;
    const added = level(announce) - level(idle);
    const leases = electionRate(announce) - electionRate(idle);
    assert.ok(leases > 2, `agents' lease requests ${leases}/s`);
    assert.ok(
      Math.abs(added - leases) <= 0.1 * leases + 0.5,
      `leader-election +${added}/s vs leases +${leases}/s`,
    );

    // Both components held their Leases in every window and renewed in each (every 2 s).
    // kube-controller-manager runs only where it was provisioned (harness/tools/tool-versions.ts).
    const kcmRuns = cp.componentsMillicores.some((c) => c.component === 'kube-controller-manager');
    for (const name of kcmRuns ? ['kube-controller-manager', 'kube-scheduler'] : ['kube-scheduler']) {
      const l = cp.leases.find((x) => x.name === name);
      assert.ok(l, `${name} lease observed`);
      assert.equal(l.holderChanges, 0, name);
      assert.equal(l.windowsNotHeld, 0, name);
      assert.ok(l.renewals >= windows.length * 3, `${name}: ${l.renewals} renewals`);
    }
    assert.ok(
      cp.componentsMillicores.some((c) => c.component === 'kube-scheduler' && c.millicores.median > 0),
    );
    assert.ok(v.cpu.overheadVsIdleMillicores, 'the seed-style overhead is reported');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

async function runScenarioWithWindows(file: string, resultsRoot: string) {
  const { dir, summary } = await runScenario({
    scenario: file,
    resultsRoot,
    signal: new AbortController().signal,
    progress: (l) => process.stderr.write(`${l}\n`),
  });
  const windows = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string })
    .filter((x): x is WindowRecord => x.type === 'window');
  return { summary, windows };
}
