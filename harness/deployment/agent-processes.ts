import type { SampledProcess } from '../measure/cpu-sampler.js';

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
