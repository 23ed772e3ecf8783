import { Writable } from 'node:stream';
import { type KubeConfig, Log } from '@kubernetes/client-node';

/** Follows pods' container logs through the API, line by line, each pod once until it ends. */
export class PodLogFollower {
  private readonly followers = new Map<string, AbortController>();

  constructor(private readonly kc: KubeConfig) {}

  /** Follows `pod`'s `container` log into `onLine`, unless it is followed already. */
  async follow(
    namespace: string,
    pod: string,
    container: string,
    onLine: (line: string) => void,
  ): Promise<void> {
    const key = `${namespace}/${pod}`;
    if (this.followers.has(key)) return;
    let rest = '';
    const stream = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLine(line);
        done();
      },
    });
    const ctl = await new Log(this.kc).log(
      namespace,
      pod,
      container,
      stream,
      () => this.followers.delete(key),
      {
        follow: true,
      },
    );
    this.followers.set(key, ctl);
  }

  stopAll(): void {
    for (const c of this.followers.values()) c.abort();
    this.followers.clear();
  }
}
