import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';

/** Options for {@link WatchCache}. */
export interface WatchCacheOptions<T extends KubernetesObject> {
  /** Watch path, e.g. `/api/v1/services`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  fieldSelector?: string;
  /** Any add/update/delete, or a relist. */
  onChange: () => void;
  /** The list or watch failed; it is retried after `retryInMs`. */
  onError: (err: unknown, retryInMs: number) => void;
  /** First successful list. */
  onSynced?: () => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * An informer cache that keeps itself alive. client-node's `ListWatch` restarts a watch that
 * ends cleanly and relists on 410 Gone, but on any other error (API server down, connection
 * refused, 403 before RBAC is applied) it stops and only calls its error callbacks; here every
 * such stop is restarted with exponential backoff (0.5 s doubling to 10 s), reset by a success.
 */
export class WatchCache<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private stopped = false;
  private synced = false;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    kc: KubeConfig,
    private readonly opts: WatchCacheOptions<T>,
  ) {
    this.backoffMs = opts.initialBackoffMs ?? 500;
    this.informer = new ListWatch<T>(
      opts.path,
      new Watch(kc),
      opts.list,
      false,
      undefined,
      opts.fieldSelector,
    );
    this.informer.on('add', () => opts.onChange());
    this.informer.on('update', () => opts.onChange());
    this.informer.on('delete', () => opts.onChange());
    this.informer.on('error', (err) => this.retry(err));
  }

  /** Starts listing and watching in the background. */
  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  /** Stops watching; the cache keeps its last contents. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.informer.stop();
  }

  /** Whether the first list has completed. */
  isSynced(): boolean {
    return this.synced;
  }

  /** Every cached object. */
  list(): readonly T[] {
    return this.informer.list();
  }

  private async attempt(): Promise<void> {
    let failed = false;
    const onError = (): void => {
      failed = true;
    };
    this.informer.on('error', onError);
    try {
      await this.informer.start();
    } finally {
      this.informer.off('error', onError);
    }
    if (failed || this.stopped) return;
    this.backoffMs = this.opts.initialBackoffMs ?? 500;
    if (!this.synced) {
      this.synced = true;
      this.opts.onSynced?.();
    }
    // A relist may have changed things without add/update/delete (e.g. an identical object).
    this.opts.onChange();
  }

  private retry(err: unknown): void {
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 10_000);
    this.opts.onError(err, delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (!this.stopped) void this.attempt();
    }, delay);
  }
}
