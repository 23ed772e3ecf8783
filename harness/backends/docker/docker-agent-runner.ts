import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { ProcessAgentRunner } from '../../deployment/process-agent-runner.js';
import { BackendError } from '../../errors.js';
import { nodeAgentFlags } from '../../manifests/announcer-flags.js';
import { readManifestDir, withLabel } from '../../manifests/apply-manifests.js';
import { RUN_LABEL } from '../../manifests/scenario-objects.js';
import { repoRoot } from '../../paths.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { AGENT_NODE_FLAGS } from './bundle.js';
import type { ContainerProcess } from './container-process.js';
import type { StartedDockerCluster } from './docker-cluster.js';
import { IMAGE_PATHS } from './images.js';

/**
 * The docker backend's agents: one process per node container, started with the exec API, on the
 * node's certificate kubeconfig. The echo backend is each node container's main process.
 */
export class DockerAgentRunner extends ProcessAgentRunner<ContainerProcess> {
  constructor(readonly cluster: StartedDockerCluster) {
    super();
  }

  get where(): string {
    return `docker run ${this.cluster.runId}`;
  }

  /** The deploy dir's RBAC, bound to the node certificates' group. */
  agentObjects(): KubernetesObject[] {
    const { runId } = this.cluster;
    return readManifestDir(join(repoRoot, 'announcer', 'deploy')).map((o) => withLabel(o, RUN_LABEL, runId));
  }

  /** Nothing to start: every node container's echo backend already serves. */
  async prepare(scenario: ResolvedScenario): Promise<void> {
    this.scenario = scenario;
  }

  async startAll(scenario: ResolvedScenario): Promise<void> {
    this.scenario = scenario;
    await Promise.all(this.cluster.nodes.map((n) => this.agents.start(n.index)));
  }

  protected spawnAgent(i: number): Promise<ContainerProcess> {
    const node = this.cluster.nodes[i];
    if (!node) throw new BackendError(`no node ${i} in ${this.where}`);
    return this.cluster.execInNode(i, {
      name: `announcer-${node.name}`,
      cmd: [
        IMAGE_PATHS.node,
        ...AGENT_NODE_FLAGS,
        IMAGE_PATHS.announcer,
        ...nodeAgentFlags(this.scenario, node.name, node.kubeconfigPath, i === 0),
      ],
      logFile: join(this.cluster.workDir, 'logs', `announcer-${i}.log`),
      onLine: this.events.lineSink(node.name),
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopAll();
  }
}
