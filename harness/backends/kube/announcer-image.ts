import { BackendError } from '../../errors.js';
import type { AnnouncerImage } from '../../manifests/manifest-options.js';

/**
 * Adapter to the announcer image the docker backend builds (announcer/Dockerfile, tagged by content
 * hash; harness/docker/). Until that builder is wired here, the image comes from
 * `L2BENCH_ANNOUNCER_IMAGE` (a reference already in the local Docker engine) and runs the compiled
 * agent and echo server at the paths below, which the Dockerfile must provide.
 */
export async function resolveAnnouncerImage(
  pullPolicy: AnnouncerImage['pullPolicy'],
  env: NodeJS.ProcessEnv = process.env,
): Promise<AnnouncerImage> {
  const ref = env.L2BENCH_ANNOUNCER_IMAGE;
  if (!ref)
    throw new BackendError(
      'no announcer image: build it (announcer/Dockerfile) and set L2BENCH_ANNOUNCER_IMAGE=<ref>, or use --backend local',
    );
  return {
    ref,
    agentCommand: ['node', '--import', 'tsx', '/opt/l2bench/announcer/main.ts'],
    echoCommand: ['node', '/opt/l2bench/harness/backends/local/echo-server.ts'],
    pullPolicy,
  };
}
