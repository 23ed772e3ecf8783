import { AnnouncerDeployment } from '../../deployment/announcer-deployment.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { runCommand } from '../../util/run-command.js';
import { LocalAgentRunner } from './local-agent-runner.js';
import type { LocalNode, StartedLocalCluster } from './local-cluster.js';
import type { ManagedProcess } from './managed-process.js';

/**
 * The announcer deployed on a local cluster: {@link AnnouncerDeployment} over the local agent
 * runner, with the handles the local faults and the e2e tests reach for (agents by node index,
 * echo backends, the VIPs a crashed node's kernel held). Subclasses may override {@link agentArgs}.
 */
export class LocalDeployment extends AnnouncerDeployment<LocalAgentRunner> {
  constructor(
    readonly cluster: StartedLocalCluster,
    scenario: ResolvedScenario,
  ) {
    super(new LocalAgentRunner(cluster), {
      kc: cluster.kubeConfig(),
      runId: cluster.runId,
      vipCidr: cluster.plan.vipCidr,
      scenario,
    });
    this.runner.agentArgs = (node, _scenario, extra) => this.agentArgs(node, extra);
  }

  /** Running agents by node index. */
  get agents(): Map<number, ManagedProcess> {
    return this.runner.agents.byNode;
  }
  get echoes(): Map<number, ManagedProcess> {
    return this.runner.echoes;
  }

  /** The agent command line for a node, from the scenario's announcer settings. */
  agentArgs(node: LocalNode, extra: readonly string[] = []): string[] {
    return this.runner.defaultAgentArgs(node, this.scenario, extra);
  }

  /** Starts (or keeps) the agent in node i's namespace. */
  startAgent(i: number): Promise<ManagedProcess> {
    return this.runner.startAgent(i, this.scenario);
  }

  startEcho(node: LocalNode): Promise<ManagedProcess> {
    return this.runner.startEcho(node, this.scenario);
  }

  /** Removes every VIP (/32 in the pool range) bound in a node's namespace: the kernel state a crash loses. */
  async flushVips(node: LocalNode): Promise<void> {
    // MetalLB binds no address: the node's routes for the pool are what it loses.
    if (this.isMetallb) await this.runner.dropVipRoutes(node);
    for (const s of this.services) {
      if (s.vip)
        await runCommand('ip', ['-n', node.netns, 'addr', 'del', `${s.vip}/32`, 'dev', node.ifname], {
          allowFailure: true,
        });
    }
  }
}
