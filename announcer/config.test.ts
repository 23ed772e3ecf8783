import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseAgentConfig } from './config.js';

const required = ['--kubeconfig', '/tmp/n0.kubeconfig', '--node-name', 'n0'];

function fails(argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp): void {
  assert.throws(
    () => parseAgentConfig(argv, env),
    (err: unknown) => err instanceof ConfigError && pattern.test(err.message) && !err.message.includes('\n'),
  );
}

test('defaults match docs/design.md', () => {
  assert.deepEqual(parseAgentConfig(required, {}), {
    kubeconfig: '/tmp/n0.kubeconfig',
    nodeName: 'n0',
    metricsPort: 9090,
    leaseNamespace: 'kube-system',
    leaseDurationMs: 15000,
    renewDeadlineMs: 5000,
    retryPeriodMs: 2000,
    selection: 'policy',
    renewMode: 'get-then-update',
    operator: false,
    operatorOnly: false,
    leaseNameStyle: 'cilium',
    stepDown: 'on-observe',
    onApiOutage: 'release',
    sharedAddressElection: 'per-address',
    strategy: { kind: 'per-service' },
  });
});

test('issue 17 flags: --step-down, --on-api-outage, --shared-address-election', () => {
  const cfg = parseAgentConfig(
    [
      ...required,
      '--step-down',
      'renew-deadline',
      '--on-api-outage',
      'keep',
      '--shared-address-election',
      'per-service',
    ],
    {},
  );
  assert.ok(cfg !== 'help');
  assert.deepEqual(
    [cfg.stepDown, cfg.onApiOutage, cfg.sharedAddressElection],
    ['renew-deadline', 'keep', 'per-service'],
  );
  const byEnv = parseAgentConfig(required, { L2A_STEP_DOWN: 'renew-deadline', L2A_ON_API_OUTAGE: 'keep' });
  assert.ok(byEnv !== 'help');
  assert.deepEqual([byEnv.stepDown, byEnv.onApiOutage], ['renew-deadline', 'keep']);
  fails(
    [...required, '--step-down', 'never'],
    {},
    /^--step-down must be one of on-observe, renew-deadline \(got "never"\)$/,
  );
  fails(
    [...required, '--on-api-outage', 'hold'],
    {},
    /^--on-api-outage must be one of release, keep \(got "hold"\)$/,
  );
  fails(
    required,
    { L2A_SHARED_ADDRESS_ELECTION: 'both' },
    /^L2A_SHARED_ADDRESS_ELECTION must be one of per-address, per-service/,
  );
});

test('--operator-only implies the operator (flag or L2A_OPERATOR_ONLY)', () => {
  const byFlag = parseAgentConfig([...required, '--operator-only'], {});
  assert.ok(byFlag !== 'help');
  assert.deepEqual([byFlag.operator, byFlag.operatorOnly], [true, true]);
  const byEnv = parseAgentConfig(required, { L2A_OPERATOR_ONLY: 'yes' });
  assert.ok(byEnv !== 'help');
  assert.deepEqual([byEnv.operator, byEnv.operatorOnly], [true, true]);
});

test('in a pod, no --kubeconfig means the ServiceAccount; --operator-only implies --operator', () => {
  const cfg = parseAgentConfig(['--node-name', 'n0', '--operator-only'], {
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
  });
  assert.ok(cfg !== 'help');
  assert.equal(cfg.kubeconfig, null);
  assert.equal(cfg.operator, true);
  assert.equal(cfg.operatorOnly, true);
  const file = parseAgentConfig(required, { KUBERNETES_SERVICE_HOST: '10.96.0.1' });
  assert.equal(file !== 'help' && file.kubeconfig, '/tmp/n0.kubeconfig');
  fails(['--node-name', 'n0'], {}, /^--kubeconfig is required$/);
});

test('--strategy: each strategy parses; a bad one is one line naming the flag and the choices', () => {
  const parse = (...extra: string[]) => {
    const cfg = parseAgentConfig([...required, ...extra], {});
    assert.ok(cfg !== 'help');
    return cfg.strategy;
  };
  assert.deepEqual(parse('--strategy', 'sharded:16'), { kind: 'sharded', shards: 16 });
  assert.deepEqual(parse('--strategy=node-lease'), { kind: 'node-lease' });
  assert.deepEqual(parse('--strategy', 'per-service-watch'), { kind: 'per-service-watch' });
  assert.deepEqual(
    parseAgentConfig(required, { L2A_STRATEGY: 'node-lease' }) !== 'help' &&
      parseAgentConfig(required, { L2A_STRATEGY: 'node-lease' }),
    {
      ...(parseAgentConfig(required, {}) as object),
      strategy: { kind: 'node-lease' },
    },
  );
  fails(
    [...required, '--strategy', 'sharded:0'],
    {},
    /^--strategy must be per-service, per-service-watch, sharded:K \(K from 1 to 4096\) or node-lease \(got "sharded:0"\)$/,
  );
  fails(
    [...required, '--strategy', 'per-service-watch', '--lease-name-style', 'kube-vip'],
    {},
    /^--strategy per-service-watch needs --lease-name-style cilium/,
  );
});

test('every flag is parsed', () => {
  const cfg = parseAgentConfig(
    [
      ...required,
      '--metrics-port=0',
      '--lease-namespace',
      'l2',
      '--lease-duration-ms',
      '4000',
      '--renew-deadline-ms',
      '3000',
      '--retry-period-ms',
      '1000',
      '--selection',
      'all-services',
      '--renew-mode',
      'update-first',
      '--operator',
      '--lease-name-style',
      'kube-vip',
    ],
    {},
  );
  assert.equal(cfg !== 'help' && cfg.operator, true);
  assert.equal(cfg !== 'help' && cfg.metricsPort, 0);
  assert.equal(cfg !== 'help' && cfg.selection, 'all-services');
  assert.equal(cfg !== 'help' && cfg.leaseNameStyle, 'kube-vip');
});

test('L2A_* variables fill in, flags win, KUBECONFIG is the last resort', () => {
  const env = { L2A_NODE_NAME: 'n1', L2A_OPERATOR: 'true', L2A_RETRY_PERIOD_MS: '1000', KUBECONFIG: '/k' };
  const cfg = parseAgentConfig(['--retry-period-ms', '1500'], env);
  assert.ok(cfg !== 'help');
  assert.equal(cfg.nodeName, 'n1');
  assert.equal(cfg.operator, true);
  assert.equal(cfg.retryPeriodMs, 1500);
  assert.equal(cfg.kubeconfig, '/k');
});

test('errors are one line and name the flag and the value', () => {
  fails(['--node-name', 'n0'], {}, /^--kubeconfig is required$/);
  fails(['--kubeconfig', 'k'], {}, /^--node-name is required$/);
  fails([...required, '--node-name', 'Node_0'], {}, /^--node-name must be a Node name .* \(got "Node_0"\)$/);
  fails(
    [...required, '--metrics-port', '70000'],
    {},
    /^--metrics-port must be at most 65535 \(got "70000"\)$/,
  );
  fails(
    [...required, '--lease-duration-ms', 'soon'],
    {},
    /^--lease-duration-ms must be an integer \(got "soon"\)$/,
  );
  fails([...required, '--selection', 'some'], {}, /^--selection must be one of policy, all-services/);
  fails([...required, '--renew-mode', 'x'], {}, /^--renew-mode must be one of get-then-update, update-first/);
  fails(
    [...required, '--lease-name-style', 'metallb'],
    {},
    /^--lease-name-style must be one of cilium, kube-vip/,
  );
  fails([...required, '--bogus'], {}, /Unknown option '--bogus'/);
  fails(required, { L2A_METRICS_PORT: 'x' }, /^L2A_METRICS_PORT must be an integer/);
  fails(required, { L2A_OPERATOR: 'maybe' }, /^L2A_OPERATOR must be true or false/);
});

test('timings follow client-go: leaseDuration > renewDeadline > 1.2 × retryPeriod, whole seconds', () => {
  fails(
    [...required, '--renew-deadline-ms', '20000'],
    {},
    /^--renew-deadline-ms \(20000\) must be shorter than --lease-duration-ms \(15000\)/,
  );
  fails(
    [...required, '--renew-deadline-ms', '2400'],
    {},
    /^--renew-deadline-ms \(2400\) must be greater than 1\.2 × --retry-period-ms \(2000 → 2400\)$/,
  );
  fails(
    [...required, '--lease-duration-ms', '15500'],
    {},
    /^--lease-duration-ms \(15500\) must be a whole number of seconds/,
  );
});

test('--help is not an error', () => {
  assert.equal(parseAgentConfig(['--help'], {}), 'help');
});
