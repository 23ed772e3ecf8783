import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decideToolchainRetry, parseGoVersion } from './toolchain-retry.js';

test('parseGoVersion reads go env GOVERSION forms', () => {
  assert.deepEqual(parseGoVersion('go1.26.8'), [1, 26, 8]);
  assert.deepEqual(parseGoVersion('1.23'), [1, 23, 0]);
  assert.deepEqual(parseGoVersion('go1.24rc1'), [1, 24, 0]);
  assert.equal(parseGoVersion('devel +abc'), undefined);
});

test('a compile failure typical of a too-new Go retries with the pinned older toolchain', () => {
  const outputs = [
    '# golang.org/x/tools/internal/tokeninternal\n../tokeninternal.go:64:9: invalid array length -delta * delta (constant -256 of type int64)',
    'link: github.com/bytedance/sonic/loader: invalid reference to runtime.lastmoduledatap',
    '//go:linkname reference of runtime.foo is not allowed',
    'error: go1.26 is not supported by this version of the generator',
  ];
  for (const out of outputs) {
    assert.deepEqual(decideToolchainRetry(out, 'go1.26.8', 'go1.23.12'), {
      toolchain: 'go1.23.12',
      reason: 'go1.26.8 looks too new for this release',
    });
  }
});

test('a too-new signature does not retry when the fallback is not older than the Go that failed', () => {
  const out = 'link: x: invalid reference to runtime.lastmoduledatap';
  assert.equal(decideToolchainRetry(out, 'go1.23.12', 'go1.23.12'), undefined);
  assert.equal(decideToolchainRetry(out, 'go1.22.2', 'go1.23.12'), undefined);
});

test('go.mod needing a newer Go than the local one switches up: to the fallback if new enough', () => {
  const out = 'go: go.mod requires go >= 1.26.0 (running go 1.23.4; GOTOOLCHAIN=local)';
  assert.deepEqual(decideToolchainRetry(out, 'go1.23.4', 'go1.26.10'), {
    toolchain: 'go1.26.10',
    reason: 'go1.23.4 is older than the go 1.26.0 the module needs',
  });
  assert.equal(decideToolchainRetry(out, 'go1.23.4', 'go1.25.12')?.toolchain, 'go1.26.0');
  assert.equal(
    decideToolchainRetry('note: module requires Go 1.25', 'go1.22.2', 'go1.23.12')?.toolchain,
    'go1.25.0',
  );
});

test('ordinary build failures and satisfied requirements do not retry', () => {
  assert.equal(decideToolchainRetry('./main.go:3:2: undefined: foo', 'go1.26.8', 'go1.23.12'), undefined);
  assert.equal(
    decideToolchainRetry('go: downloading x\nconnection refused', 'go1.26.8', 'go1.23.12'),
    undefined,
  );
  assert.equal(decideToolchainRetry('requires go >= 1.23.0', 'go1.26.8', 'go1.23.12'), undefined);
  assert.equal(decideToolchainRetry('invalid reference to runtime.x', 'devel', 'go1.23.12'), undefined);
});
