/**
 * l2bench VIP probe (k6 v1 runs this TypeScript natively).
 *
 * One `constant-arrival-rate` scenario per VIP: `RATE` new HTTP requests per second to
 * `http://<vip>:<PORT>/` for `DURATION_S` seconds, each with a `TIMEOUT_MS` timeout, so a run sends
 * at most RATE × DURATION_S requests per VIP and ends by DURATION_S + TIMEOUT_MS + 1 s.
 *
 * Every request leaves one `probe` sample in k6's JSON output (`--out json=<file>`):
 * value = the epoch ms at which the request was sent; tags `vip`, `node` (the first line of the
 * body: the echo server's node name, '' when there is none), `ok` ('1' for HTTP 200) and `err`
 * (k6's error_code, '0' when none). k6 stamps the sample's `time` when it is added, i.e. after the
 * response or the timeout; harness/measure/k6-probe.ts reads the value instead.
 *
 * Env: VIPS (comma-separated IPv4), PORT (80), RATE (per second per VIP, may be fractional),
 * DURATION_S, TIMEOUT_MS; optional VUS / MAX_VUS (per VIP; the harness computes them).
 * Run by hand: `k6 run -e VIPS=127.0.0.1 -e PORT=8080 -e RATE=5 -e DURATION_S=3 -e TIMEOUT_MS=200 probe.ts`
 */
import http from 'k6/http';
import { Trend } from 'k6/metrics';
import type { ConstantArrivalRateScenario, Options } from 'k6/options';

function envNumber(name: string, fallback: number | undefined, min: number, max: number): number {
  const text = __ENV[name];
  const value = text === undefined || text === '' ? fallback : Number(text);
  if (value === undefined || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`probe.ts: ${name}=${text ?? '(unset)'} must be a number in [${min}, ${max}]`);
  }
  return value;
}

// Same network rule as the harness: the project's 198.18.0.0/15, or loopback for tests.
function isAllowedVip(vip: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(vip);
  if (!m || m.slice(1).some((octet) => Number(octet) > 255)) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return (a === 198 && (b === 18 || b === 19)) || a === 127;
}

const vips = (__ENV.VIPS ?? '')
  .split(',')
  .map((v) => v.trim())
  .filter((v) => v !== '');
if (vips.length === 0) throw new Error('probe.ts: VIPS is empty: pass -e VIPS=<ip>[,<ip>…]');
for (const vip of vips) {
  if (!isAllowedVip(vip)) throw new Error(`probe.ts: VIP ${vip} is not in 198.18.0.0/15 or 127.0.0.0/8`);
}
const port = envNumber('PORT', 80, 1, 65535);
const ratePerSecond = envNumber('RATE', undefined, 0.001, 200);
const durationSeconds = envNumber('DURATION_S', undefined, 1, 600);
const timeoutMs = envNumber('TIMEOUT_MS', 200, 1, 60_000);
// Enough VUs that a request waiting out its timeout never delays the next one (+100 ms per
// iteration for k6's own overhead); the harness passes the same numbers explicitly.
const vus = envNumber('VUS', Math.ceil((ratePerSecond * (timeoutMs + 100)) / 1000) + 1, 1, 10_000);
const maxVus = envNumber('MAX_VUS', 2 * vus, vus, 20_000);

// constant-arrival-rate wants an integer rate per timeUnit; a fractional rate per second becomes
// a per-1000 s rate (iterations stay evenly spaced, 1/RATE s apart).
const integerRate = Number.isInteger(ratePerSecond);
const scenarios: Record<string, ConstantArrivalRateScenario> = {};
for (const vip of vips) {
  scenarios[`vip_${vip.split('.').join('_')}`] = {
    executor: 'constant-arrival-rate',
    exec: 'probe',
    env: { PROBE_VIP: vip },
    rate: integerRate ? ratePerSecond : Math.round(ratePerSecond * 1000),
    timeUnit: integerRate ? '1s' : '1000s',
    duration: `${durationSeconds}s`,
    preAllocatedVUs: vus,
    maxVUs: maxVus,
    // In-flight requests may finish their timeout; nothing else runs past the duration.
    gracefulStop: `${Math.ceil(timeoutMs / 1000) + 1}s`,
  };
}

export const options: Options = {
  scenarios,
  thresholds: {},
  // Each probe opens a new TCP connection: a kept-alive connection to the old holder would say
  // nothing about where the VIP resolves now (ARP) — which is what failover is about.
  noConnectionReuse: true,
  noVUConnectionReuse: true,
  // Keeps the JSON lines of k6's built-in metrics short; `probe` carries its own tags.
  systemTags: ['status', 'error_code'],
  userAgent: 'l2bench-probe',
  // A redirect would send the probe to an address nobody validated.
  maxRedirects: 0,
};

const probeSample = new Trend('probe');

/** One probe of this scenario's VIP. */
export function probe(): void {
  const vip = __ENV.PROBE_VIP ?? '';
  const sentAtMs = Date.now();
  const res = http.get(`http://${vip}:${port}/`, {
    timeout: `${timeoutMs}ms`,
    tags: { vip },
    responseType: 'text',
  });
  const body = typeof res.body === 'string' ? res.body : '';
  const ok = res.status === 200;
  const node = ok ? (body.split('\n')[0] ?? '').trim() : '';
  probeSample.add(sentAtMs, { vip, node, ok: ok ? '1' : '0', err: String(res.error_code ?? 0) });
}
