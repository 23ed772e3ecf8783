import { existsSync, readFileSync } from 'node:fs';
import { pidAlive, type RunRecord, registrationPath } from '../../cluster/run-registry.js';
import { ensureDockerEngine } from './docker-engine.js';
import { labelledRunIds, removeRunResources } from './docker-resources.js';

/** What the docker part of `l2bench cleanup` removed. */
export interface DockerCleanupReport {
  /** False when no engine answered (nothing to clean there). */
  engine: boolean;
  runs: string[];
  containers: number;
  networks: number;
  volumes: number;
  errors: string[];
}

/** True while a run's registration exists and its owner process lives. */
export function runIsLive(runId: string): boolean {
  const path = registrationPath(runId);
  if (!existsSync(path)) return false;
  try {
    return pidAlive((JSON.parse(readFileSync(path, 'utf8')) as RunRecord).ownerPid);
  } catch {
    return false;
  }
}

/**
 * Removes the containers, networks and volumes of docker-backend runs that are no longer live (no
 * registration, or its owner died): found by the `l2bench.io/run` label, so nothing else in the
 * engine is touched. Never starts an engine.
 */
export async function cleanupDockerRuns(): Promise<DockerCleanupReport> {
  const report: DockerCleanupReport = {
    engine: false,
    runs: [],
    containers: 0,
    networks: 0,
    volumes: 0,
    errors: [],
  };
  let docker: Awaited<ReturnType<typeof ensureDockerEngine>>['docker'];
  try {
    docker = (await ensureDockerEngine({ start: false })).docker;
  } catch {
    return report;
  }
  report.engine = true;
  for (const runId of await labelledRunIds(docker)) {
    if (runIsLive(runId)) continue;
    const r = await removeRunResources(docker, runId);
    report.runs.push(runId);
    report.containers += r.containers;
    report.networks += r.networks;
    report.volumes += r.volumes;
    report.errors.push(...r.errors);
  }
  return report;
}
