import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapeInstance } from '../cost/deployment.ts';
import { getModel } from '../model/catalog.ts';
import type { Scenario, ScenarioInput } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import {
  SearchOptionError,
  countCandidates,
  enumerateCandidates,
  poolPairCount,
  resolveOptions,
  tpAllowed,
} from './space.ts';

function scenario(input: Partial<ScenarioInput> & Pick<ScenarioInput, 'model' | 'cluster'>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const MODELS = ['llama-3.1-8b', 'llama-3.1-70b', 'mixtral-8x7b', 'deepseek-v2-lite', 'qwen3-30b-a3b'] as const;

describe('enumerateCandidates (fast-check over small clusters)', () => {
  it('every plan fits the cluster, passes the engine divisibility rules, keeps TP inside the NVLink domain, and count = enumerate length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.boolean(),
        fc.constantFrom('all' as const, 'max' as const),
        fc.subarray(['bf16', 'fp8'], { minLength: 1 }),
        (modelId, nodes, gpusPerNode, disagg, replicas, kvDtypes) => {
          const s = scenario({ model: modelId, cluster: { gpu: 'h100-sxm', nodes, gpusPerNode } });
          const model = getModel(modelId)!;
          const G = nodes * gpusPerNode;
          const domain = Math.min(8, G);
          const opts = { allowDisaggregation: disagg, replicas, kvDtypes };
          const list = enumerateCandidates(s, opts);
          const count = countCandidates(s, opts);
          expect(list.length).toBe(count.total);
          expect(list.map((c) => c.index)).toEqual(list.map((_, i) => i));
          expect(new Set(list.map((c) => c.id)).size).toBe(list.length);
          for (const c of list) {
            const p = c.knobs.plan;
            const pools = c.knobs.kind === 'disaggregated' ? [p.prefill!, p.decode!] : [{ ...p, instances: p.dp }];
            let used = 0;
            for (const pool of pools) {
              expect(() => shapeInstance(model, pool)).not.toThrow();
              expect(pool.tp <= domain && domain % pool.tp === 0).toBe(true);
              if (!model.moe) expect(pool.ep).toBe(1);
              if (!model.moe && model.attention.kind !== 'mla') expect(pool.attentionDp).toBe(1);
              expect(pool.pp).toBeLessThanOrEqual(model.layers.length);
              used += pool.tp * pool.pp * pool.attentionDp * pool.instances;
            }
            expect(used).toBeLessThanOrEqual(G);
            if (c.knobs.kind === 'colocated' && replicas === 'max')
              expect(p.dp).toBe(Math.floor(G / (p.tp * p.pp * p.attentionDp)));
            expect(kvDtypes).toContain(c.knobs.kvDtype);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('lets TP cross nodes only when allowed, and then only as whole NVLink domains', () => {
    const s = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 4, gpusPerNode: 8 } });
    const tps = (allow: boolean) =>
      new Set(enumerateCandidates(s, { allowTpAcrossNodes: allow }).map((c) => c.knobs.plan.tp));
    expect([...tps(false)].sort((a, b) => a - b)).toEqual([1, 2, 4, 8]);
    expect([...tps(true)].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(tpAllowed(16, 8, true)).toBe(true);
    expect(tpAllowed(12, 8, true)).toBe(false);
    expect(tpAllowed(3, 8, false)).toBe(false);
  });

  it('lists runtime knobs innermost and labels them when they vary', () => {
    const s = scenario({ model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 } });
    const list = enumerateCandidates(s, { kvDtypes: ['bf16', 'fp8'], maxNumSeqs: [128, 256] });
    expect(list.slice(0, 4).map((c) => [c.knobs.kvDtype, c.knobs.maxNumSeqs])).toEqual([
      ['bf16', 128],
      ['bf16', 256],
      ['fp8', 128],
      ['fp8', 256],
    ]);
    expect(list[0]!.label).toBe('TP1 DP1 · bf16 KV · 128 seqs');
    expect(list[0]!.scenario).toMatchObject({ precision: { kvCache: 'bf16' }, runtime: { maxNumSeqs: 128 } });
    // Shared by reference with the base scenario (one structured-clone copy for many candidates).
    expect(list[0]!.scenario.workload).toBe(s.workload);
  });

  it('counts disaggregated pool pairs without listing them', () => {
    for (const [a, b, g] of [
      [8, 8, 64],
      [8, 16, 64],
      [3, 5, 17],
      [16, 32, 40],
    ] as const) {
      let brute = 0;
      for (let p = 1; p * a <= g; p++) for (let d = 1; p * a + d * b <= g; d++) brute++;
      expect(poolPairCount(a, b, g)).toBe(brute);
    }
    const s = scenario({ model: 'mixtral-8x7b', cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 } });
    const c = countCandidates(s, { allowDisaggregation: true });
    expect(c.disaggregated).toBeGreaterThan(0);
    expect(
      enumerateCandidates(s, { allowDisaggregation: true }).filter((x) => x.knobs.kind === 'disaggregated').length,
    ).toBe(c.disaggregated);
  });
});

describe('search-space guard', () => {
  const ds = scenario({
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes: 8, gpusPerNode: 8 },
  });

  it('refuses a space over maxCandidates, naming the knob to narrow', () => {
    const c = countCandidates(ds, { allowDisaggregation: true, kvDtypes: ['fp8', 'bf16'] });
    expect(c.total).toBeGreaterThanOrEqual(10_000);
    expect(() => enumerateCandidates(ds, { allowDisaggregation: true, maxCandidates: 5000 })).toThrowError(
      /allowDisaggregation/,
    );
    try {
      enumerateCandidates(ds, { allowDisaggregation: true, maxCandidates: 5000 });
    } catch (e) {
      expect(e).toBeInstanceOf(SearchOptionError);
      expect((e as SearchOptionError).field).toBe('allowDisaggregation');
    }
    const small = scenario({ model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 } });
    expect(() =>
      enumerateCandidates(small, {
        kvDtypes: ['bf16', 'fp8', 'int8'],
        maxNumSeqs: [64, 128, 256, 512],
        maxCandidates: 50,
      }),
    ).toThrowError(/maxNumSeqs \(4 values\)/);
  });

  it('counts a 64-GPU space in milliseconds', () => {
    const t0 = performance.now();
    countCandidates(ds, { allowDisaggregation: true, kvDtypes: ['fp8', 'bf16'] });
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('checks options and names the bad one', () => {
    expect(() => resolveOptions(ds, { kvDtypes: ['fp9'] })).toThrowError(/^kvDtypes: "fp9"/);
    expect(() => resolveOptions(ds, { maxNumSeqs: [0] })).toThrowError(/^maxNumSeqs:/);
    expect(() => resolveOptions(ds, { objective: 'speed' as never })).toThrowError(/^objective:/);
    expect(() => resolveOptions(ds, { top: 0 })).toThrowError(/^top:/);
    expect(resolveOptions(ds, {}).kvDtypes).toEqual(['fp8']);
  });
});
