import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { BackendError } from '../../errors.js';
import { AGENT_NODE_LABEL } from '../../manifests/manifest-options.js';
import { repoRoot } from '../../paths.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';

/** The top-level kind config every kind variant starts from. */
export const KIND_CONFIG_PATH = join(repoRoot, 'kind-config.yaml');

const KindNode = z.looseObject({
  role: z.enum(['control-plane', 'worker']),
  labels: z.record(z.string(), z.string()).optional(),
});

/** The fields of a kind v1alpha4 Cluster we read or write; everything else passes through untouched. */
const KindConfig = z.looseObject({
  kind: z.literal('Cluster'),
  apiVersion: z.literal('kind.x-k8s.io/v1alpha4'),
  name: z.string().optional(),
  networking: z.looseObject({ kubeProxyMode: z.string().optional() }).optional(),
  nodes: z.array(KindNode).min(1),
});
export type KindConfig = z.infer<typeof KindConfig>;
export type KindNode = z.infer<typeof KindNode>;

/** Reads and checks a kind config (the top-level kind-config.yaml unless told otherwise). */
export function loadKindConfig(path = KIND_CONFIG_PATH): KindConfig {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BackendError(`${path}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, {
      cause: err,
    });
  }
  const r = KindConfig.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new BackendError(
      `${path}: ${issue?.path.join('.') || '(top)'} ${issue?.message ?? 'is invalid'}: a kind.x-k8s.io/v1alpha4 Cluster with nodes`,
    );
  }
  if (r.data.nodes.filter((n) => n.role === 'control-plane').length !== 1)
    throw new BackendError(
      `${path}: nodes must hold exactly one control-plane (l2bench measures one API server)`,
    );
  return r.data;
}

/**
 * One variant's kind config: the base file's settings, one control-plane node and a worker per
 * scenario node that does not fit on it. The scenario's nodes map onto kind nodes like the seed:
 * selected nodes are workers with `nodes.labels`; the first unselected node is the control-plane
 * (the seed's control-plane runs the Cilium agent but is not selected), further ones are workers
 * with `nodes.unselected.labels`. Every agent node gets {@link AGENT_NODE_LABEL}; with no unselected
 * node the control-plane runs no agent. Per-node settings of the base file (images, mounts) are
 * kept for the control-plane and reused from the base's first worker for every worker.
 */
export function deriveKindConfig(base: KindConfig, s: ResolvedScenario, name: string): KindConfig {
  const cp = base.nodes.find((n) => n.role === 'control-plane') as KindNode;
  const workerTemplate = base.nodes.find((n) => n.role === 'worker') ?? { role: 'worker' as const };
  const agent = { [AGENT_NODE_LABEL]: 'true' };
  const baseLabels = (n: KindNode) => n.labels ?? {};
  const cpRunsAgent = s.nodes.unselected.count > 0;
  const nodes: KindNode[] = [
    {
      ...cp,
      labels: cpRunsAgent ? { ...baseLabels(cp), ...s.nodes.unselected.labels, ...agent } : baseLabels(cp),
    },
  ];
  for (let i = 0; i < s.nodes.count; i++)
    nodes.push({ ...workerTemplate, role: 'worker', labels: { ...s.nodes.labels, ...agent } });
  for (let i = 1; i < s.nodes.unselected.count; i++)
    nodes.push({ ...workerTemplate, role: 'worker', labels: { ...s.nodes.unselected.labels, ...agent } });
  return { ...base, name, nodes };
}

/** The YAML `kind create cluster --config` reads. */
export function kindConfigYaml(c: KindConfig): string {
  return stringify(c);
}

/** kind's own limit: `<name>-control-plane` must be a valid host name (sigs.k8s.io/kind clusterNameMax). */
export const KIND_CLUSTER_NAME_MAX = 50;

/**
 * The cluster of one variant: `l2b-<run id>-<variant number>` (`l2b-1a2b3c-v01`), short enough for
 * kind's 50-character limit and lower-case as kind requires; the context is `kind-<name>`.
 */
export function kindClusterName(runId: string, variantId?: string): string {
  const number = variantId === undefined ? '' : (/^v?\d+/.exec(variantId)?.[0] ?? variantId);
  const suffix = number === '' ? '' : `-${number.startsWith('v') ? number : `v${number}`}`;
  const name = `l2b-${runId}${suffix}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
  if (name.length > KIND_CLUSTER_NAME_MAX)
    throw new BackendError(
      `kind cluster name ${name} is ${name.length} characters: kind allows ${KIND_CLUSTER_NAME_MAX}`,
    );
  return name;
}
