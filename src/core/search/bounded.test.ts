/**
 * Issue 16 §4: bounded search. Chunked scoring gives the one-pass result, rejections keep the lowest
 * indexes, and a plan whose objective value is not finite never ranks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { Scenario, ScenarioInput } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { evaluateFast } from '../evaluate/fast.ts';
import { OBJECTIVES } from './objectives.ts';
import { LowestRejections, mergeShards, search, searchPrepared, searchShardOf } from './search.ts';
import { prepareSearch } from './space.ts';
import type { Objective, PlanKnobs, SearchOptions, SearchResult } from './types.ts';

function scenario(input: Partial<ScenarioInput> & Pick<ScenarioInput, 'model' | 'cluster'>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const h100 = (nodes: number, gpusPerNode: number) => ({ gpu: 'h100-sxm', nodes, gpusPerNode });

function essence(r: SearchResult) {
  const row = (p: SearchResult['ranked'][number]) => [p.candidate.id, p.value, p.secondaryValue, p.onPareto, p.reason];
  return {
    ranked: r.ranked.map(row),
    runnersUp: (r.runnersUp ?? []).map(row),
    pareto: r.pareto.map(row),
    enumerated: r.counts.enumerated,
  };
}

describe('chunked scoring', () => {
  it('any chunk size gives the ranking, runners-up, Pareto front and reasons of one pass (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'qwen3-30b-a3b'),
        fc.constantFrom(1, 2),
        fc.constantFrom<Objective>(...OBJECTIVES),
        fc.constantFrom<Objective>('ttft-p99', 'cost', 'tpot-p50'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        (model, nodes, objective, secondary, disagg, chunk) => {
          const s = scenario({
            model,
            cluster: h100(nodes, 8),
            workload: {
              inputTokens: 900,
              outputTokens: 200,
              requests: 500,
              arrival: { kind: 'poisson', ratePerSec: 4 },
            },
          });
          const opts: Partial<SearchOptions> = {
            objective,
            secondary,
            allowDisaggregation: disagg,
            kvDtypes: ['bf16', 'fp8'],
            top: 5,
          };
          const prep = prepareSearch(s, opts);
          const one = mergeShards([searchShardOf(prep, 0, 1)], prep.options);
          const chunked = mergeShards([searchShardOf(prep, 0, 1, undefined, chunk)], prep.options);
          expect(essence(chunked)).toEqual(essence(one));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('search over a prepared space equals search from scratch', () => {
    const s = scenario({ model: 'mixtral-8x7b', cluster: h100(2, 8) });
    const opts: Partial<SearchOptions> = { kvDtypes: ['bf16', 'fp8'], allowDisaggregation: true, maxRejected: 30 };
    const a = search(s, opts);
    const b = searchPrepared(prepareSearch(s, opts));
    expect({ ...essence(b), rejected: b.rejected.map((x) => [x.candidate.id, x.reason]) }).toEqual({
      ...essence(a),
      rejected: a.rejected.map((x) => [x.candidate.id, x.reason]),
    });
  });
});

describe('LowestRejections', () => {
  it('keeps the `limit` lowest indexes, lowest first, whatever the arrival order (fast-check)', () => {
    const knobs = {} as PlanKnobs;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 50 }),
        (indexes, limit) => {
          const r = new LowestRejections(limit);
          for (const i of indexes) r.add(i, knobs, `reason ${i}`);
          const want = [...indexes].sort((a, b) => a - b).slice(0, limit);
          expect(r.sorted().map((x) => x.index)).toEqual(want);
          expect(r.sorted().map((x) => x.reason)).toEqual(want.map((i) => `reason ${i}`));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('a non-finite objective value never ranks', () => {
  // 100,000-token prompts at 100 req/s overload every plan: TTFT is Infinity (open arrivals, unbounded queue).
  const overloaded = scenario({
    model: 'llama-3.1-8b',
    cluster: h100(1, 4),
    workload: { inputTokens: 100_000, outputTokens: 256, requests: 100, arrival: { kind: 'poisson', ratePerSec: 100 } },
  });

  it.each([false, true])(
    'TTFT objective on an overloaded cluster (disaggregation %s): rejected with the reason',
    (disagg) => {
      const r = search(overloaded, { objective: 'ttft-p99', allowDisaggregation: disagg, maxRejected: 1000 });
      for (const p of [...r.ranked, ...r.pareto, ...(r.runnersUp ?? [])]) expect(Number.isFinite(p.value)).toBe(true);
      const unrankable = r.rejected.filter((x) => x.reason.startsWith('TTFT p99 has no finite value'));
      expect(unrankable.length).toBeGreaterThan(0);
      expect(unrankable[0]!.reason).toBe('TTFT p99 has no finite value (Infinity), so the plan cannot be ranked');
      // The same plans still rank on an objective that has a value (goodput 0 is a value).
      const g = search(overloaded, { objective: 'goodput', allowDisaggregation: disagg });
      expect(g.ranked.length).toBeGreaterThan(0);
      for (const p of g.ranked) expect(Number.isFinite(p.value)).toBe(true);
    },
  );

  it('the second pass rejects a plan the simulator gives a NaN or infinite objective', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: h100(1, 8),
      workload: { inputTokens: 1000, outputTokens: 200, requests: 2000 },
    });
    const first = search(s, { simulateTop: 0 });
    const [a, b] = first.ranked;
    const sim = (sc: Scenario): EvaluationResult => {
      const r = evaluateFast(sc);
      const hit = (p: typeof a) =>
        sc.plan.tp === p!.candidate.knobs.plan.tp &&
        sc.plan.dp === p!.candidate.knobs.plan.dp &&
        sc.plan.pp === p!.candidate.knobs.plan.pp;
      const v = hit(a) ? Infinity : hit(b) ? NaN : r.metrics.outputTokPerSecPerGpu;
      return { ...r, method: 'simulation', metrics: { ...r.metrics, outputTokPerSecPerGpu: v } };
    };
    const r = search(s, { simulateTop: 4 }, sim);
    const ids = r.ranked.map((p) => p.candidate.id);
    expect(ids).not.toContain(a!.candidate.id);
    expect(ids).not.toContain(b!.candidate.id);
    expect(r.rejected.find((x) => x.candidate.id === a!.candidate.id)?.reason).toBe(
      'throughput/GPU has no finite value (Infinity), so the plan cannot be ranked',
    );
    expect(r.rejected.find((x) => x.candidate.id === b!.candidate.id)?.reason).toBe(
      'throughput/GPU has no finite value (NaN), so the plan cannot be ranked',
    );
    for (const p of r.ranked) expect(Number.isFinite(p.value)).toBe(true);
  });
});
