import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readProbeResults, startProbes } from '../../harness/measure/k6-probe.js';
import { resolveTool } from '../../harness/tools/resolve-tool.js';

// k6 probing an echo server on loopback from the host namespace (netns null): the real binary, the
// real script, the real JSON output. Only 127.0.0.1 is ever contacted.
const NODE = 'l2b-e2e-n1';
let k6 = '';
try {
  k6 = await resolveTool('k6', { build: false });
} catch {
  // not provisioned: `./l2bench tools k6`, or L2BENCH_K6=<path>
}
const skip = k6 === '' ? 'k6 is not provisioned (./l2bench tools k6 or L2BENCH_K6)' : false;

let server: Server;
let port = 0;
let requests = 0;
const dir = mkdtempSync(join(tmpdir(), 'l2b-e2e-k6-'));

before(async () => {
  server = createServer((_req, res) => {
    requests++;
    res.end(`${NODE}\nserved by the e2e echo\n`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
});

after(async () => {
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

test('k6 probes a loopback VIP 10/s for 2 s: ~20 ok probes, each naming the node, 100 ms apart', {
  skip,
}, async () => {
  const outFile = join(dir, 'run.json');
  requests = 0;
  const startedMs = Date.now();
  const probes = await startProbes({
    k6Path: k6,
    netns: null,
    vips: ['127.0.0.1'],
    port,
    ratePerSecond: 10,
    durationSeconds: 2,
    timeoutMs: 500,
    outFile,
  });
  const exit = await probes.done;
  assert.equal(exit.code, 0);
  const results = readProbeResults(outFile);
  assert.ok(results.length >= 18 && results.length <= 21, `${results.length} probes`);
  assert.equal(results.length, requests, 'one probe line per request the server saw');
  for (const r of results)
    assert.deepEqual({ vip: r.vip, ok: r.ok, node: r.node }, { vip: '127.0.0.1', ok: true, node: NODE });
  const first = results[0]!.tMs;
  const last = results.at(-1)!.tMs;
  assert.ok(first >= startedMs && last <= Date.now(), 'send times fall inside the run');
  const meanGapMs = (last - first) / (results.length - 1);
  assert.ok(Math.abs(meanGapMs - 100) < 15, `mean gap ${meanGapMs} ms`);
});

test('stop() ends a long probe run early with its output complete, and failures are recorded', {
  skip,
}, async () => {
  const outFile = join(dir, 'stopped.json');
  const probes = await startProbes({
    k6Path: k6,
    netns: null,
    vips: ['127.0.0.1', '127.0.0.2'], // nothing listens on 127.0.0.2: connection refused
    port,
    ratePerSecond: 20,
    durationSeconds: 60,
    timeoutMs: 200,
    outFile,
  });
  await new Promise((ok) => setTimeout(ok, 2000));
  const t0 = Date.now();
  const exit = await probes.stop();
  assert.ok(Date.now() - t0 < 3000, 'k6 exits promptly on SIGTERM');
  assert.equal(exit.code, 105);
  assert.deepEqual(await probes.done, exit);
  const results = readProbeResults(outFile);
  const byVip = (vip: string) => results.filter((r) => r.vip === vip);
  assert.ok(byVip('127.0.0.1').length >= 10, `${byVip('127.0.0.1').length} probes of 127.0.0.1`);
  assert.ok(byVip('127.0.0.1').every((r) => r.ok && r.node === NODE));
  assert.ok(byVip('127.0.0.2').length >= 10);
  assert.ok(byVip('127.0.0.2').every((r) => !r.ok && r.node === null));
});
