import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { wrapperGoMod, wrapperToolsGo } from './go-wrapper-module.js';
import { KUBERNETES_STAGING_MODULES, TOOL_PINS } from './tool-versions.js';

function wrapperRecipe(name: 'kube-apiserver' | 'etcd') {
  const r = TOOL_PINS[name].recipe;
  assert.equal(r.kind, 'wrapper');
  return r as Extract<typeof r, { kind: 'wrapper' }>;
}

test('the kube-apiserver wrapper go.mod requires k8s.io/kubernetes and replaces every staging module', () => {
  const text = wrapperGoMod('l2bench.local/kube-apiserver-build', wrapperRecipe('kube-apiserver'));
  const lines = text.split('\n');
  assert.equal(lines[0], 'module l2bench.local/kube-apiserver-build');
  assert.ok(lines.includes('go 1.23.0'));
  assert.ok(lines.includes('require k8s.io/kubernetes v1.32.13'));
  assert.equal(KUBERNETES_STAGING_MODULES.length, 31);
  for (const m of KUBERNETES_STAGING_MODULES) {
    assert.ok(lines.includes(`\tk8s.io/${m} => k8s.io/${m} v0.32.13`), `replace line for k8s.io/${m}`);
  }
  assert.equal(lines.filter((l) => l.includes('=>')).length, 31);
  assert.ok(text.endsWith(')\n'));
});

test('the etcd wrapper go.mod has no replace block and asks for the Go its server module needs', () => {
  const text = wrapperGoMod('l2bench.local/etcd-build', wrapperRecipe('etcd'));
  assert.equal(
    text,
    'module l2bench.local/etcd-build\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v3.5.35\n',
  );
});

test('tools.go imports the main package behind the tools build tag', () => {
  assert.equal(
    wrapperToolsGo(wrapperRecipe('kube-apiserver')),
    '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n',
  );
});

test('only kube-controller-manager swaps in the endpointslice release the proxy serves', () => {
  const replaced = (name: 'kube-apiserver' | 'kube-controller-manager') => {
    const r = TOOL_PINS[name].recipe;
    assert.equal(r.kind, 'wrapper');
    return r.kind === 'wrapper'
      ? r.replaces.find((x) => x.module === 'k8s.io/endpointslice')?.version
      : undefined;
  };
  assert.equal(replaced('kube-controller-manager'), 'v0.32.12');
  assert.equal(replaced('kube-apiserver'), 'v0.32.13');
});
