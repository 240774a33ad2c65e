import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { PlanEvaluator } from './evaluate-plan.ts';
import { enumerateCandidates } from './space.ts';

describe('PlanEvaluator.outcome memo', () => {
  it('answers a repeated sibling from the memo with what a fresh evaluator computes', () => {
    const r = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 4 },
      workload: { inputTokens: 1024, outputTokens: 256, requests: 500, arrival: { kind: 'poisson', ratePerSec: 4 } },
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    const cands = enumerateCandidates(r.scenario, { kvDtypes: ['bf16', 'fp8'] });
    expect(cands.length).toBeGreaterThan(4);
    const ev = new PlanEvaluator(r.scenario);
    let feasible = 0;
    for (const c of cands) {
      const first = ev.outcome(c.knobs);
      // Equal knobs built anew (another object) hit the memo.
      expect(ev.outcome(structuredClone(c.knobs))).toBe(first);
      const fresh = new PlanEvaluator(r.scenario).outcome(c.knobs);
      expect(first.ok).toBe(fresh.ok);
      if (first.ok && fresh.ok) {
        feasible++;
        expect(first.result.metrics).toEqual(fresh.result.metrics);
      }
    }
    expect(feasible).toBeGreaterThan(0);
  });
});
