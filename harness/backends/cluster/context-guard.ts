import { BackendError } from '../../errors.js';
import { BENCHMARK_NETWORK } from '../../scenario/scenario-rules.js';
import type { ResolvedScenario } from '../../scenario/scenario-schema.js';
import { ipv4Range, rangeContains } from '../../util/ipv4-range.js';

/** Contexts the cluster backend uses without `--yes`: kind clusters and l2bench's own local runs. */
export function isThrowawayContext(context: string): boolean {
  return /^kind-/.test(context) || /^l2b-[0-9a-f]{6}$/.test(context);
}

/** Refuses, in one line, a context that may be someone's real cluster unless `--yes` was given. */
export function checkClusterContext(context: string | undefined, yes: boolean): string {
  if (!context)
    throw new BackendError('backend cluster: the kubeconfig has no current context: pass --context <name>');
  if (!isThrowawayContext(context) && !yes)
    throw new BackendError(
      `backend cluster: context ${context} is not a kind (kind-*) or l2bench local (l2b-<id>) cluster: pass --yes to run there anyway`,
    );
  return context;
}

/**
 * The pool on an existing cluster: only the scenario can know a free range of the nodes' L2
 * segment, and it must be in the benchmarking range like every l2bench address.
 */
export function clusterPool(s: ResolvedScenario): string {
  const p = s.pool;
  const spec = p?.cidr ?? (p?.start ? `${p.start}-${p.stop}` : undefined);
  if (!p || !spec)
    throw new BackendError(
      "backend cluster: set pool (cidr, or start and stop) to a free range of the nodes' network inside 198.18.0.0/15",
    );
  const r = ipv4Range(p);
  const allowed = ipv4Range({ cidr: BENCHMARK_NETWORK });
  if (!r || !allowed || !rangeContains(allowed, r))
    throw new BackendError(
      `backend cluster: pool ${spec} is outside ${BENCHMARK_NETWORK}: pick a pool inside it`,
    );
  return spec;
}
