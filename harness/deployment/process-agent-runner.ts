import type { KubernetesObject } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import { type AgentProcess, AgentProcesses } from './agent-processes.js';
import type { AgentRunner } from './agent-runner.js';
import { AnnouncerEventLog } from './announcer-events.js';
import { LEASE_NAMESPACE } from './announcing-node.js';

/**
 * A runner whose agents are processes the harness starts on each node (local, docker): one per
 * node index, Leases in kube-system as the agents' default, the IPAM operator as node 0's `--operator`.
 */
export abstract class ProcessAgentRunner<P extends AgentProcess> implements AgentRunner {
  readonly events = new AnnouncerEventLog();
  readonly leaseNamespace = LEASE_NAMESPACE;
  readonly namespaces: readonly string[] = [];
  readonly operator = 'the IPAM operator';
  readonly agents = new AgentProcesses<P>((i) => this.spawnAgent(i));
  /** The scenario agents start with: set by prepare, startAll and {@link startAgent}. */
  #scenario: ResolvedScenario | undefined;

  abstract readonly where: string;
  abstract agentObjects(scenario: ResolvedScenario): KubernetesObject[];
  abstract prepare(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void>;
  abstract startAll(scenario: ResolvedScenario, signal?: AbortSignal): Promise<void>;
  abstract [Symbol.asyncDispose](): Promise<void>;
  /** Starts node `index`'s agent with {@link scenario}'s settings. */
  protected abstract spawnAgent(index: number): Promise<P>;

  /** Starts (or keeps) node `index`'s agent with `scenario`'s settings. */
  startAgent(index: number, scenario: ResolvedScenario): Promise<P> {
    this.scenario = scenario;
    return this.agents.start(index);
  }

  stopAll(): Promise<void> {
    return this.agents.stopAll(5000);
  }

  protected get scenario(): ResolvedScenario {
    if (!this.#scenario) throw new BackendError(`${this.where}: an agent starts after prepare`);
    return this.#scenario;
  }
  protected set scenario(s: ResolvedScenario) {
    this.#scenario = s;
  }
}
