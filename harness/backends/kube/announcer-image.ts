import { BackendError } from '../../errors.js';
import type { AnnouncerImage } from '../../manifests/manifest-options.js';

/**
 * Adapter to the announcer image the docker backend builds (announcer/Dockerfile, tagged by content
 * hash; harness/docker/). Until that builder is wired here, the image comes from
 * `L2BENCH_ANNOUNCER_IMAGE` (a reference already in the local Docker engine, e.g. the
 * `l2bench/announcer:<hash>` that `./l2bench images` builds) and runs the bundled agent and echo
 * server at the image's paths below.
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
    // The layout of announcer/Dockerfile (harness/docker/images.ts IMAGE_PATHS on branch i9).
    agentCommand: ['/usr/bin/node', '/opt/l2bench/announcer.mjs'],
    echoCommand: ['/usr/bin/node', '/opt/l2bench/echo-server.mjs'],
    pullPolicy,
  };
}
