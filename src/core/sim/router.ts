/**
 * Routing between instances (round-robin, least-outstanding, prefix-affinity) and, inside an
 * instance, between its attention-DP groups.
 */
import type { ResolvedRuntime as Runtime } from '../engine/resolve.ts';
import type { Group, Inst, PoolState } from './pool.ts';

/** Outstanding-request slack of the prefix-affinity router (SGLang router `balance_abs_threshold`, 32). */
export const PREFIX_AFFINITY_SLACK = 32;

export type Router = Runtime['router'];

function leastOutstanding(p: PoolState): Inst {
  let best = p.insts[0]!;
  for (const x of p.insts) if (x.outstanding < best.outstanding) best = x;
  return best;
}

/** Cached prefix blocks of a request (its hash ids) in a group's prefix cache. */
function prefixMatch(g: Group, hashIds: readonly number[] | undefined): number {
  return g.cache !== null && hashIds !== undefined ? g.cache.match(hashIds) : 0;
}

/** The instance of pool p that serves a request with these prefix hashes. */
export function routeRequest(router: Router, p: PoolState, hashIds: readonly number[] | undefined): Inst {
  if (p.insts.length === 1) return p.insts[0]!;
  switch (router) {
    case 'round-robin':
      return p.insts[p.rr++ % p.insts.length]!;
    case 'least-outstanding':
      return leastOutstanding(p);
    case 'prefix-affinity': {
      // Cache-aware with bounded load (SGLang router `cache_aware`): the longest cached prefix wins
      // among instances within PREFIX_AFFINITY_SLACK outstanding requests of the least loaded.
      const least = leastOutstanding(p);
      let best: Inst | null = null;
      let bestMatch = 0;
      for (const x of p.insts) {
        if (x.outstanding > least.outstanding + PREFIX_AFFINITY_SLACK) continue;
        for (const g of x.groups) {
          const m = prefixMatch(g, hashIds);
          if (m > bestMatch || (m === bestMatch && m > 0 && best !== null && x.outstanding < best.outstanding)) {
            bestMatch = m;
            best = x;
          }
        }
      }
      return best ?? least;
    }
  }
}

/** The attention-DP group of an instance that takes the request: longest prefix hit, then fewest outstanding. */
export function pickGroup(router: Router, inst: Inst, hashIds: readonly number[] | undefined): number {
  const gs = inst.groups;
  if (gs.length === 1) return 0;
  let best = 0;
  let bestMatch = -1;
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i]!;
    const m = router === 'prefix-affinity' ? prefixMatch(g, hashIds) : 0;
    if (m > bestMatch || (m === bestMatch && g.outstanding < gs[best]!.outstanding)) {
      bestMatch = m;
      best = i;
    }
  }
  return best;
}
