import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { BackendError } from '../../errors.js';
import { cacheDir } from '../../paths.js';
import { assembleRootfs, type RootfsItem, treeHash } from './rootfs.js';

/** An image assembled from host files: a Dockerfile (`COPY rootfs/ /`) and what goes in rootfs/. */
export interface ImageSpec {
  /** Image name: tagged `l2bench/<name>:<hash>`. */
  name: string;
  dockerfile: string;
  items: () => Promise<RootfsItem[]>;
}

/** A built image. */
export interface BuiltImage {
  tag: string;
  /** False when an image with this content hash was already in the engine. */
  built: boolean;
}

/** Label on every image the harness builds (so they can be listed and pruned). */
export const IMAGE_LABEL = 'l2bench.io/image';

/**
 * Builds an image from host files unless the engine already holds one with the same content:
 * the rootfs is assembled under `<cache>/images/<name>/`, hashed together with the Dockerfile, and
 * the image tagged `l2bench/<name>:<first 16 hex of the hash>`. Nothing is pulled.
 */
export async function buildImage(
  docker: Dockerode,
  spec: ImageSpec,
  onProgress: (line: string) => void = () => {},
): Promise<BuiltImage> {
  const ctx = join(cacheDir(), 'images', spec.name);
  const dockerfile = readFileSync(spec.dockerfile, 'utf8');
  await assembleRootfs(join(ctx, 'rootfs'), await spec.items());
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), `${dockerfile}LABEL ${IMAGE_LABEL}=${spec.name}\n`);
  const hash = treeHash(join(ctx, 'rootfs'), dockerfile).slice(0, 16);
  const tag = `l2bench/${spec.name}:${hash}`;
  if (await imageExists(docker, tag)) return { tag, built: false };
  onProgress(`docker: building ${tag}`);
  try {
    // The engine API directly: testcontainers' builder would look up its reaper (Ryuk) first.
    const stream = await docker.buildImage({ context: ctx, src: ['Dockerfile', 'rootfs'] }, { t: tag });
    await new Promise<void>((ok, fail) =>
      docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error;
        if (failed) fail(new Error(failed));
        else ok();
      }),
    );
  } catch (err) {
    throw new BackendError(`docker build of ${tag} from ${ctx} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { tag, built: true };
}

export async function imageExists(docker: Dockerode, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).inspect();
    return true;
  } catch {
    return false;
  }
}
