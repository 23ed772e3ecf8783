import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { mulberry32 } from '../results/statistics.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { JITTER_FACTOR, leaseModelInputFor, leaseRequestModel, relativeError } from './analytic-model.js';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

test('the seed: 5 services, 3 nodes, 2 s retry, GET then PUT', () => {
  const model = leaseRequestModel({
    services: 5,
    candidateNodes: 3,
    retryPeriodMs: 2000,
    renewMode: 'get-then-update',
  });
  const [services, operator] = model.lines;
  // Per lease: holder 1 GET + 1 PUT per 2 s; 2 others 1 GET per 3.2 s each.
  close(services!.getPerSecond, 5 * (0.5 + 2 / 3.2), 'service GETs');
  close(services!.updatePerSecond, 5 * 0.5, 'service PUTs');
  close(operator!.getPerSecond, 0.5 + 2 / 3.2, 'operator GETs');
  close(operator!.updatePerSecond, 0.5, 'operator PUTs');
  close(model.getPerSecond, 6.75, 'total GETs');
  close(model.updatePerSecond, 3, 'total PUTs');
  assert.equal(model.createPerSecond, 0);
});

test('update-first drops the holder GET and keeps the candidates’ GETs', () => {
  const model = leaseRequestModel({
    services: 5,
    candidateNodes: 3,
    retryPeriodMs: 2000,
    renewMode: 'update-first',
  });
  close(model.getPerSecond, 6 * (2 / 3.2), 'GETs');
  close(model.updatePerSecond, 3, 'PUTs');
});

test('one candidate: only the holder talks; no operator line when it has no candidates', () => {
  const model = leaseRequestModel({
    services: 4,
    candidateNodes: 1,
    retryPeriodMs: 500,
    renewMode: 'get-then-update',
    operatorCandidates: 0,
  });
  assert.equal(model.lines.length, 1);
  close(model.getPerSecond, 8, 'GETs');
  close(model.updatePerSecond, 8, 'PUTs');
  const none = leaseRequestModel({
    services: 0,
    candidateNodes: 3,
    retryPeriodMs: 2000,
    renewMode: 'update-first',
  });
  close(none.lines[0]!.getPerSecond, 0, 'no services, no service GETs');
});

test("candidates' mean retry wait is 1.6 periods: a simulated client-go JitterUntil agrees", () => {
  const random = mulberry32(7);
  const periodSeconds = 2;
  let elapsed = 0;
  let tries = 0;
  while (elapsed < 200_000) {
    elapsed += periodSeconds * (1 + random() * JITTER_FACTOR);
    tries += 1;
  }
  const model = leaseRequestModel({
    services: 1,
    candidateNodes: 2,
    retryPeriodMs: 2000,
    renewMode: 'update-first',
    operatorCandidates: 0,
  });
  const simulated = tries / elapsed;
  assert.ok(
    Math.abs(relativeError(simulated, model.getPerSecond)!) < 0.01,
    `${simulated} vs ${model.getPerSecond}`,
  );
});

test('scenario input: policy elects announced services, all-services elects every service', () => {
  const base = { name: 'x', nodes: { count: 3, unselected: { count: 1 } } };
  const text = (selection: string) =>
    stringify({
      ...base,
      services: { announced: 5, clusterIP: 5, unannounced: 2 },
      announcer: { selection },
    });
  const policy = leaseModelInputFor(parseScenario(text('policy'), 'x'));
  assert.deepEqual(policy, {
    services: 5,
    candidateNodes: 3,
    retryPeriodMs: 2000,
    renewMode: 'get-then-update',
    operatorRenewMode: 'get-then-update',
    implementation: 'bundled',
    leaseDurationMs: 15000,
    renewDeadlineMs: 5000,
    // Cilium's lease GC runs in every node's agent, the unselected node's too.
    gcAgents: 4,
  });
  assert.equal(leaseRequestModel(policy).listPerSecond, 4 / 60);
  assert.equal(leaseModelInputFor(parseScenario(text('all-services'), 'x')).services, 5 + 5 + 2 + 1);
  assert.equal(
    leaseModelInputFor(parseScenario(text('all-services'), 'x'), { systemServices: 0 }).services,
    12,
  );
});

test('kube-vip elects update-first (its client-go v0.33) while the bundled operator keeps renewMode', () => {
  const input = leaseModelInputFor(
    parseScenario(
      'name: x\nnodes: {count: 3}\nservices: {announced: 5}\nannouncer: {implementation: kube-vip, leaseDurationMs: 5s, renewDeadlineMs: 3s, retryPeriodMs: 1s}\n',
      'x',
    ),
  );
  assert.equal(input.renewMode, 'update-first');
  assert.equal(input.operatorRenewMode, 'get-then-update');
  const m = leaseRequestModel({ ...input, operatorCandidates: 1 });
  // Services: 5 PUT/s by holders + 5 × 2 others / 1.6 s GETs; operator (1 candidate): 1 GET + 1 PUT per s.
  close(m.updatePerSecond, 5 + 1, 'PUTs');
  close(m.getPerSecond, (5 * 2) / 1.6 + 1, 'GETs');
});

test("kube-vip's services-lease mode is one Lease for any number of services", () => {
  const input = leaseModelInputFor(
    parseScenario(
      'name: x\nnodes: {count: 3}\nservices: {announced: 5}\nannouncer: {implementation: kube-vip, kubeVipMode: services-lease, leaseDurationMs: 5s, renewDeadlineMs: 3s, retryPeriodMs: 1s}\n',
      'x',
    ),
  );
  assert.equal(input.services, 1);
  const m = leaseRequestModel({ ...input, operatorCandidates: 1 });
  // One holder PUT/s + 2 others' GETs every 1.6 s; operator: 1 GET + 1 PUT per s.
  close(m.updatePerSecond, 1 + 1, 'PUTs');
  close(m.getPerSecond, 2 / 1.6 + 1, 'GETs');
});

test('relativeError is signed and handles a zero model', () => {
  close(relativeError(11, 10)!, 0.1, 'over');
  close(relativeError(9, 10)!, -0.1, 'under');
  assert.equal(relativeError(0, 0), 0);
  assert.equal(relativeError(1, 0), null);
});

test('strategies: watch holders PUT every max(RP, min(LD/3, RD − RP)); node-lease depends on M alone', () => {
  const base = {
    services: 200,
    candidateNodes: 25,
    retryPeriodMs: 2000,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 5_000,
    renewMode: 'update-first' as const,
    operatorCandidates: 0,
  };
  const perService = leaseRequestModel(base);
  close(perService.getPerSecond, 200 * (24 / 3.2), 'per-service GETs');
  close(perService.updatePerSecond, 100, 'per-service PUTs');
  // Renew interval max(2, min(5, 3)) = 3 s.
  const watch = leaseRequestModel({ ...base, strategy: { kind: 'per-service-watch' } });
  close(watch.getPerSecond, 0, 'watch GETs');
  close(watch.updatePerSecond, 200 / 3, 'watch PUTs');
  close(watch.watchPerSecond, 25 / 2700, 'watch WATCHes');
  const node = leaseRequestModel({ ...base, strategy: { kind: 'node-lease' } });
  close(node.updatePerSecond, 25 / 3, 'node-lease PUTs');
  close(
    leaseRequestModel({ ...base, services: 5, strategy: { kind: 'node-lease' } }).updatePerSecond,
    25 / 3,
    'N-free',
  );
  // 200 services fill all 8 buckets (almost surely): 8 per-service style elections.
  const sharded = leaseRequestModel({ ...base, strategy: { kind: 'sharded', shards: 8 } });
  close(sharded.updatePerSecond, 8 * (1 - (7 / 8) ** 200) * 0.5, 'sharded PUTs');
  const total = (m: typeof perService) => m.getPerSecond + m.updatePerSecond + m.watchPerSecond;
  assert.ok(total(perService) / total(watch) >= 20, `watch ratio ${total(perService) / total(watch)}`);
  assert.ok(total(perService) / total(node) >= 20);
  // The operator lease stays per-service style whatever the strategy.
  const withOperator = leaseRequestModel({
    ...base,
    operatorCandidates: 1,
    strategy: { kind: 'node-lease' },
  });
  close(withOperator.lines[1]!.updatePerSecond, 0.5, 'operator PUTs');
});
