import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { parseReportedVersion } from './parse-tool-version.js';

test('each tool version output parses to the v-prefixed version', () => {
  assert.equal(parseReportedVersion('kube-apiserver', 'Kubernetes v1.32.13\n'), 'v1.32.13');
  assert.equal(
    parseReportedVersion(
      'etcd',
      'etcd Version: 3.5.35\nGit SHA: Not provided (use ./build instead of go build)\nGo Version: go1.26.8\nGo OS/Arch: linux/amd64\n',
    ),
    'v3.5.35',
  );
  assert.equal(parseReportedVersion('k6', 'k6 v1.8.1 (commit/devel, go1.26.8, linux/amd64)\n'), 'v1.8.1');
  // k6 names itself after argv[0].
  assert.equal(parseReportedVersion('k6', 'k6-v1.8.1.tmp v1.8.1 (go1.26.8, linux/amd64)\n'), 'v1.8.1');
  assert.equal(parseReportedVersion('kind', 'kind v0.30.0 go1.26.8 linux/amd64'), 'v0.30.0');
  assert.equal(
    parseReportedVersion('kube-vip', 'Kube-VIP Release Information\nVersion:  v1.0.0\nBuild:    \n'),
    'v1.0.0',
  );
  assert.equal(parseReportedVersion('kubelet', 'Kubernetes v1.32.13\n'), 'v1.32.13');
  assert.equal(parseReportedVersion('kubeadm', 'v1.32.13\n'), 'v1.32.13');
  assert.equal(
    parseReportedVersion('kubectl', 'Client Version: v1.32.13\nKustomize Version: v5.5.0\n'),
    'v1.32.13',
  );
  assert.equal(parseReportedVersion('coredns', 'CoreDNS-1.11.3\nlinux/amd64, go1.26.8, \n'), 'v1.11.3');
  // MetalLB has no version flag: its first log line, before it exits on the probe arguments.
  assert.equal(
    parseReportedVersion(
      'metallb-speaker',
      '{"branch":"","caller":"main.go:108","commit":"","goversion":"gc / go1.26.8 / amd64","level":"info","msg":"MetalLB speaker starting version 0.15.2 (no build information)","ts":"2026-12-02T20:04:13Z","version":"0.15.2"}\n{"caller":"main.go:120","error":"must specify --node-name or METALLB_NODE_NAME","level":"error"}',
    ),
    'v0.15.2',
  );
  assert.equal(
    parseReportedVersion(
      'metallb-controller',
      '{"level":"info","msg":"MetalLB controller starting version 0.15.2 (no build information)","version":"0.15.2"}',
    ),
    'v0.15.2',
  );
  assert.equal(
    parseReportedVersion('metallb-controller', '{"msg":"MetalLB speaker starting version 0.15.2"}'),
    undefined,
  );
});

test('an unpinned build and foreign output are told apart from the pin', () => {
  assert.equal(
    parseReportedVersion('kube-apiserver', 'Kubernetes v0.0.0-master+$Format:%H$'),
    'v0.0.0-master+',
  );
  assert.equal(parseReportedVersion('etcd', 'Kubernetes v1.32.13'), undefined);
  assert.equal(parseReportedVersion('kubeadm', 'Kubernetes v1.32.13'), undefined);
  assert.equal(parseReportedVersion('kubectl', 'error: unknown flag: --client'), undefined);
  assert.equal(parseReportedVersion('k6', 'unknown flag: --version'), undefined);
  assert.equal(parseReportedVersion('k6', 'etcd Version: 3.5.35'), undefined);
  // A plain `go build` of kube-vip (no -X main.Version) prints an empty version.
  assert.equal(
    parseReportedVersion('kube-vip', 'Kube-VIP Release Information\nVersion:  \nBuild:    \n'),
    undefined,
  );
});
