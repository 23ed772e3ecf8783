import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MeasureError } from '../errors.js';
import {
  k6ProbeCommand,
  parseProbeJson,
  probeVus,
  readProbeResults,
  type StartProbesOptions,
  startProbes,
  validateProbeOptions,
} from './k6-probe.js';

// Recorded from k6 v1.8.1 running scenarios/k6/probe.ts against 127.0.0.1 (answering) and
// 127.0.0.2 (connection refused, error_code 1212); most built-in metric lines cut. Lines are in
// k6's sample-time order, which is not send order.
const SAMPLE = `{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","thresholds":[],"submetrics":null},"metric":"http_reqs"}
{"metric":"http_reqs","type":"Point","data":{"time":"2026-11-25T03:49:34.520862069Z","value":1,"tags":{"error_code":"1212","status":"0","vip":"127.0.0.2"}}}
{"type":"Metric","data":{"name":"probe","type":"trend","contains":"default","thresholds":[],"submetrics":null},"metric":"probe"}
{"metric":"probe","type":"Point","data":{"time":"2026-11-25T03:49:34.521037629Z","value":1.79557857452e+12,"tags":{"err":"1212","node":"","ok":"0","vip":"127.0.0.2"}}}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-25T03:49:34.529708998Z","value":1.2,"tags":{"error_code":"0","status":"200","vip":"127.0.0.1"}}}
{"metric":"probe","type":"Point","data":{"time":"2026-11-25T03:49:34.529708998Z","value":1.795578574519e+12,"tags":{"err":"0","node":"l2b-test-n1","ok":"1","vip":"127.0.0.1"}}}
{"metric":"probe","type":"Point","data":{"time":"2026-11-25T03:49:34.922307475Z","value":1.795578574921e+12,"tags":{"err":"0","node":"l2b-test-n1","ok":"1","vip":"127.0.0.1"}}}
{"metric":"vus","type":"Point","data":{"time":"2026-11-25T03:49:35.000000000Z","value":2,"tags":{}}}
{"metric":"probe","type":"Point","data":{"time":"2026-11-25T03:49:35.12092893Z","value":1.79557857512e+12,"tags":{"err":"1050","node":"","ok":"0","vip":"127.0.0.1"}}}
{"metric":"probe","type":"Point","data":{"time":"2026-11-25T03:49:35.3`;

const EXPECTED = [
  { tMs: 1795578574519, vip: '127.0.0.1', ok: true, node: 'l2b-test-n1' },
  { tMs: 1795578574520, vip: '127.0.0.2', ok: false, node: null },
  { tMs: 1795578574921, vip: '127.0.0.1', ok: true, node: 'l2b-test-n1' },
  { tMs: 1795578575120, vip: '127.0.0.1', ok: false, node: null },
];

test('parses probe points of recorded k6 JSON, by send time, skipping other metrics and an unfinished line', () => {
  assert.deepEqual(parseProbeJson(SAMPLE), EXPECTED);
});

test('readProbeResults gives the same probes however the file is split into reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-k6-probe-'));
  try {
    const file = join(dir, 'probe.json');
    writeFileSync(file, SAMPLE);
    for (const chunk of [7, 64, 1 << 20]) assert.deepEqual(readProbeResults(file, chunk), EXPECTED);
    const complete = SAMPLE.slice(0, SAMPLE.lastIndexOf('\n') + 1);
    writeFileSync(file, `${complete}{"metric":"probe","type":"Point","data":{"value":1}}\n`);
    assert.throws(() => readProbeResults(file), /probe\.json:10: not a k6 probe point/);
    assert.throws(() => readProbeResults(join(dir, 'missing.json')), MeasureError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const base: StartProbesOptions = {
  k6Path: '/opt/k6',
  netns: 'l2bad9737-c',
  vips: ['198.18.8.3', '198.18.8.4'],
  port: 80,
  ratePerSecond: 20,
  durationSeconds: 30,
  timeoutMs: 200,
  outFile: '/tmp/probe.json',
};

test('the command runs k6 quietly in the client namespace with the inputs as -e values', () => {
  const cmd = k6ProbeCommand(base);
  assert.deepEqual(cmd.slice(0, 6), ['ip', 'netns', 'exec', 'l2bad9737-c', '/opt/k6', 'run']);
  for (const flag of [
    '--quiet',
    '--summary-mode=disabled',
    '--no-usage-report',
    '--address=',
    '--out=json=/tmp/probe.json',
  ])
    assert.ok(cmd.includes(flag), flag);
  for (const env of [
    'VIPS=198.18.8.3,198.18.8.4',
    'RATE=20',
    'DURATION_S=30',
    'TIMEOUT_MS=200',
    'VUS=7',
    'MAX_VUS=27',
  ])
    assert.equal(cmd[cmd.indexOf(env) - 1], '-e', env);
  assert.match(cmd.at(-1) ?? '', /scenarios\/k6\/probe\.ts$/);
  assert.equal(k6ProbeCommand({ ...base, netns: null, vips: ['127.0.0.1'] })[0], '/opt/k6');
});

test('VUs cover every request waiting out its timeout', () => {
  assert.deepEqual(probeVus(20, 200), { vus: 7, maxVus: 27 });
  assert.deepEqual(probeVus(0.5, 1000), { vus: 2, maxVus: 3 });
});

test('refuses unbounded probes and traffic outside loopback or the project range, in one line', () => {
  const refuse = (o: Partial<StartProbesOptions>, re: RegExp) =>
    assert.throws(
      () => validateProbeOptions({ ...base, ...o }),
      (err: unknown) => err instanceof MeasureError && re.test(err.message) && !err.message.includes('\n'),
    );
  assert.doesNotThrow(() => validateProbeOptions(base));
  refuse({ ratePerSecond: 201 }, /ratePerSecond 201 must be in \[0\.001, 200\]/);
  refuse({ durationSeconds: 601 }, /durationSeconds 601 must be in \[1, 600\]/);
  refuse({ timeoutMs: 0 }, /timeoutMs 0/);
  refuse({ vips: [] }, /no VIPs/);
  refuse({ vips: ['10.0.0.1'] }, /VIP 10\.0\.0\.1 is not in 198\.18\.0\.0\/15/);
  refuse({ netns: null }, /VIP 198\.18\.8\.3 is not in 127\.0\.0\.0\/8/);
  refuse({ netns: 'default' }, /netns default is not an l2bench namespace/);
  refuse({ ratePerSecond: 200, timeoutMs: 10_000, vips: ['198.18.8.3'] }, /need 2221 VUs, at most 2000/);
});

test("done rejects with k6's last log lines (not its per-request warnings) when k6 fails", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'l2b-k6-probe-'));
  try {
    // A stand-in for k6 that fails the way a bad script does (exit 107).
    const fake = join(dir, 'k6');
    writeFileSync(
      fake,
      '#!/bin/sh\necho \'level=warning msg="Request Failed" error="refused"\' >&2\n' +
        'echo \'level=error msg="probe.ts: RATE=x must be a number"\' >&2\nexit 107\n',
    );
    chmodSync(fake, 0o755);
    const probes = await startProbes({
      ...base,
      k6Path: fake,
      netns: null,
      vips: ['127.0.0.1'],
      outFile: join(dir, 'o.json'),
    });
    await assert.rejects(probes.done, (err: unknown) => {
      assert.ok(err instanceof MeasureError);
      assert.match(err.message, /exited with code 107: level=error msg="probe.ts: RATE=x must be a number"$/);
      return true;
    });
    assert.deepEqual(await probes.stop(), { code: 107, signal: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
