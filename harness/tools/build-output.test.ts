import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { diagnosticTail, isProgressLine } from './build-output.js';

test('download lines and -v package paths are progress; compiler errors are not', () => {
  assert.ok(isProgressLine('go: downloading k8s.io/api v0.32.13'));
  assert.ok(isProgressLine('k8s.io/apiserver/pkg/server'));
  assert.ok(isProgressLine('runtime'));
  assert.ok(!isProgressLine('# k8s.io/apiserver/pkg/server'));
  assert.ok(!isProgressLine('../../server.go:12:3: undefined: foo'));
});

test('the tail of a failed build keeps the diagnostics and drops progress', () => {
  const out = [
    'go: downloading a v1',
    '# golang.org/x/tools/internal/tokeninternal',
    '../tokeninternal.go:64:9: invalid array length -delta * delta',
    'k8s.io/apiserver/pkg/server',
    'k8s.io/client-go/rest',
  ].join('\n');
  assert.equal(
    diagnosticTail(out),
    '# golang.org/x/tools/internal/tokeninternal | ../tokeninternal.go:64:9: invalid array length -delta * delta',
  );
  assert.equal(diagnosticTail('go: downloading a v1\ngo: downloading b v1\n', 1), 'go: downloading b v1');
  assert.equal(diagnosticTail(`error: ${'x'.repeat(50)}`, 6, 10), `…${'x'.repeat(10)}`);
});
