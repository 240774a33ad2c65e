/**
 * A sensible starting plan when the model or cluster changes and the current plan no longer resolves
 * (e.g. tp no longer divides the new model's heads, or the cluster shrank). Not a search: it tries
 * tensor-parallel sizes inside one NVLink domain from small to large (experts spread over the TP
 * group for MoE models), then pipeline stages across domains, and returns the first whose weights
 * fit, replicated over the whole cluster; if none fits, the one that misses by the least.
 * The user runs the real search for the best plan.
 */
import { ScenarioError } from '../cost/deployment.ts';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import type { Plan, Scenario } from '../scenario/schema.ts';

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** Does the scenario's own plan resolve (no ScenarioError)? Other errors propagate. */
export function planResolves(s: Scenario): boolean {
  try {
    evaluateSteadyState(s);
    return true;
  } catch (e) {
    if (e instanceof ScenarioError && (e.field.startsWith('plan') || e.field === 'plan')) return false;
    throw e;
  }
}

/**
 * The first plan (smallest TP that fits, most replicas) for the scenario's model and cluster, or
 * null when even the largest TP group does not hold the weights.
 */
export function startingPlan(s: Scenario): Plan | null {
  const gpus = s.cluster.nodes * s.cluster.gpusPerNode;
  const domain = Math.min(gpus, s.cluster.scaleUpDomainGpus ?? s.cluster.gpusPerNode);
  const tries: { tp: number; pp: number }[] = divisors(Math.max(1, domain)).map((tp) => ({ tp, pp: 1 }));
  // Then pipeline stages across NVLink domains, for models that do not fit one domain.
  for (let pp = 2; pp * domain <= gpus && pp <= 16; pp++) tries.push({ tp: domain, pp });
  let best: { plan: Plan; shortfallGB: number } | null = null;
  for (const { tp, pp } of tries) {
    for (const ep of [tp, 1]) {
      const plan: Plan = { tp, pp, dp: Math.max(1, Math.floor(gpus / (tp * pp))), ep, attentionDp: 1 };
      let r: ReturnType<typeof evaluateSteadyState>;
      try {
        r = evaluateSteadyState({ ...s, plan });
      } catch (e) {
        if (e instanceof ScenarioError) continue;
        throw e;
      }
      if (r.memory.fits) return plan;
      if (!best || r.memory.shortfallGB < best.shortfallGB) best = { plan, shortfallGB: r.memory.shortfallGB };
      break;
    }
  }
  return best?.plan ?? null;
}
