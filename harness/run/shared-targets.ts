import { type BenchTarget, type BenchTargetOptions, clusterShapeKey } from '../backends/bench-target.js';
import type { Variant } from '../scenario/expand-variants.js';

/** A target ready for one variant, and the variant whose cluster it is when reused. */
export interface TargetForVariant {
  target: BenchTarget;
  /** The first variant that ran on this cluster; null when it was started for this variant. */
  sharedWith: string | null;
  /** The previous variant's services (and addresses) were kept: announce time excludes IPAM. */
  servicesKept: boolean;
}

/**
 * The runner's one live target at a time: variants of the same cluster shape
 * ({@link clusterShapeKey}) run on one target, reconfigured in between; a variant of another shape
 * disposes it and starts a fresh one. Disposing this disposes the live target.
 */
export class SharedTargets implements AsyncDisposable {
  #current: { target: BenchTarget; key: string; firstVariant: string } | null = null;

  constructor(private readonly start: (o: BenchTargetOptions) => Promise<BenchTarget>) {}

  /** A prepared target for `variant`: the live one reconfigured when the shape matches, else a fresh one. */
  async forVariant(variant: Variant, o: Omit<BenchTargetOptions, 'scenario'>): Promise<TargetForVariant> {
    const key = clusterShapeKey(variant.scenario);
    const current = this.#current;
    if (current && current.key === key && current.target.reconfigure) {
      try {
        o.progress(
          `  same cluster as ${current.firstVariant}: reconfiguring (agents stopped, leases deleted)`,
        );
        const { servicesKept } = await current.target.reconfigure(variant.scenario, o.signal);
        return { target: current.target, sharedWith: current.firstVariant, servicesKept };
      } catch (err) {
        await this.close();
        throw err;
      }
    }
    await this.close();
    const target = await this.start({ ...o, scenario: variant.scenario });
    try {
      await target.prepare();
    } catch (err) {
      await target[Symbol.asyncDispose]();
      throw err;
    }
    this.#current = { target, key, firstVariant: variant.id };
    return { target, sharedWith: null, servicesKept: false };
  }

  /** Disposes the live target, if any. */
  async close(): Promise<void> {
    const current = this.#current;
    this.#current = null;
    if (current) await current.target[Symbol.asyncDispose]();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Variants grouped by cluster shape: shapes in order of first appearance, each group in sweep
 * order. One group is one cluster; groups can run on clusters of their own at once. Pure.
 */
export function shapeGroups(variants: readonly Variant[]): Variant[][] {
  const groups = new Map<string, Variant[]>();
  for (const v of variants) {
    const key = clusterShapeKey(v.scenario);
    const group = groups.get(key) ?? [];
    group.push(v);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The order to run variants in one after another: {@link shapeGroups} flattened, so every shape starts one cluster. */
export function runOrder(variants: readonly Variant[]): Variant[] {
  return shapeGroups(variants).flat();
}
