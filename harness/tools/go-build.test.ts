import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { moduleDirOf } from './go-build.js';

test('moduleDirOf reads the Dir of `go mod download -json` and nothing from a failed download', () => {
  const ok = JSON.stringify({
    Path: 'github.com/kube-vip/kube-vip',
    Version: 'v1.0.0',
    Dir: '/root/go/pkg/mod/github.com/kube-vip/kube-vip@v1.0.0',
  });
  assert.equal(moduleDirOf(ok), '/root/go/pkg/mod/github.com/kube-vip/kube-vip@v1.0.0');
  const failed = JSON.stringify({ Path: 'x', Version: 'v9.9.9', Error: '403 Forbidden' });
  assert.equal(moduleDirOf(failed), undefined);
  assert.equal(moduleDirOf('go: not JSON'), undefined);
});
