/**
 * The real kube-vip as `announcer.implementation` (issue "Real peers side by side"): a small run
 * where kube-vip v1.0.0 announces the addresses the bundled IPAM operator assigned, its
 * `kubevip-<service>` Leases are measured against the model (update-first, client-go v0.33), and
 * crash and graceful failovers of its holders stay within client-go's bounds.
 */
import 'disposablestack/auto';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runScenario } from '../../harness/run/run-scenario.js';
import { takeoverBoundMs } from '../../harness/scenario/takeover-bound.js';

const asRoot = process.getuid?.() === 0;

test('kube-vip announces the bundled IPAM addresses; its leases match the model; failover within bounds', {
  skip: !asRoot && 'needs root',
  timeout: 600_000,
}, async () => {
  const root = mkdtempSync(join(tmpdir(), 'l2b-e2e-kv-'));
  try {
    const file = join(root, 'kube-vip-tiny.yaml');
    writeFileSync(
      file,
      `name: kube-vip-tiny
description: kube-vip on 2 nodes, 2 services, 4/2/1 s
nodes: {count: 2}
services: {announced: 2, unannounced: 1}
announcer: {implementation: kube-vip, leaseDurationMs: 4s, renewDeadlineMs: 2s, retryPeriodMs: 1s, renewMode: update-first}
measurement: {warmupSeconds: 5, windowSeconds: 15, repetitions: 2}
faults: {kinds: [crash, graceful], trialsPerKind: 1, settleSeconds: 2}
probes: {maxDurationSeconds: 30}
`,
    );
    const { summary } = await runScenario({
      scenario: file,
      resultsRoot: root,
      signal: new AbortController().signal,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    assert.equal(summary.complete, true);
    assert.ok(summary.environment.tools.some((t) => t.name === 'kube-vip' && t.reported === 'v1.0.0'));
    const v = summary.variants[0]!;
    assert.equal(v.implementation, 'kube-vip');
    assert.equal(v.announceTimeMs !== null, true, 'every VIP answered (served by kube-vip holders)');
    // The unannounced service (kube-vip.io/ignore) gets no election: the model counts 2 leases, and
    // a third would show as 50% more PUTs.
    for (const r of v.requests.filter((x) => x.verb === 'GET' || x.verb === 'PUT')) {
      assert.ok(
        r.relativeError !== null && Math.abs(r.relativeError) <= 0.25,
        `${r.verb}: ${r.measuredPerSecond.median}/s vs model ${r.modelPerSecond} (${r.relativeError})`,
      );
    }
    const byFault = new Map(v.failover.map((f) => [f.fault, f]));
    const crash = byFault.get('node-crash')!;
    assert.equal(crash.failedTrials, 0);
    // kube-vip's electors are client-go's polling ones: a candidate may see the holder's last
    // renewal one jittered period (2.2 retry periods) late and try again up to 2.2 retry periods
    // after expiry, so lease + 4.4 retry periods (the bundled per-service bound), +1 s of latency.
    const bound = takeoverBoundMs({ kind: 'per-service' }, v, 'node-crash');
    for (const t of crash.takeoverMs.values) assert.ok(t > 0 && t <= bound + 1000, `crash takeover ${t} ms`);
    assert.equal(crash.dualAnsweringTrials, 0);
    assert.equal(crash.arpConvergenceMs.n, 0, 'kube-vip logs no bind events of ours');
    const graceful = byFault.get('graceful')!;
    assert.equal(graceful.failedTrials, 0);
    assert.equal(graceful.dualAnsweringTrials, 0);
    // kube-vip v1.0.0 does not guarantee a release on SIGTERM. Its signal handler
    // (pkg/manager/manager_arp.go) closes shutdownChan and cancels the context; each per-service
    // election runs `leaderelection.RunOrDie(..., ReleaseOnCancel: true)` in a goroutine the
    // services watcher started (pkg/services/processor.go AddOrModify, pkg/services/leader.go), and
    // client-go v0.33.3 releases with one PUT after the renew loop sees the cancel
    // (tools/leaderelection renew → release). Nothing waits for that PUT: the watcher loop ends on
    // shutdownChan, StartServicesWatchForLeaderElection stops its clusters and returns, and
    // `manager` returns from main, so the process can exit before (or during) the release. When the
    // PUT lands, a candidate takes over on its next jittered retry; when it does not, only once the
    // lease expires. So the guarantee is the crash bound above, not the release's 2.2 retry periods
    // (a fresh clone saw 6,482 ms with 4/2/1 s timers: an expiry, within this bound). Measured on
    // these timers over 20 trials: 14 released (14–1,746 ms), 6 expired (4,345–6,063 ms).
    for (const t of graceful.takeoverMs.values)
      assert.ok(
        t > 0 && t <= bound + 1000,
        `graceful takeover ${t} ms > ${bound + 1000} ms (lease expiry when kube-vip exits before its release lands)`,
      );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
