import { BackendError } from '../../errors.js';
import { runCommand } from '../../util/run-command.js';

/**
 * The Docker engine as the kind backend uses it, through the `docker` CLI. A small adapter: the
 * docker backend's engine check and fault code (harness/docker/) replace these calls when merged.
 */
export class DockerCli {
  constructor(readonly dockerPath = 'docker') {}

  /** Runs `docker <args>`; a missing CLI or an unreachable engine is one line naming the fix. */
  async run(args: readonly string[], opts: { allowFailure?: boolean; timeoutMs?: number } = {}) {
    try {
      return await runCommand(this.dockerPath, args, { timeoutMs: 120_000, ...opts });
    } catch (err) {
      if (err instanceof BackendError && /cannot run/.test(err.message))
        throw dockerMissing(this.dockerPath, err);
      throw err;
    }
  }

  /** Fails with one line when the CLI is missing or the engine does not answer. */
  async requireEngine(): Promise<void> {
    const r = await this.run(['version', '--format', '{{.Server.Version}}'], {
      allowFailure: true,
      timeoutMs: 15_000,
    });
    if (r.code !== 0)
      throw new BackendError(
        `the Docker engine does not answer (${(r.stderr.trim().split('\n')[0] ?? '').slice(0, 160)}): start dockerd with --default-address-pool base=198.19.0.0/16,size=24, or use --backend local`,
      );
  }
}

function dockerMissing(path: string, cause: unknown): BackendError {
  return new BackendError(
    `${path} not found: install Docker (apt-get install docker.io) and start dockerd, or use --backend local`,
    { cause },
  );
}
