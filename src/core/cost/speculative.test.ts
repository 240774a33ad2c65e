import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioSchema, type ScenarioInput } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { expectedAcceptedTokens } from '../spec/acceptance.ts';
import { uniformShape, widenDecode } from './batch.ts';
import { resolveDeployment, ScenarioError } from './deployment.ts';
import { decodeStepS, steadyState } from './estimator.ts';
import { iterationCost } from './iteration.ts';
import { memoryReport } from './memory.ts';
import { draftWeightBytesPerGpu, specPlanOf, specStepCost, tokensPerDecodeStep } from './speculative.ts';

const FP8 = { weights: 'fp8', activations: 'fp8', kvCache: 'bf16' } as const;

function scenario(
  model: string,
  gpu: string,
  tp: number,
  speculative?: ScenarioInput['runtime'] extends infer R ? (R extends { speculative?: infer S } ? S : never) : never,
  users = 32,
  precision: ScenarioInput['precision'] = {},
) {
  return scenarioSchema.parse({
    version: 1,
    model,
    cluster: { gpu, nodes: 1, gpusPerNode: 8 },
    precision,
    plan: { tp },
    runtime: speculative ? { speculative } : {},
    workload: { inputTokens: 1024, outputTokens: 512, arrival: { kind: 'concurrency', users } },
  });
}

describe('schema', () => {
  it('old scenarios (no speculative field) parse unchanged; a valid setting parses', () => {
    const old = parseScenario({ version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' } });
    expect(old.ok && old.scenario.runtime.speculative).toBe(undefined);
    const on = parseScenario({
      version: 1,
      model: 'deepseek-v3',
      cluster: { gpu: 'h200' },
      runtime: { speculative: { method: 'mtp', draftTokens: 1, acceptanceRate: 0.85 } },
    });
    expect(on.ok && on.scenario.runtime.speculative).toEqual({ method: 'mtp', draftTokens: 1, acceptanceRate: 0.85 });
  });
  it('bad settings name the field and the allowed range', () => {
    const bad = (speculative: unknown) =>
      parseScenario({ version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' }, runtime: { speculative } });
    expect(bad({ method: 'medusa', draftTokens: 2 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/runtime\.speculative\.method must be one of mtp, eagle, eagle3, ngram/)],
    });
    expect(bad({ method: 'eagle', draftTokens: 9 })).toMatchObject({
      errors: [expect.stringMatching(/runtime\.speculative\.draftTokens must be at most 8/)],
    });
    expect(bad({ method: 'eagle', draftTokens: 2, acceptanceRate: 1.2 })).toMatchObject({
      errors: [expect.stringMatching(/runtime\.speculative\.acceptanceRate must be at most 1/)],
    });
  });
  it('refuses MTP on a model without MTP heads, naming runtime.speculative.method', () => {
    const s = scenario('llama-3.1-8b', 'h100-sxm', 1, { method: 'mtp', draftTokens: 1 });
    expect(() => resolveDeployment(s)).toThrow(ScenarioError);
    expect(() => resolveDeployment(s)).toThrow(/^runtime\.speculative\.method: mtp needs multi-token-prediction heads/);
  });
});

describe('verify step shape', () => {
  it('widens each decode to k + 1 positions, all sampled, still a decode batch', () => {
    // 4 sequences at 100 cached tokens, k = 3: 16 positions, 16 logits, keys 4·(100 + 4) = 416.
    const w = widenDecode(uniformShape(4, 100, 1, true, null), 4);
    expect(w).toMatchObject({ tokens: 16, logitTokens: 16, seqs: 4, decodeSeqs: 4, decodeOnly: true, decodeWidth: 4 });
    expect(w.decodeKvReadTokens).toBe(416);
    // The prefill share of the pairs stays 0.
    expect(w.attnPairs - w.decodeKvReadTokens).toBe(0);
    expect(widenDecode(uniformShape(4, 100, 1, true, null), 1)).toEqual(uniformShape(4, 100, 1, true, null));
  });
  it('a verify of k + 1 positions costs more than one decode and less than k + 1 decodes at small batch', () => {
    const dep = resolveDeployment(scenario('llama-3.1-8b', 'h100-sxm', 1));
    const one = iterationCost(dep, uniformShape(8, 2000, 1, true, null)).timeS;
    const verify = iterationCost(dep, widenDecode(uniformShape(8, 2000, 1, true, null), 4)).timeS;
    expect(verify).toBeGreaterThan(one);
    // Memory-bound decode: reading the weights and KV once serves all 4 positions.
    expect(verify).toBeLessThan(2 * one);
  });
});

describe('cost', () => {
  it('off is exactly the plain decode; on emits E(a, k) per step', () => {
    const off = resolveDeployment(scenario('deepseek-v3', 'h200', 8, undefined, 32, FP8));
    expect(specPlanOf(off)).toBeNull();
    expect(tokensPerDecodeStep(off)).toBe(1);
    const on = resolveDeployment(scenario('deepseek-v3', 'h200', 8, { method: 'mtp', draftTokens: 1 }, 32, FP8));
    expect(tokensPerDecodeStep(on)).toBeCloseTo(expectedAcceptedTokens(0.85, 1), 12);
    const sc = specStepCost(on, specPlanOf(on)!, 32, 1280);
    expect(sc.draftS).toBeGreaterThan(0);
    expect(sc.stepS).toBeCloseTo(decodeStepS(on, 32, 1280), 12);
  });

  it('DeepSeek-V3 MTP-1 at 0.85 on 8×H200 fp8: faster per user at low load; draft weights ≈ one MoE layer', () => {
    const sOff = scenario('deepseek-v3', 'h200', 8, undefined, 1, FP8);
    const sOn = scenario('deepseek-v3', 'h200', 8, { method: 'mtp', draftTokens: 1 }, 1, FP8);
    const base = steadyState(resolveDeployment(sOff), sOff.workload);
    const depOn = resolveDeployment(sOn);
    const on = steadyState(depOn, sOn.workload);
    const speedup = base.tpotS / on.tpotS;
    // Bounded by E = 1.85 (the verify and draft are not free); the report measured ≈1.8× TPS.
    expect(speedup).toBeGreaterThan(1.3);
    expect(speedup).toBeLessThan(1.85);
    // One DeepSeek-V3 MoE layer: 256 experts × 3·7168·2048 ≈ 11.3 B params, fp8, over 8 GPUs ≈ 1.4 GB.
    const gb = draftWeightBytesPerGpu(depOn) / 1e9;
    expect(gb).toBeGreaterThan(1.3);
    expect(gb).toBeLessThan(1.7);
    // The draft's KV layer and weights leave room for fewer sequences.
    expect(memoryReport(depOn).maxKvTokensPerGroup).toBeLessThan(base.memory.maxKvTokensPerGroup);
  });

  it('property: with acceptance 0 speculation never helps (per-token decode time, throughput, capacity)', () => {
    const cases = [
      ['llama-3.1-8b', 'h100-sxm', 1, ['eagle', 'eagle3', 'ngram']],
      ['qwen3-30b-a3b', 'h200', 2, ['eagle', 'ngram']],
      ['deepseek-v3', 'h200', 8, ['mtp', 'eagle3']],
      ['qwen3.5-35b-a3b', 'b200', 1, ['mtp', 'ngram']],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.nat(3),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 512 }),
        fc.integer({ min: 16, max: 16_000 }),
        ([model, gpu, tp, methods], mi, k, seqs, ctx) => {
          const method = methods[mi % methods.length]!;
          const prec = model === 'deepseek-v3' ? FP8 : {};
          const sBase = scenario(model, gpu, tp, undefined, seqs, prec);
          const sSpec = scenario(model, gpu, tp, { method, draftTokens: k, acceptanceRate: 0 }, seqs, prec);
          const base = resolveDeployment(sBase);
          const spec = resolveDeployment(sSpec);
          const perTokBase = decodeStepS(base, seqs, ctx);
          const perTokSpec = decodeStepS(spec, seqs, ctx) / tokensPerDecodeStep(spec);
          expect(perTokSpec).toBeGreaterThanOrEqual(perTokBase * (1 - 1e-9));
          const a = steadyState(base, sBase.workload);
          const b = steadyState(spec, sSpec.workload);
          expect(b.outputTokPerSecPerInstance).toBeLessThanOrEqual(a.outputTokPerSecPerInstance * (1 + 1e-9));
          expect(b.maxConcurrency).toBeLessThanOrEqual(a.maxConcurrency);
          if (b.concurrency === a.concurrency) expect(b.tpotS).toBeGreaterThanOrEqual(a.tpotS * (1 - 1e-9));
        },
      ),
      { numRuns: 40, seed: 13 },
    );
  });
});
