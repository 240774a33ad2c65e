import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { planResolves, startingPlan } from './startPlan.ts';

function scenario(input: Record<string, unknown>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('startingPlan', () => {
  it('picks the smallest TP that fits and replicates it over the cluster', () => {
    const s = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 2 } });
    const plan = startingPlan(s)!;
    // 141 GB of bf16 weights: 70.6 GB per GPU at TP2 fits vLLM's 77.3 GB budget (90 % of 80 GiB = 85.9 GB).
    expect(plan).toEqual({ tp: 2, pp: 1, dp: 8, ep: 1, attentionDp: 1 });
    expect(evaluateSteadyState({ ...s, plan }).memory.fits).toBe(true);
  });

  it('adds pipeline stages across nodes when one NVLink domain cannot hold the weights', () => {
    const s = scenario({ model: 'llama-3.1-405b', cluster: { gpu: 'h100-sxm', nodes: 2 } });
    expect(startingPlan(s)).toEqual({ tp: 8, pp: 2, dp: 1, ep: 1, attentionDp: 1 });
  });

  it('spreads experts over the TP group for MoE models', () => {
    const s = scenario({ model: 'mixtral-8x7b', cluster: { gpu: 'h100-sxm', nodes: 1 } });
    expect(startingPlan(s)).toMatchObject({ tp: 2, ep: 2 });
  });

  it('tells whether the plan resolves', () => {
    expect(planResolves(scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm' }, plan: { tp: 8 } }))).toBe(
      true,
    );
    expect(planResolves(scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm' }, plan: { tp: 16 } }))).toBe(
      false,
    );
  });
});
