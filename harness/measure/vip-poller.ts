import { MeasureError } from '../errors.js';
import { sleep } from '../shutdown-signal.js';

/**
 * The one VIP poller every backend uses, so `announceTimeMs` and the "every VIP answers" waits mean
 * the same on local, docker, kind and cluster. The poller owns the contract; a backend only says
 * where the client sits by handing it a {@link VipClient} (curl-vip-client.ts).
 *
 * The contract:
 * - A VIP answers when an HTTP GET of `http://<vip>:<port>/` returns a response, any status, within
 *   {@link VIP_POLL}.requestTimeoutMs. The first line of the body names the serving node (the echo
 *   backend writes it), where the client can read it.
 * - Requests go out in batches of {@link VIP_POLL}.batchSize, concurrently within a batch; a round
 *   sends every still-silent VIP once; rounds are {@link VIP_POLL}.roundIntervalMs apart.
 * - Bounded in count and time: the poll stops once `timeoutMs` has passed (checked before every
 *   batch, so it ends at most one request timeout late) or the signal aborts, and resolves null.
 * - A client that cannot run (namespace gone, curl missing) rejects the poll with a MeasureError:
 *   that is a broken harness, not a VIP that stays silent.
 */
export const VIP_POLL = {
  /** Requests in flight at once: one batch. The same for every backend. */
  batchSize: 16,
  /** How long one GET may take before the VIP counts as silent in this round. */
  requestTimeoutMs: 1000,
  /** Pause between rounds while some VIP is still silent. */
  roundIntervalMs: 200,
} as const;

/** One GET's outcome. */
export interface VipAnswer {
  /** An HTTP response (any status) arrived within the request timeout. */
  answered: boolean;
  /** The serving node (first line of the body); null when silent or when the body names none. */
  node: string | null;
}

/** The per-backend seam: runs one batch of GETs from where the client sits. */
export interface VipClient {
  /** Where the requests come from, for error messages (`client namespace l2b…`, `this host`). */
  readonly where: string;
  /**
   * GETs `http://<vip>:<port>/` for every VIP of the batch concurrently, each bounded by
   * `requestTimeoutMs`, and returns one answer per VIP in the batch's order. A request that fails
   * is a silent VIP, not an error; throw only when the client itself cannot run.
   */
  getBatch(vips: readonly string[], port: number, requestTimeoutMs: number): Promise<VipAnswer[]>;
}

/** Time source and pause; unit tests pass a fake clock. */
export interface PollClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: PollClock = { now: () => Date.now(), sleep };

/** One batch through the client, with the seam's contract checked. */
async function runBatch(client: VipClient, batch: readonly string[], port: number): Promise<VipAnswer[]> {
  let answers: VipAnswer[];
  try {
    answers = await client.getBatch(batch, port, VIP_POLL.requestTimeoutMs);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new MeasureError(`cannot poll VIPs from ${client.where}: ${detail}`, { cause: err });
  }
  if (answers.length !== batch.length) {
    throw new MeasureError(
      `VIP client on ${client.where} returned ${answers.length} answers for ${batch.length} requests`,
    );
  }
  return answers;
}

/**
 * Sends one GET to every VIP, a batch at a time (bounded: one request per VIP); VIP → answer.
 * Stops early, leaving later VIPs out of the map, when `signal` aborts.
 */
export async function pollOnce(
  client: VipClient,
  vips: readonly string[],
  port: number,
  signal?: AbortSignal,
): Promise<Map<string, VipAnswer>> {
  const out = new Map<string, VipAnswer>();
  for (let i = 0; i < vips.length && !signal?.aborted; i += VIP_POLL.batchSize) {
    const batch = vips.slice(i, i + VIP_POLL.batchSize);
    const answers = await runBatch(client, batch, port);
    for (const [j, vip] of batch.entries()) out.set(vip, answers[j]!);
  }
  return out;
}

/**
 * Polls until every VIP answered at least once; resolves with the ms from the call to the end of
 * the round in which the last one answered, or null when `timeoutMs` passed or `signal` aborted
 * first.
 */
export async function waitUntilAllAnswer(
  client: VipClient,
  vips: readonly string[],
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
  clock: PollClock = realClock,
): Promise<number | null> {
  const t0 = clock.now();
  let pending = [...new Set(vips)];
  if (pending.length === 0) return 0;
  const expired = () => clock.now() - t0 >= timeoutMs || signal?.aborted === true;
  while (!expired()) {
    const silent: string[] = [];
    for (let i = 0; i < pending.length; i += VIP_POLL.batchSize) {
      if (expired()) return null;
      const batch = pending.slice(i, i + VIP_POLL.batchSize);
      const answers = await runBatch(client, batch, port);
      for (const [j, vip] of batch.entries()) if (!answers[j]!.answered) silent.push(vip);
    }
    pending = silent;
    if (pending.length === 0) return clock.now() - t0;
    await clock.sleep(VIP_POLL.roundIntervalMs, signal);
  }
  return null;
}
