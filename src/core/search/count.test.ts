/**
 * Issue 16 §4: the size check is arithmetic. The count must equal what the enumeration yields, and
 * the enumeration must be the one a brute-force walk over every (tp, attentionDp, ep, pp, dp) and
 * pool pair produces — checked here against an independent brute force on small clusters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScenarioError, resolveGpu, resolveModel, shapeInstance } from '../cost/deployment.ts';
import { kvChoice } from '../kv/presets.ts';
import { CATALOG_CONFIGS } from '../model/configs.ts';
import type { ModelSpec } from '../model/types.ts';
import type { Scenario, ScenarioInput } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import {
  MAX_CANDIDATES_CEILING,
  SearchOptionError,
  countCandidates,
  disaggStructureCount,
  enumerateCandidates,
  enumerateKnobs,
  knobsId,
  prepareSearch,
  resolveOptions,
  weightFloorGpus,
} from './space.ts';
import type { PlanKnobs, SearchOptions } from './types.ts';

function scenario(input: Partial<ScenarioInput> & Pick<ScenarioInput, 'model' | 'cluster'>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

/** DeepSeek-V2-Lite's MLA attention with its MoE removed: attention-DP applies, expert parallelism does not. */
function denseMlaModel(): ScenarioInput['model'] {
  const entry = CATALOG_CONFIGS.find((c) => c.id === 'deepseek-v2-lite')!;
  const hf: Record<string, unknown> = { ...entry.config };
  for (const key of [
    'num_experts_per_tok',
    'moe_intermediate_size',
    'n_routed_experts',
    'n_shared_experts',
    'first_k_dense_replace',
    'moe_layer_freq',
  ])
    delete hf[key];
  return { name: 'Dense MLA', hf } as ScenarioInput['model'];
}

function valid(model: ModelSpec, tp: number, pp: number, ep: number, attentionDp: number): boolean {
  try {
    shapeInstance(model, { tp, pp, ep, attentionDp });
    return true;
  } catch (e) {
    if (e instanceof ScenarioError) return false;
    throw e;
  }
}

interface BruteShape {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
  gpus: number;
}

/** Every candidate id, in enumeration order, by brute force over every factor value. */
function bruteForceIds(s: Scenario, o: SearchOptions): string[] {
  const model = resolveModel(s.model);
  const gpu = resolveGpu(s.cluster);
  const G = s.cluster.nodes * s.cluster.gpusPerNode;
  const domain = Math.max(1, Math.min(s.cluster.scaleUpDomainGpus ?? Math.max(gpu.scaleUpDomainGpus, 1), G));
  const attnDp = model.moe !== null || model.attention.kind === 'mla';
  const shapes: BruteShape[] = [];
  for (let tp = 1; tp <= Math.min(G, model.attention.numHeads); tp++) {
    if (model.attention.numHeads % tp !== 0) continue;
    const inDomain = tp <= domain ? domain % tp === 0 : o.allowTpAcrossNodes && tp % domain === 0;
    if (!inDomain) continue;
    for (let adp = 1; adp <= (attnDp ? Math.floor(G / tp) : 1); adp++) {
      const group = tp * adp;
      for (let ep = 1; ep <= (model.moe ? group : 1); ep++) {
        if (group % ep !== 0 || !valid(model, tp, 1, ep, adp)) continue;
        for (let pp = 1; pp <= Math.min(model.layers.length, Math.floor(G / group)); pp++)
          shapes.push({ tp, pp, ep, attentionDp: adp, gpus: group * pp });
      }
    }
  }
  const structures: Pick<PlanKnobs, 'kind' | 'plan'>[] = [];
  for (const sh of shapes) {
    const max = Math.floor(G / sh.gpus);
    for (let dp = o.replicas === 'max' ? max : 1; dp <= max; dp++)
      structures.push({
        kind: 'colocated',
        plan: { tp: sh.tp, pp: sh.pp, dp, ep: sh.ep, attentionDp: sh.attentionDp },
      });
  }
  if (o.allowDisaggregation) {
    const floor = weightFloorGpus(model, gpu, s);
    const pools = shapes.filter((x) => x.pp <= o.disaggMaxPp && x.gpus >= floor && x.gpus < G);
    const pool = (x: BruteShape, instances: number) => ({
      instances,
      tp: x.tp,
      pp: x.pp,
      ep: x.ep,
      attentionDp: x.attentionDp,
    });
    for (const p of pools)
      for (const d of pools)
        for (let pi = 1; pi <= G; pi++)
          for (let di = 1; pi * p.gpus + di * d.gpus <= G; di++)
            structures.push({
              kind: 'disaggregated',
              plan: { tp: 1, pp: 1, dp: 1, ep: 1, attentionDp: 1, prefill: pool(p, pi), decode: pool(d, di) },
            });
  }
  const ids: string[] = [];
  const strategies = o.kvStrategies.map((x, i) => kvChoice(x, i));
  for (const st of structures)
    for (const kvs of strategies.length > 0 ? strategies : [undefined])
      for (const kvDtype of kvs?.strategy?.quant ? (['bf16'] as const) : o.kvDtypes)
        for (const maxNumSeqs of o.maxNumSeqs)
          for (const maxBatchedTokens of o.maxBatchedTokens) {
            const k: PlanKnobs = { ...st, kvDtype: kvDtype as PlanKnobs['kvDtype'], maxNumSeqs, maxBatchedTokens };
            if (kvs) k.kvStrategy = kvs;
            ids.push(knobsId(k));
          }
  return ids;
}

const MODELS = [
  'llama-3.1-8b',
  'llama-3.1-70b',
  'mixtral-8x7b',
  'qwen3-30b-a3b',
  'deepseek-v2-lite',
  'gpt-oss-20b',
  'dense-mla',
] as const;

const MAX_BRUTE_FORCE = 20_000;

describe('arithmetic count = enumeration = brute force', () => {
  it('on small clusters, with MoE/EP/attention-DP, P/D splits, KV strategies and runtime knobs (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(1, 2, 4, 8),
        fc.record({
          allowDisaggregation: fc.boolean(),
          allowTpAcrossNodes: fc.boolean(),
          replicas: fc.constantFrom('all' as const, 'max' as const),
          disaggMaxPp: fc.integer({ min: 1, max: 3 }),
          kvDtypes: fc.subarray(['bf16', 'fp8'], { minLength: 1 }),
          kvStrategies: fc.subarray(['none', 'fp8', 'kivi2', 'h2o'], { maxLength: 3 }),
          maxNumSeqs: fc.subarray([64, 256], { minLength: 1 }),
        }),
        fc.constantFrom(undefined, 2, 4),
        (modelId, nodes, gpusPerNode, opts, domain) => {
          const model = modelId === 'dense-mla' ? denseMlaModel() : modelId;
          const cluster = { gpu: 'h100-sxm', nodes, gpusPerNode, ...(domain ? { scaleUpDomainGpus: domain } : {}) };
          const s = scenario({ model, cluster });
          const partial: Partial<SearchOptions> = { ...opts, maxCandidates: MAX_CANDIDATES_CEILING };
          const o = resolveOptions(s, partial);
          const count = countCandidates(s, partial);
          // Brute force and three shardings walk the space ~10 times: keep each case small enough
          // that a rare 3 × 8-GPU P/D draw cannot run for minutes (larger spaces: space.test.ts).
          fc.pre(count.total <= MAX_BRUTE_FORCE);
          const brute = bruteForceIds(s, o);
          expect(count.total).toBe(brute.length);
          expect(count.colocated + count.disaggregated).toBe(count.total);
          const list = enumerateCandidates(s, partial);
          expect(list.map((c) => c.id)).toEqual(brute);
          expect(list.map((c) => c.index)).toEqual(brute.map((_, i) => i));
          expect(list.filter((c) => c.knobs.kind === 'disaggregated').length).toBe(count.disaggregated);
          // Shards partition the stream by index % of, each in enumeration order.
          const { space } = prepareSearch(s, partial);
          for (const of of [2, 3, 5]) {
            const seen: number[] = [];
            for (let shard = 0; shard < of; shard++) {
              const part = [...enumerateKnobs(space, shard, of)];
              for (const x of part) expect(x.index % of).toBe(shard);
              expect(part.map((x) => knobsId(x.knobs))).toEqual(part.map((x) => brute[x.index]));
              seen.push(...part.map((x) => x.index));
            }
            expect(seen.sort((a, b) => a - b)).toEqual(brute.map((_, i) => i));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('the dense MLA model really is MLA without MoE (so attention-DP without EP is covered)', () => {
    const m = resolveModel(
      scenario({ model: denseMlaModel(), cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 } }).model,
    );
    expect(m.moe).toBeNull();
    expect(m.attention.kind).toBe('mla');
  });

  it('pool-pair counting by GPU size equals the pair-by-pair sum', () => {
    const shape = (gpus: number) => ({ tp: 1, pp: 1, ep: 1, attentionDp: 1, gpus });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 90 }),
        (sizes, total) => {
          let brute = 0;
          for (const a of sizes)
            for (const b of sizes)
              for (let p = 1; p * a <= total; p++) for (let d = 1; p * a + d * b <= total; d++) brute++;
          expect(disaggStructureCount(sizes.map(shape), total)).toBe(brute);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('too-large spaces are refused from the count alone', () => {
  // Issue 16: this refusal took 70–200 s because counting built the space; it now finishes within the test timeout.
  const huge = scenario({
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes: 1024, gpusPerNode: 128 },
  });

  it('DeepSeek-V3 on 1024 × 128 H200: counted and refused, naming the knob to narrow', () => {
    const count = countCandidates(huge, {});
    expect(count.tooLarge).toBe(true);
    expect(count.total).toBeGreaterThan(200_000);
    expect(count.total).toBe(count.structural.colocated * count.knobCombos);
    const { space } = prepareSearch(huge, {});
    // Only stage sizes dividing experts × expert width (2^8 · 2^11) can hold the MoE layers.
    for (const f of space.families) expect((256 * 2048) % f.group).toBe(0);
    expect(() => enumerateCandidates(huge, {})).toThrowError(/^replicas: the search space has [\d,]+ candidates/);
  });

  it('with P/D splits and every KV dtype', () => {
    const count = countCandidates(huge, { allowDisaggregation: true, kvDtypes: ['bf16', 'fp8'], disaggMaxPp: 2 });
    expect(count.tooLarge).toBe(true);
    expect(count.disaggregated).toBeGreaterThan(count.colocated);
    expect(() => enumerateCandidates(huge, { allowDisaggregation: true })).toThrowError(/^allowDisaggregation:/);
  });

  it('maxCandidates has a hard ceiling, named with the option', () => {
    expect(() => resolveOptions(huge, { maxCandidates: 25_700_000 })).toThrowError(SearchOptionError);
    expect(() => resolveOptions(huge, { maxCandidates: 25_700_000 })).toThrowError(
      /^maxCandidates: 25,700,000 is over the hard ceiling of 10,000,000 candidates; narrow the space/,
    );
    expect(resolveOptions(huge, { maxCandidates: MAX_CANDIDATES_CEILING }).maxCandidates).toBe(10_000_000);
    expect(() => resolveOptions(huge, { maxRejected: 2_000_000 })).toThrowError(/^maxRejected: .*\[0, 100000\]/);
  });
});
