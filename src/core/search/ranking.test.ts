import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { isTie, loadVerdict, planTier, rankPlans, TIE_TOLERANCE, type RankingContext } from './ranking.ts';
import { search } from './search.ts';
import type { RankedPlan } from './types.ts';

interface Fake {
  index: number;
  gpus: number;
  reqPerSec: number;
  attainment: number;
  overloaded?: boolean;
  cost: number;
}

/** A ranked plan carrying only the numbers the rule reads (the rest of the result is irrelevant to it). */
function plan(f: Fake): RankedPlan {
  const result = {
    method: 'steady-state',
    plan: { gpusUsed: f.gpus },
    metrics: {
      requestsPerSec: f.reqPerSec,
      goodputReqPerSec: f.attainment >= 0.9 ? f.reqPerSec : f.reqPerSec * f.attainment,
      sloAttainment: f.attainment,
      overloaded: f.overloaded ?? false,
      costUsdPerMOutputTokens: f.cost,
      outputTokPerSec: f.reqPerSec * 100,
    },
  } as unknown as EvaluationResult;
  return {
    candidate: {
      id: `p${f.index}`,
      index: f.index,
      label: `TP${f.gpus} DP1 · bf16 KV`,
      group: `TP${f.gpus}`,
      knobs: {
        kind: 'colocated',
        plan: { tp: f.gpus, pp: 1, dp: 1, ep: 1, attentionDp: 1 },
        kvDtype: 'bf16',
        maxNumSeqs: 256,
        maxBatchedTokens: 8192,
      },
      scenario: {} as never,
    },
    result,
    method: 'steady-state',
    onPareto: false,
    reason: '',
    value: result.metrics.goodputReqPerSec,
    secondaryValue: f.cost,
  };
}

const ctx: RankingContext = { objective: 'goodput', secondary: 'cost', offeredReqPerSec: 5, clusterGpus: 8 };
const ids = (ps: RankedPlan[]) => ps.map((p) => p.candidate.id);

describe('ranking rule', () => {
  it('tiers: within SLO first, then carrying the load, then overloaded — whatever the objective values', () => {
    const over = plan({ index: 0, gpus: 8, reqPerSec: 4, attainment: 0, overloaded: true, cost: 1 });
    const miss = plan({ index: 1, gpus: 8, reqPerSec: 5, attainment: 0.5, cost: 2 });
    const meet = plan({ index: 2, gpus: 8, reqPerSec: 5, attainment: 1, cost: 9 });
    expect([planTier(over.result, 5), planTier(miss.result, 5), planTier(meet.result, 5)]).toEqual([3, 2, 1]);
    const r = rankPlans([over, miss, meet], ctx);
    expect(ids(r)).toEqual(['p2', 'p1', 'p0']);
    expect(r.map((p) => p.tier)).toEqual([1, 2, 3]);
  });

  it('a plan serving less than the offered rate (beyond the tolerance) does not carry it', () => {
    expect(planTier(plan({ index: 0, gpus: 4, reqPerSec: 4.5, attainment: 1, cost: 1 }).result, 5)).toBe(3);
    expect(planTier(plan({ index: 0, gpus: 4, reqPerSec: 4.9, attainment: 1, cost: 1 }).result, 5)).toBe(1);
  });

  it('Tier 1 by the secondary objective (cost) when ranking by goodput; a tie within 3 % goes to fewer GPUs', () => {
    // The issue-14 case: TP8 edges TP4 on goodput by a 0.4 % drain artefact, but costs twice as much.
    const tp8 = plan({ index: 0, gpus: 8, reqPerSec: 5.02, attainment: 1, cost: 6.5 });
    const tp4 = plan({ index: 1, gpus: 4, reqPerSec: 5, attainment: 1, cost: 3.3 });
    const tp2pp2 = plan({ index: 2, gpus: 4, reqPerSec: 5, attainment: 1, cost: 3.2 });
    expect(ids(rankPlans([tp8, tp4, tp2pp2], ctx))).toEqual(['p2', 'p1', 'p0']);
    // 2 % more expensive but on 2 GPUs instead of 4: a tie, so fewer GPUs first.
    const small = plan({ index: 3, gpus: 2, reqPerSec: 5, attainment: 1, cost: 3.26 });
    expect(ids(rankPlans([tp8, tp4, tp2pp2, small], ctx))[0]).toBe('p3');
  });

  it('Tier 3 by the rate each plan sustains, ties to fewer GPUs', () => {
    const a = plan({ index: 0, gpus: 16, reqPerSec: 6.2, attainment: 0, overloaded: true, cost: 9 });
    const b = plan({ index: 1, gpus: 12, reqPerSec: 0.001, attainment: 0, overloaded: true, cost: 1 });
    const c = plan({ index: 2, gpus: 8, reqPerSec: 6.1, attainment: 0, overloaded: true, cost: 5 });
    const o: RankingContext = { ...ctx, offeredReqPerSec: 20, clusterGpus: 16 };
    expect(ids(rankPlans([b, a, c], o))).toEqual(['p2', 'p0', 'p1']);
  });

  it('the verdict says what the load needs, or how far the best plan falls short', () => {
    const fits = rankPlans(
      [
        plan({ index: 0, gpus: 8, reqPerSec: 5, attainment: 1, cost: 6.5 }),
        plan({ index: 1, gpus: 4, reqPerSec: 5, attainment: 1, cost: 3.2 }),
      ],
      ctx,
    );
    expect(loadVerdict(fits, ctx)?.message).toBe('4 of your 8 GPUs carry 5 req/s within SLO (TP4 DP1)');
    const o: RankingContext = { ...ctx, offeredReqPerSec: 20, clusterGpus: 16 };
    const over = rankPlans(
      [
        plan({ index: 0, gpus: 16, reqPerSec: 6.2, attainment: 0, overloaded: true, cost: 9 }),
        plan({ index: 1, gpus: 12, reqPerSec: 0.001, attainment: 0, overloaded: true, cost: 1 }),
      ],
      o,
    );
    const v = loadVerdict(over, o)!;
    expect(v.kind).toBe('overloaded');
    expect(v.message).toBe(
      'no plan sustains 20 req/s within SLO; the best sustains 6.2 req/s (TP16 DP1): about 3× the GPUs, a smaller precision, or a smaller model would',
    );
  });

  it('property: the order is a permutation, tiers never interleave, and within a tier a later plan is never both strictly better by more than the tolerance and on no more GPUs', () => {
    const fake = fc.record({
      gpus: fc.constantFrom(1, 2, 4, 8),
      reqPerSec: fc.double({ min: 0.1, max: 10, noNaN: true }),
      attainment: fc.constantFrom(0, 0.5, 1),
      overloaded: fc.boolean(),
      cost: fc.double({ min: 0.5, max: 20, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(fake, { minLength: 1, maxLength: 30 }), (fs) => {
        const plans = fs.map((f, index) => plan({ ...f, index }));
        const r = rankPlans(plans, ctx);
        expect([...ids(r)].sort()).toEqual([...ids(plans)].sort());
        for (let i = 1; i < r.length; i++) expect(r[i]!.tier!).toBeGreaterThanOrEqual(r[i - 1]!.tier!);
        const tier1 = r.filter((p) => p.tier === 1);
        for (let i = 0; i < tier1.length; i++)
          for (let j = i + 1; j < tier1.length; j++) {
            const a = tier1[i]!;
            const b = tier1[j]!;
            const bMuchCheaper = b.secondaryValue < a.secondaryValue * (1 - 2 * TIE_TOLERANCE);
            expect(bMuchCheaper && b.result.plan.gpusUsed <= a.result.plan.gpusUsed).toBe(false);
          }
      }),
    );
  });

  it('isTie is relative and symmetric', () => {
    expect(isTie(100, 97.5)).toBe(true);
    expect(isTie(97.5, 100)).toBe(true);
    expect(isTie(100, 96)).toBe(false);
    expect(isTie(-3.2, -3.25)).toBe(true);
    expect(isTie(-3.2, -3.3)).toBe(false); // 3.03 %
    expect(isTie(Infinity, 5)).toBe(false);
  });
});

function scenario(model: string, nodes: number, ratePerSec: number): Scenario {
  const r = parseScenario({
    version: 1,
    model,
    cluster: { gpu: 'h100-sxm', nodes, gpusPerNode: 8 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 1000, arrival: { kind: 'poisson', ratePerSec } },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('ranking rule on real searches (closed form)', () => {
  it('Llama-3.1-70B on 8×H100 at 5 req/s: the cheapest sufficient plan, on 4 GPUs, comes first — not TP8', () => {
    const r = search(scenario('llama-3.1-70b', 1, 5), { objective: 'goodput', secondary: 'cost', simulateTop: 0 });
    const first = r.ranked[0]!;
    expect(first.tier).toBe(1);
    expect(first.result.plan.gpusUsed).toBe(4);
    const tp8 = r.ranked.find((p) => p.candidate.label.startsWith('TP8 DP1'))!;
    expect(r.ranked.indexOf(tp8)).toBeGreaterThan(0);
    expect(first.secondaryValue).toBeLessThan(tp8.secondaryValue * 0.6);
    expect(r.verdict?.message).toMatch(/^4 of your 8 GPUs carry 5 req\/s within SLO \(/);
  });

  it('Llama-3.1-405B on 2×8 H100 at 20 req/s: overloaded, the most sustainable plan first, and the verdict says so', () => {
    const r = search(scenario('llama-3.1-405b', 2, 20), { objective: 'goodput', secondary: 'cost', simulateTop: 0 });
    expect(r.ranked.every((p) => p.tier === 3)).toBe(true);
    const rates = r.ranked.map((p) => p.result.metrics.requestsPerSec);
    expect(rates[0]).toBe(Math.max(...rates));
    expect(r.verdict?.kind).toBe('overloaded');
    expect(r.verdict?.message).toMatch(
      /^no plan sustains 20 req\/s within SLO; the best sustains [\d.]+ req\/s \(TP\d+ PP\d+ DP\d+\): about \d+× the GPUs, a smaller precision, or a smaller model would$/,
    );
  });
});
