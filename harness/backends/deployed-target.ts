import type { AnnouncerDeployment } from '../deployment/announcer-deployment.js';
import type { AnnouncerEventLog } from '../deployment/announcer-events.js';
import type { ResolvedScenario } from '../scenario/scenario-schema.js';
import type { DeployedService } from './bench-target.js';

/**
 * The part of a {@link BenchTarget} that is the announcer deployment, the same on every backend:
 * a target extends this and adds its cluster, probes, CPU sources and faults.
 */
export abstract class DeployedTarget<D extends AnnouncerDeployment> {
  constructor(readonly deployment: D) {}

  get scenario(): ResolvedScenario {
    return this.deployment.scenario;
  }
  get events(): AnnouncerEventLog {
    return this.deployment.events;
  }
  get services(): DeployedService[] {
    return this.deployment.services;
  }
  prepare(): Promise<void> {
    return this.deployment.prepare();
  }
  createServices(): Promise<void> {
    return this.deployment.createServices();
  }
  waitForAddresses(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return this.deployment.waitForAddresses(timeoutMs, signal);
  }
  startAllAgents(): Promise<void> {
    return this.deployment.startAllAgents();
  }
  stopAllAgents(): Promise<void> {
    return this.deployment.stopAllAgents();
  }
}
