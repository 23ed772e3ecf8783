import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../harness/paths.js';
import { SampleLine, SamplesHeader, type TrialRecord } from '../../harness/results/results-schema.js';
import { runScenario } from '../../harness/run/run-scenario.js';

const asRoot = process.getuid?.() === 0;

// client-go's timing (renew-deadline) is today's agent behaviour; an agent that knows the flag is asked for it.
const agentKnowsStepDown = readFileSync(join(repoRoot, 'announcer', 'config.ts'), 'utf8').includes(
  "'step-down'",
);

const LEASE_MS = 4000;
const RENEW_DEADLINE_MS = 2000;
const RETRY_MS = 500;
const FREEZE_S = 8;

const SCENARIO = `
name: dual-answering-wire
backend: local
nodes: { count: 2 }
services: { announced: 1 }
announcer:
  leaseDurationMs: ${LEASE_MS}
  renewDeadlineMs: ${RENEW_DEADLINE_MS}
  retryPeriodMs: ${RETRY_MS}
${agentKnowsStepDown ? '  stepDown: renew-deadline\n' : ''}measurement: { warmupSeconds: 2, windowSeconds: 10, repetitions: 1, baseline: false }
faults:
  kinds: [agent-crash, freeze]
  trialsPerKind: 1
  freezeSeconds: ${FREEZE_S}
  settleSeconds: 2
probes: { maxDurationSeconds: 30 }
`;

test('agent-crash and freeze trials record dual answering measured on the wire', {
  skip: !asRoot && 'needs root',
  timeout: 400_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-e2e-'));
  try {
    const file = join(root, 'dual-answering-wire.yaml');
    writeFileSync(file, SCENARIO);
    const { dir, summary } = await runScenario({
      scenario: file,
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    // The first line is the format header; every other line is one sample.
    const [header, ...lines] = readFileSync(join(dir, 'samples.jsonl'), 'utf8').trim().split('\n');
    SamplesHeader.parse(JSON.parse(header ?? ''));
    const trials = lines
      .map((l) => SampleLine.parse(JSON.parse(l)))
      .filter((s): s is TrialRecord => s.type === 'trial');
    const byFault = new Map(trials.map((t) => [t.fault, t]));
    for (const t of trials) process.stderr.write(`${t.fault}: ${JSON.stringify(t)}\n`);

    for (const kind of ['agent-crash', 'freeze'] as const) {
      const t = byFault.get(kind);
      assert.ok(t, `${kind}: trial recorded`);
      assert.equal(t.dualAnsweringSource, 'wire', `${kind}: measured on the wire`);
      // The watch asked every ~150 ms for the whole trial: it must have seen the VIP answer.
      assert.ok((t.dualAnswering?.arpRepliesSeen ?? 0) > 10, `${kind}: ARP replies seen`);
      const f = summary.variants[0]?.failover.find((x) => x.fault === kind);
      assert.equal(f?.dualAnsweringWireTrials, 1, `${kind}: summary counts the wire trial`);
      assert.deepEqual(f?.dualAnsweringMs?.values, [t.dualAnsweringMs]);
    }

    // A frozen agent's node keeps the VIP bound and its kernel answers ARP for the whole freeze; the
    // other node takes the Lease within lease + 2.2 retry periods (5.1 s), before the 8 s freeze ends,
    // and binds it: two MACs answer from then on. After SIGCONT client-go's timing unbinds within
    // the renew deadline plus a retry period; 2 s of slack for a loaded host.
    const freeze = byFault.get('freeze')!;
    assert.ok(freeze.dualAnsweringMs > 0, `freeze: dual answering ${freeze.dualAnsweringMs} ms`);
    const boundMs = FREEZE_S * 1000 + RENEW_DEADLINE_MS + 2.2 * RETRY_MS + 2000;
    assert.ok(freeze.dualAnsweringMs <= boundMs, `freeze: ${freeze.dualAnsweringMs} ms ≤ ${boundMs} ms`);
    assert.equal(freeze.dualAnswering?.nodes.length, 2, 'freeze: both nodes named');
    assert.ok((freeze.dualAnswering?.boundOnTwoMs ?? 0) > 0, 'freeze: the VIP was bound on both nodes');

    // After an agent crash the node and its kernel stay up: the VIP keeps answering or comes back.
    const crash = byFault.get('agent-crash')!;
    assert.notEqual(crash.outageMs, null, 'agent-crash: the VIP answered after the crash');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
