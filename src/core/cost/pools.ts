/**
 * Serving pools of a plan. An aggregated plan is one pool of `dp` identical instances that both
 * prefill and decode. A disaggregated plan (`plan.prefill` and `plan.decode` both set; DistServe,
 * Splitwise, P/D-Serve) is two pools, each with its own tp/pp/ep/attentionDp and instance count,
 * and each resolved as its own Deployment (dp = that pool's instance count) so every cost formula
 * applies unchanged.
 */
import type { Scenario } from '../scenario/schema.ts';
import { resolveDeployment, ScenarioError, type Deployment } from './deployment.ts';

export type PoolRole = 'mixed' | 'prefill' | 'decode';

export interface Pool {
  role: PoolRole;
  dep: Deployment;
  /** Instances in the pool (= dep.dp). */
  instances: number;
  /** GPUs the pool uses: instances × GPUs per instance. */
  gpus: number;
}

export interface ResolvedPools {
  pools: Pool[];
  disaggregated: boolean;
  /** GPUs used by all pools together. */
  gpusUsed: number;
  clusterGpus: number;
  /**
   * True when every pool fits in one NVLink/NVSwitch domain, so prefill→decode KV moves over
   * NVLink; otherwise it crosses the per-GPU NICs.
   */
  sameScaleUpDomain: boolean;
}

/** True when the scenario asks for prefill/decode disaggregation. */
export function isDisaggregated(s: Scenario): boolean {
  return s.plan.prefill !== undefined && s.plan.decode !== undefined;
}

/** Resolve one pool as a Deployment, renaming field paths from `plan.*` to `plan.<role>.*`. */
function poolDeployment(s: Scenario, role: 'prefill' | 'decode'): Deployment {
  const p = s.plan[role]!;
  const derived: Scenario = {
    ...s,
    plan: { tp: p.tp, pp: p.pp, dp: p.instances, ep: p.ep, attentionDp: p.attentionDp },
  };
  try {
    return resolveDeployment(derived);
  } catch (e) {
    if (e instanceof ScenarioError && e.field.startsWith('plan')) {
      const field = e.field === 'plan' ? `plan.${role}` : e.field.replace(/^plan\./, `plan.${role}.`);
      const message = e.message.slice(e.field.length + 2).replace(/\bdp\b/g, 'instances');
      throw new ScenarioError(field, message);
    }
    throw e;
  }
}

/** The plan's pools. Throws ScenarioError (naming the field) for shapes the model or cluster cannot take. */
export function resolvePools(s: Scenario): ResolvedPools {
  if (!isDisaggregated(s)) {
    if (s.plan.prefill !== undefined || s.plan.decode !== undefined) {
      throw new ScenarioError(
        s.plan.prefill ? 'plan.decode' : 'plan.prefill',
        'disaggregation needs both plan.prefill and plan.decode',
      );
    }
    const dep = resolveDeployment(s);
    const clusterGpus = dep.clusterGpus;
    return {
      pools: [{ role: 'mixed', dep, instances: dep.dp, gpus: dep.gpusUsed }],
      disaggregated: false,
      gpusUsed: dep.gpusUsed,
      clusterGpus,
      sameScaleUpDomain: dep.gpusUsed <= dep.links.scaleUpDomainGpus,
    };
  }
  const prefill = poolDeployment(s, 'prefill');
  const decode = poolDeployment(s, 'decode');
  const gpusUsed = prefill.gpusUsed + decode.gpusUsed;
  const clusterGpus = prefill.clusterGpus;
  if (gpusUsed > clusterGpus) {
    throw new ScenarioError(
      'plan',
      `prefill ${prefill.dp}×${prefill.instance.gpus} + decode ${decode.dp}×${decode.instance.gpus} = ${gpusUsed} GPUs, but the cluster has ${clusterGpus}`,
    );
  }
  return {
    pools: [
      { role: 'prefill', dep: prefill, instances: prefill.dp, gpus: prefill.gpusUsed },
      { role: 'decode', dep: decode, instances: decode.dp, gpus: decode.gpusUsed },
    ],
    disaggregated: true,
    gpusUsed,
    clusterGpus,
    sameScaleUpDomain: gpusUsed <= prefill.links.scaleUpDomainGpus,
  };
}
