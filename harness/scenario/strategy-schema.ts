import { z } from 'zod';
import { MAX_SHARDS } from '../../announcer/election/election-strategy.js';

const SHARDS = z.number().int().min(1).max(MAX_SHARDS);

/** The strategies as maps: a discriminated union on `kind`. */
export const StrategyObject = z.discriminatedUnion('kind', [
  // One Lease per service, every candidate node polls each (Cilium, kube-vip svc election).
  z.strictObject({ kind: z.literal('per-service') }),
  // The same Leases, but candidates watch them (one label-selected watch) instead of polling.
  z.strictObject({ kind: z.literal('per-service-watch') }),
  // K Leases; a service belongs to bucket hash(namespace/name) mod K.
  z.strictObject({ kind: z.literal('sharded'), shards: SHARDS.describe('Lease buckets (K).') }),
  // One Lease per node; services placed on live nodes by rendezvous hashing.
  z.strictObject({ kind: z.literal('node-lease') }),
]);

/** A validated election strategy. */
export type Strategy = z.output<typeof StrategyObject>;
export type StrategyKind = Strategy['kind'];

const SHORTHAND = /^(per-service|per-service-watch|node-lease|sharded:[0-9]+)$/;
const SHORTHAND_HINT = 'is not a strategy: write per-service, per-service-watch, node-lease or sharded:K';

/**
 * A strategy as authors write it: a map (`{kind: sharded, shards: 8}`) or its one-word form
 * (`sharded:8`, `node-lease`), which is what a sweep over `announcer.strategy` lists.
 */
export const StrategySchema = z.union(
  [
    z
      .string()
      .regex(SHORTHAND, { error: SHORTHAND_HINT })
      .transform((text): unknown => parseStrategyText(text))
      .pipe(StrategyObject),
    StrategyObject,
  ],
  {
    error:
      'must be per-service, per-service-watch, node-lease or sharded:K, or a map with kind (and shards for sharded)',
  },
);

/** `sharded:8` → `{kind: 'sharded', shards: 8}`; the other words → `{kind}`. Unchecked: the schema validates. */
function parseStrategyText(text: string): unknown {
  const [kind, shards] = text.split(':');
  return shards === undefined ? { kind } : { kind, shards: Number(shards) };
}

/** The one-word form: the agent's `--strategy` value and the summary's `strategy` field. */
export function strategyText(s: Strategy): string {
  return s.kind === 'sharded' ? `sharded:${s.shards}` : s.kind;
}
