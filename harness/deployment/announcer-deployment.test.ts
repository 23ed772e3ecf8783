import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { KubeConfig, type KubernetesObject, type V1Service } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { METALLB_POOL, METALLB_POOL_ANNOTATION } from '../peers/metallb.js';
import { parseScenario } from '../scenario/scenario-file.js';
import { type ResolvedScenario, resolveScenario } from '../scenario/scenario-schema.js';
import type { AgentRunner } from './agent-runner.js';
import { AnnouncerDeployment } from './announcer-deployment.js';
import { AnnouncerEventLog } from './announcer-events.js';
import type { DeploymentApi } from './deployment-api.js';
import { IDLE_SELECTOR } from './idle-policy.js';

function scenario(extra: Record<string, unknown> = {}): ResolvedScenario {
  const doc = { name: 'x', nodes: { count: 3 }, services: { announced: 3, unannounced: 1 }, ...extra };
  return resolveScenario(parseScenario(stringify(doc), 'x.yaml'));
}

/** The API as a list of calls and an in-memory set of services whose status a test sets. */
class FakeApi implements DeploymentApi {
  readonly calls: string[] = [];
  readonly applied: KubernetesObject[] = [];
  readonly existing = new Set(['Namespace/default']);
  readonly services = new Map<string, V1Service>();
  readonly resets: Parameters<DeploymentApi['resetObjects']>[0][] = [];
  keepServices = false;
  removed: Parameters<DeploymentApi['removeRunObjects']>[0] | undefined;

  async apply(objects: readonly KubernetesObject[]) {
    for (const o of objects) this.calls.push(`apply ${o.kind}/${o.metadata?.name}`);
    this.applied.push(...objects);
  }
  async exists(kind: string, name: string) {
    return this.existing.has(`${kind}/${name}`);
  }
  async createService(s: V1Service) {
    this.calls.push(`create Service/${s.metadata?.name}`);
    this.services.set(s.metadata?.name ?? '', s);
  }
  async listServices(namespace: string, labelSelector: string) {
    this.calls.push(`list ${namespace} ${labelSelector}`);
    return [...this.services.values()];
  }
  async resetObjects(o: Parameters<DeploymentApi['resetObjects']>[0]) {
    this.calls.push('reset');
    this.resets.push(o);
    if (!this.keepServices) this.services.clear();
    return { servicesKept: this.keepServices };
  }
  async removeRunObjects(o: Parameters<DeploymentApi['removeRunObjects']>[0]) {
    this.removed = o;
    return [];
  }
  /** IPAM: the address a service's status gets. */
  assign(name: string, ip: string) {
    const s = this.services.get(name);
    assert.ok(s, `service ${name} exists`);
    s.status = { loadBalancer: { ingress: [{ ip }] } };
  }
}

/** A runner that records what it was asked; its agents are nothing. */
class FakeRunner implements AgentRunner {
  readonly where = 'fake run r1';
  readonly operator = 'the fake operator';
  readonly leaseNamespace = 'l2bench-r1';
  readonly namespaces = ['l2bench-r1'];
  readonly events = new AnnouncerEventLog();
  readonly calls: string[] = [];
  disposeError: Error | undefined;

  agentObjects(s: ResolvedScenario): KubernetesObject[] {
    return [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `agent-${s.name}` } }];
  }
  async prepare(s: ResolvedScenario) {
    this.calls.push(`prepare ${s.name}`);
  }
  async startAll(s: ResolvedScenario) {
    this.calls.push(`startAll ${s.name}`);
  }
  async stopAll() {
    this.calls.push('stopAll');
  }
  /** What the servicesCreated hook was given, and what `seen` returned then. */
  readonly hooked: string[] = [];
  seen: () => string = () => '';
  async servicesCreated(plans: readonly { name: string }[], s: ResolvedScenario) {
    this.hooked.push(`${s.name}: ${plans.map((p) => p.name).join(' ')}; ${this.seen()}`);
  }
  async [Symbol.asyncDispose]() {
    this.calls.push('dispose');
    if (this.disposeError) throw this.disposeError;
  }
}

function deployment(s = scenario(), removeObjects = false) {
  const api = new FakeApi();
  const runner = new FakeRunner();
  const d = new AnnouncerDeployment(runner, {
    kc: new KubeConfig(),
    runId: 'r1',
    vipCidr: '198.18.0.0/28',
    scenario: s,
    removeObjects,
    api,
  });
  return { d, api, runner };
}

test('prepare creates what is absent, then RBAC, pool and announcing policy, then the runner prepares', async () => {
  const { d, api, runner } = deployment();
  await d.prepare();
  const created = api.calls.filter(
    (c) => c.startsWith('apply CustomResourceDefinition/') || c.startsWith('apply Namespace/'),
  );
  assert.ok(created.includes('apply Namespace/l2bench-r1'), 'the runner namespace is created');
  assert.ok(!created.includes('apply Namespace/default'), 'an existing namespace is left alone');
  assert.ok(
    created.some((c) => c.startsWith('apply CustomResourceDefinition/')),
    'absent CRDs are created',
  );
  const rest = api.calls.slice(created.length);
  assert.deepEqual(rest, [
    'apply ServiceAccount/agent-x',
    'apply CiliumLoadBalancerIPPool/l2bench-r1',
    'apply CiliumL2AnnouncementPolicy/l2bench-r1',
  ]);
  const policy = api.applied.find((o) => o.kind === 'CiliumL2AnnouncementPolicy') as { spec: object };
  assert.deepEqual((policy.spec as { serviceSelector: unknown }).serviceSelector, {
    matchLabels: scenario().services.labels,
  });
  assert.deepEqual(runner.calls, ['prepare x']);
});

test('the idle policy selects no service', async () => {
  const { d, api } = deployment();
  await d.setAnnouncing(false);
  const policy = api.applied.find((o) => o.kind === 'CiliumL2AnnouncementPolicy') as { spec: object };
  assert.deepEqual((policy.spec as { serviceSelector: unknown }).serviceSelector, {
    matchLabels: IDLE_SELECTOR,
  });
});

test("services get Leases in the runner's lease namespace under the scenario's strategy", async () => {
  const { d, api } = deployment(scenario({ announcer: { strategy: 'sharded:4' } }));
  await d.createServices();
  assert.equal(api.services.size, 4, '3 announced + 1 unannounced created');
  const announced = d.services.filter((s) => s.announced);
  assert.equal(announced.length, 3);
  for (const s of announced) {
    assert.equal(s.leaseNamespace, 'l2bench-r1');
    assert.match(s.leaseName ?? '', /^l2bench-shard-/);
  }
});

test('MetalLB: announced services ask for its pool, none has a Lease, the runner hears of them once created', async () => {
  const { d, api, runner } = deployment(scenario({ announcer: { implementation: 'metallb' } }));
  runner.seen = () => `${api.services.size} services exist`;
  await d.createServices();
  const pools = [...api.services.values()].map((s) => [
    s.metadata?.name,
    s.metadata?.annotations?.[METALLB_POOL_ANNOTATION],
  ]);
  assert.deepEqual(pools, [
    ['public-0', METALLB_POOL],
    ['public-1', METALLB_POOL],
    ['public-2', METALLB_POOL],
    // Asks for no pool, so MetalLB's controller gives it no address.
    ['private-lb-0', undefined],
  ]);
  assert.ok(d.services.every((s) => s.leaseName === null));
  assert.deepEqual(runner.hooked, ['x: public-0 public-1 public-2 private-lb-0; 4 services exist']);
});

test('waitForAddresses reads the VIPs IPAM wrote, or names the missing services and the operator', async () => {
  const { d, api } = deployment();
  await d.createServices();
  api.assign('public-0', '198.18.0.1');
  api.assign('public-1', '198.18.0.2');
  await assert.rejects(
    d.waitForAddresses(50),
    /no LoadBalancer address after 50ms for 1 services \(public-2…\): is the fake operator running\?/,
  );
  api.assign('public-2', '198.18.0.3');
  await d.waitForAddresses(5000);
  assert.deepEqual(
    d.services.filter((s) => s.announced).map((s) => s.vip),
    ['198.18.0.1', '198.18.0.2', '198.18.0.3'],
  );
  assert.ok(api.calls.includes('list default l2bench.io/run=r1'), 'lists the run-labelled services');
});

test('reconfigure stops the agents first, resets in the lease namespace and adopts kept services', async () => {
  const { d, api, runner } = deployment();
  await d.createServices();
  const next = scenario({ name: 'y', announcer: { leaseDurationMs: '20s', renewDeadlineMs: '10s' } });
  api.keepServices = true;
  const before = api.calls.length;
  assert.deepEqual(await d.reconfigure(next), { servicesKept: true });
  assert.deepEqual(runner.calls, ['stopAll']);
  assert.equal(api.calls[before], 'reset', 'reset after the agents stopped, before anything else');
  assert.equal(api.resets[0]?.leaseNamespace, 'l2bench-r1');
  assert.equal(api.resets[0]?.servicesExist, true);
  assert.equal(d.scenario, next);
  assert.deepEqual(d.services, []);
  assert.ok(
    api.calls.includes('apply ServiceAccount/agent-y'),
    "the next scenario's agent objects are applied",
  );
  const creates = api.calls.filter((c) => c.startsWith('create')).length;
  await d.createServices();
  assert.equal(
    api.calls.filter((c) => c.startsWith('create')).length,
    creates,
    'kept services are adopted, not created',
  );
  assert.equal(d.services.length, 4);
  await d.startAllAgents();
  assert.deepEqual(runner.calls, ['stopAll', 'startAll y']);
});

test('reconfigure refuses a variant of another cluster shape, naming the run', async () => {
  const { d, runner } = deployment();
  await assert.rejects(
    d.reconfigure(scenario({ nodes: { count: 4 } })),
    /^BackendError: fake run r1: variant needs another cluster shape/,
  );
  assert.deepEqual(runner.calls, [], 'nothing stopped');
});

test('dispose removes the objects it created only where asked, and gathers every failure', async () => {
  const kept = deployment();
  await kept.d.prepare();
  await kept.d[Symbol.asyncDispose]();
  assert.equal(kept.api.removed, undefined);

  const { d, api, runner } = deployment(scenario(), true);
  await d.prepare();
  runner.disposeError = new Error('agent would not stop');
  await assert.rejects(d[Symbol.asyncDispose](), (err: AggregateError) => {
    assert.equal(err.errors.length, 1);
    return true;
  });
  assert.deepEqual(api.removed?.createdNamespaces, ['l2bench-r1']);
  assert.ok((api.removed?.createdCrds.length ?? 0) > 0);
  assert.equal(api.removed?.servicesNamespace, 'default');
});
