import type { AnnouncerImage } from '../../manifests/manifest-options.js';
import { AGENT_NODE_FLAGS } from '../docker/bundle.js';
import { ensureDockerEngine } from '../docker/docker-engine.js';
import { buildImage } from '../docker/image-build.js';
import { ANNOUNCER_IMAGE, IMAGE_PATHS } from '../docker/images.js';

/**
 * The announcer image for kind and existing clusters: the one the docker backend builds from
 * announcer/Dockerfile (`l2bench/announcer:<content hash>`, built once, found by hash afterwards),
 * or `L2BENCH_ANNOUNCER_IMAGE` when a user pushed it elsewhere (an existing cluster's nodes must be
 * able to pull it; kind gets it with `kind load docker-image`).
 */
export async function resolveAnnouncerImage(
  pullPolicy: AnnouncerImage['pullPolicy'],
  env: NodeJS.ProcessEnv = process.env,
  onProgress?: (line: string) => void,
): Promise<AnnouncerImage> {
  const ref = env.L2BENCH_ANNOUNCER_IMAGE || (await buildAnnouncerImage(onProgress));
  return {
    ref,
    agentCommand: [IMAGE_PATHS.node, ...AGENT_NODE_FLAGS, IMAGE_PATHS.announcer],
    echoCommand: [IMAGE_PATHS.node, ...AGENT_NODE_FLAGS, IMAGE_PATHS.echoServer],
    pullPolicy,
  };
}

async function buildAnnouncerImage(onProgress?: (line: string) => void): Promise<string> {
  const engine = await ensureDockerEngine(onProgress ? { onProgress } : {});
  return (await buildImage(engine.docker, ANNOUNCER_IMAGE, onProgress)).tag;
}
