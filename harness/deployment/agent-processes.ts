import type { KubernetesObject } from '@kubernetes/client-node';
import { BackendError } from '../errors.js';
import type { SampledProcess } from '../measure/cpu-sampler.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import type { AgentRunner } from './agent-runner.js';
import { AnnouncerEventLog } from './announcer-events.js';
import { LEASE_NAMESPACE } from './announcing-node.js';

/** A started agent process as the local and docker backends hold it. */
export interface AgentProcess {
  readonly pid: number;
  readonly running: boolean;
  signal(sig: NodeJS.Signals): void;
  waitForExit(): Promise<unknown>;
  stop(graceMs?: number): Promise<void>;
}

/**
 * One agent process per node index, started by `spawn`: what the process-based runners (local,
 * docker) share, including the restarts their faults need.
 */
export class AgentProcesses<P extends AgentProcess> {
  readonly byNode = new Map<number, P>();

  constructor(private readonly spawn: (index: number) => Promise<P>) {}

  /** Starts node `index`'s agent, or returns the one already running there. */
  async start(index: number): Promise<P> {
    const old = this.byNode.get(index);
    if (old?.running) return old;
    const proc = await this.spawn(index);
    this.byNode.set(index, proc);
    return proc;
  }

  /** Waits for node `index`'s agent to exit (after a fault), then starts it again. */
  async restartAfterExit(index: number): Promise<P> {
    await this.byNode.get(index)?.waitForExit();
    this.byNode.delete(index);
    return this.start(index);
  }

  /** SIGKILL and an immediate new start, as a kubelet restarts a crashed container the first time. */
  async crashAndRestart(index: number): Promise<P> {
    this.byNode.get(index)?.signal('SIGKILL');
    return this.restartAfterExit(index);
  }

  /** Sends `sig` to node `index`'s agent, if one runs. */
  signal(index: number, sig: NodeJS.Signals): void {
    this.byNode.get(index)?.signal(sig);
  }

  /** Stops every agent gracefully (SIGTERM, then SIGKILL after `graceMs`). */
  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all([...this.byNode.values()].map((p) => p.stop(graceMs)));
    this.byNode.clear();
  }

  /** CPU sources of the running agents; `nodeName` names node `index`. */
  cpu(nodeName: (index: number) => string | undefined): SampledProcess[] {
    return [...this.byNode.entries()]
      .filter(([, p]) => p.running)
      .map(([i, p]) => ({ role: 'announcer', node: nodeName(i), pid: p.pid }));
  }
}

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
