/**
 * l2bench lease calibration load (k6 v1 runs this TypeScript natively).
 *
 * Pure Lease GETs or PUTs at a fixed rate against one kube-apiserver, with an agent's identity,
 * so the runner (harness/calibrate/) can fit the API server's and etcd's CPU per request by verb.
 * One `constant-arrival-rate` scenario: `RATE` requests per second for `DURATION_S` seconds, each
 * with a 5 s timeout, so a run sends at most RATE × DURATION_S requests and ends by DURATION_S + 6 s.
 * k6 speaks HTTP/2 over TLS when the server offers it (kube-apiserver does), requests multiplexed
 * over its connections, as client-go's transport does.
 *
 * Each VU owns one Lease `<LEASE_PREFIX><vu>` in NAMESPACE (the runner creates `MAX_VUS` of them
 * before k6 starts), so PUTs never conflict: a VU GETs its Lease once, then every PUT carries the
 * resourceVersion of the previous answer and a fresh renewTime, as a renewing holder's does.
 *
 * Env: API (https://<ip>:<port>, 198.18.0.0/15 or loopback only), VERB (GET | PUT), RATE (0.1..500
 * per second), DURATION_S (1..600), NAMESPACE, LEASE_PREFIX, VUS, MAX_VUS; identity: CERT_FILE +
 * KEY_FILE (a client certificate) or TOKEN_FILE (a bearer token).
 */
import http from 'k6/http';
import type { Options } from 'k6/options';

function env(name: string): string {
  const v = __ENV[name];
  if (v === undefined || v === '') throw new Error(`lease-calibration.ts: ${name} is not set`);
  return v;
}

function envNumber(name: string, min: number, max: number): number {
  const v = Number(env(name));
  if (!Number.isFinite(v) || v < min || v > max)
    throw new Error(`lease-calibration.ts: ${name}=${__ENV[name]} must be a number in [${min}, ${max}]`);
  return v;
}

const api = env('API');
const m = /^https:\/\/(\d+)\.(\d+)\.\d+\.\d+:\d+$/.exec(api);
if (!m || !((m[1] === '198' && (m[2] === '18' || m[2] === '19')) || m[1] === '127'))
  throw new Error(`lease-calibration.ts: API ${api} must be https://<198.18.0.0/15 or 127.0.0.0/8>:<port>`);
const verb = env('VERB');
if (verb !== 'GET' && verb !== 'PUT')
  throw new Error(`lease-calibration.ts: VERB ${verb} must be GET or PUT`);
const rate = envNumber('RATE', 0.1, 500);
const durationSeconds = envNumber('DURATION_S', 1, 600);
const vus = envNumber('VUS', 1, 200);
const maxVus = envNumber('MAX_VUS', vus, 200);
const namespace = env('NAMESPACE');
const prefix = env('LEASE_PREFIX');

const certFile = __ENV.CERT_FILE;
const tokenFile = __ENV.TOKEN_FILE;
const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
if (tokenFile) headers.Authorization = `Bearer ${open(tokenFile).trim()}`;
else if (!certFile) throw new Error('lease-calibration.ts: set CERT_FILE + KEY_FILE or TOKEN_FILE');

export const options: Options = {
  // The run's own CA signs the API server's certificate; traffic stays on the project's bridge.
  insecureSkipTLSVerify: true,
  ...(certFile ? { tlsAuth: [{ cert: open(certFile), key: open(env('KEY_FILE')) }] } : {}),
  discardResponseBodies: false,
  summaryTrendStats: ['med', 'p(99)'],
  scenarios: {
    leases: {
      executor: 'constant-arrival-rate',
      // rate per timeUnit with timeUnit 1 s must be an integer: scale both for fractional rates.
      rate: Math.round(rate * 1000),
      timeUnit: '1000s',
      duration: `${durationSeconds}s`,
      preAllocatedVUs: vus,
      maxVUs: maxVus,
      gracefulStop: '6s',
    },
  },
};

interface Lease {
  metadata: { resourceVersion?: string };
  spec?: { renewTime?: string };
}

// Per VU (k6 gives each VU its own copy of module state): the last Lease this VU saw.
let mine: Lease | null = null;

function leaseUrl(): string {
  return `${api}/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${prefix}${__VU}`;
}

function get(): void {
  const r = http.get(leaseUrl(), { headers, timeout: '5s', tags: { verb: 'GET' } });
  mine = r.status === 200 ? (r.json() as unknown as Lease) : null;
}

export default function (): void {
  if (verb === 'GET' || mine === null) {
    get();
    return;
  }
  const body: Lease = {
    ...mine,
    spec: { ...mine.spec, renewTime: new Date().toISOString().replace('Z', '000Z') },
  };
  const r = http.put(leaseUrl(), JSON.stringify(body), { headers, timeout: '5s', tags: { verb: 'PUT' } });
  mine = r.status === 200 ? (r.json() as unknown as Lease) : null;
}
