import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { moduleDirOf } from './go-build.js';
import { toolMessages } from './messages.js';

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

test('a failed build is one line naming the command that failed', () => {
  const m = toolMessages.buildFailed(
    'metallb-speaker',
    'v0.16.2',
    'go install -v -trimpath -ldflags -s -w go.universe.tf/metallb/speaker@v0.16.2',
    1,
    '/c/build/metallb-speaker-v0.16.2',
    'github.com/metallb/frr-k8s@v0.0.27: 403 Forbidden',
  );
  assert.match(
    m,
    /^building metallb-speaker v0\.16\.2 failed: `go install .*speaker@v0\.16\.2` exited 1 in /,
  );
  assert.ok(!m.includes('\n'));
});
