import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { BackendError } from '../../errors.js';
import { runCommand } from '../../util/run-command.js';

/** One thing to place in an image's root filesystem. */
export type RootfsItem =
  /** A host executable, copied with every shared library `ldd` lists for it. */
  | { kind: 'executable'; from: string; to: string }
  /** A host file or directory, copied as is. */
  | { kind: 'copy'; from: string; to: string; optional?: boolean }
  /** A file written from memory. */
  | { kind: 'content'; content: string | Buffer; to: string; mode?: number };

/**
 * Shared-library paths from `ldd` output (`libc.so.6 => /lib/... (0x..)` and the loader's own
 * absolute `/lib64/ld-linux-x86-64.so.2 (0x..)` line); the vDSO has no file and is skipped.
 */
export function parseLdd(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const arrow = /=>\s+(\/\S+)\s+\(0x/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(0x/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path && !out.includes(path)) out.push(path);
    if (/=>\s+not found/.test(line)) throw new BackendError(`ldd: ${line.trim()}`);
  }
  return out;
}

/** Base files every image gets: a root user (some libraries look one up) and a sticky /tmp. */
const BASE: RootfsItem[] = [
  { kind: 'content', to: '/etc/passwd', content: 'root:x:0:0:root:/root:/nonexistent\n' },
  { kind: 'content', to: '/etc/group', content: 'root:x:0:\n' },
];

/**
 * Assembles a root filesystem in `dir` (emptied first) from host files: the smallest base that
 * runs this host's binaries, for a `FROM scratch` image. Libraries land at the path the loader
 * looks for (symlinks resolved to their files).
 */
export async function assembleRootfs(dir: string, items: readonly RootfsItem[]): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true, mode: 0o1777 });
  chmodSync(join(dir, 'tmp'), 0o1777);
  const place = (to: string) => {
    const target = join(dir, to);
    mkdirSync(dirname(target), { recursive: true });
    return target;
  };
  for (const item of [...BASE, ...items]) {
    if (item.kind === 'content') {
      writeFileSync(place(item.to), item.content, { mode: item.mode ?? 0o644 });
    } else if (item.kind === 'copy') {
      if (!existsSync(item.from)) {
        if (item.optional) continue;
        throw new BackendError(`image file ${item.from} does not exist`);
      }
      cpSync(item.from, place(item.to), { recursive: true, dereference: true });
    } else {
      if (!existsSync(item.from)) throw new BackendError(`image executable ${item.from} does not exist`);
      copyFileSync(item.from, place(item.to));
      chmodSync(join(dir, item.to), 0o755);
      const ldd = await runCommand('ldd', [item.from], { allowFailure: true });
      // A static binary: ldd says "not a dynamic executable" and exits 1.
      if (ldd.code !== 0) continue;
      for (const lib of parseLdd(ldd.stdout)) {
        const target = place(lib);
        if (!existsSync(target)) copyFileSync(lib, target);
      }
    }
  }
}

/**
 * SHA-256 over a directory tree (relative paths, modes and contents, in sorted order) plus
 * `extra` (the Dockerfile): the content hash an image is tagged with.
 */
export function treeHash(dir: string, extra = ''): string {
  const h = createHash('sha256');
  h.update(extra);
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = join(rel, name);
      const st = lstatSync(join(dir, r));
      h.update(`\0${r}\0${st.mode.toString(8)}\0`);
      if (st.isDirectory()) walk(r);
      else h.update(readFileSync(join(dir, r)));
    }
  };
  walk('');
  return h.digest('hex');
}
