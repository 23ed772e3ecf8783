import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../../harness/errors.js';
import { binDir, repoRoot } from '../../harness/paths.js';
import { isExecutableFile } from '../../harness/tools/executable-file.js';
import { runCommand } from '../../harness/util/run-command.js';

/** The Go module of the client-go candidate: committed source, never a binary. */
export const CANDIDATE_DIR = join(repoRoot, 'test', 'interop', 'client-go-candidate');
const SOURCES = ['main.go', 'go.mod', 'go.sum'];

/** First 12 hex digits of the SHA-256 over the candidate's sources: a new source, a new binary. */
export function candidateSourceHash(dir = CANDIDATE_DIR): string {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(`${f}\0`).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/**
 * Builds the client-go candidate (k8s.io/client-go pinned in its go.mod, matching the pinned
 * kube-apiserver's v1.32) with `go build` into `<binDir>/client-go-candidate-<source hash>`, once;
 * later calls return the cached binary. `-mod=readonly` so the committed go.sum is what is built.
 */
export async function buildClientGoCandidate(): Promise<string> {
  const path = join(binDir(), `client-go-candidate-${candidateSourceHash()}`);
  if (await isExecutableFile(path)) return path;
  await mkdir(binDir(), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const r = await runCommand('go', ['build', '-mod=readonly', '-trimpath', '-o', tmp, '.'], {
    cwd: CANDIDATE_DIR,
    env: { ...process.env, GOFLAGS: '' },
    allowFailure: true,
    timeoutMs: 600_000,
  });
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-5).join(' | ');
    throw new ToolError(`go build of ${CANDIDATE_DIR} failed (exit ${r.code}): ${tail}`);
  }
  await chmod(tmp, 0o755);
  await rename(tmp, path);
  return path;
}
