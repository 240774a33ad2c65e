import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from '../scenario/validate.ts';
import { MODEL_IDS } from '../model/catalog.ts';
import { countParams } from '../model/params.ts';
import { getModel } from '../model/catalog.ts';
import { resolveDeployment, ScenarioError } from './deployment.ts';
import { memoryReport, weightBytesPerGpu } from './memory.ts';
import { steadyState } from './estimator.ts';

function deployment(input: Record<string, unknown>) {
  const p = parseScenario({ version: 1, cluster: { gpu: 'h100-sxm', nodes: 8, gpusPerNode: 8 }, ...input });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return { dep: resolveDeployment(p.scenario), scenario: p.scenario };
}

const TPS = [1, 2, 4, 8] as const;

describe('memory model', () => {
  it('TP shards sum to the whole: weights over all GPUs of one instance ≈ the parameter bytes', () => {
    for (const id of ['llama-3.1-70b', 'qwen3-32b', 'mixtral-8x7b']) {
      const params = countParams(getModel(id)!).totalParams;
      for (const tp of TPS) {
        const { dep } = deployment({ model: id, plan: { tp } });
        // Linear layers split exactly; norms are replicated, so the sum can only exceed by their size.
        const sum = weightBytesPerGpu(dep, 0) * tp;
        expect(sum / (params * 2)).toBeGreaterThanOrEqual(1);
        expect(sum / (params * 2)).toBeLessThan(1.002);
      }
    }
  });

  it('pipeline stages hold all layers exactly once', () => {
    const { dep } = deployment({ model: 'llama-3.1-70b', plan: { tp: 2, pp: 3 } });
    expect(dep.instance.stageLayers).toEqual([27, 27, 26]);
    const total = [0, 1, 2].reduce((a, s) => a + weightBytesPerGpu(dep, s), 0) * 2;
    expect(total / (countParams(dep.model).totalParams * 2)).toBeCloseTo(1, 2);
  });

  it('property: memory figures are never negative and a larger TP never raises weights per GPU', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODEL_IDS),
        fc.constantFrom('bf16', 'fp8', 'int4'),
        fc.double({ min: 0.3, max: 0.98, noNaN: true }),
        fc.integer({ min: 16, max: 65536 }),
        (model, weights, util, tokens) => {
          let prev = Infinity;
          for (const tp of TPS) {
            let dep;
            try {
              dep = deployment({
                model,
                precision: { weights, activations: 'bf16', kvCache: 'bf16' },
                plan: { tp },
                runtime: { gpuMemoryUtilization: util, maxBatchedTokens: tokens },
              }).dep;
            } catch (e) {
              if (e instanceof ScenarioError) continue; // tp does not divide the heads
              throw e;
            }
            const mem = memoryReport(dep);
            for (const g of mem.perGpu) {
              for (const v of [g.weightsGB, g.kvCacheGB, g.activationsGB, g.reservedGB, g.totalGB])
                expect(v).toBeGreaterThanOrEqual(0);
            }
            expect(mem.maxKvTokens).toBeGreaterThanOrEqual(0);
            const w = mem.perGpu[0]!.weightsGB;
            expect(w).toBeLessThanOrEqual(prev + 1e-9);
            prev = w;
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('property: KV capacity is monotone in GPU memory', () => {
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 400 }), fc.integer({ min: 1, max: 200 }), (memA, extra) => {
        const cap = (memoryGB: number) =>
          memoryReport(
            deployment({
              model: 'llama-3.1-8b',
              plan: { tp: 1 },
              cluster: { gpu: 'h100-sxm', gpuOverrides: { memoryGB } },
            }).dep,
          ).maxKvTokens;
        expect(cap(memA + extra)).toBeGreaterThanOrEqual(cap(memA));
      }),
      { numRuns: 30 },
    );
  });

  it('property: more DP replicas never lower total throughput or total KV capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), (dp) => {
        const a = deployment({ model: 'llama-3.1-8b', plan: { tp: 1, dp } });
        const b = deployment({ model: 'llama-3.1-8b', plan: { tp: 1, dp: dp + 1 } });
        const thr = (x: typeof a) => steadyState(x.dep, x.scenario.workload).outputTokPerSecPerInstance * x.dep.dp;
        expect(thr(b)).toBeGreaterThanOrEqual(thr(a) * 0.999);
        expect(memoryReport(b.dep).maxKvTokens * (dp + 1)).toBeGreaterThanOrEqual(memoryReport(a.dep).maxKvTokens * dp);
      }),
      { numRuns: 7 },
    );
  });

  it('a plan that does not fit says by how much and what takes the memory', () => {
    const { dep } = deployment({ model: 'llama-3.1-70b', plan: { tp: 1 } });
    const mem = memoryReport(dep);
    expect(mem.fits).toBe(false);
    // 70.55 B params × 2 B = 141 GB of weights on one 80 GB GPU.
    expect(mem.perGpu[0]!.weightsGB).toBeCloseTo(141.1, 0);
    expect(mem.shortfallGB).toBeGreaterThan(60);
    expect(mem.explanation).toMatch(/Does not fit by \d+\.\d GB per GPU — stage 0: weights 141\.\d GB/);
  });

  it('KV bytes per token: Llama-3.1-70B at fp8 is half of bf16 (327,680 B from the config)', () => {
    expect(memoryReport(deployment({ model: 'llama-3.1-70b', plan: { tp: 8 } }).dep).kvBytesPerToken).toBe(327680);
    expect(
      memoryReport(deployment({ model: 'llama-3.1-70b', precision: { kvCache: 'fp8' }, plan: { tp: 8 } }).dep)
        .kvBytesPerToken,
    ).toBe(163840);
  });

  it('MLA keeps the latent replicated on every TP rank (DeepSeek-V3: 576 × 61 layers)', () => {
    const { dep } = deployment({
      model: 'deepseek-v3',
      cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 },
      precision: { weights: 'fp8', activations: 'fp8', kvCache: 'bf16' },
      plan: { tp: 8, ep: 8 },
    });
    const mem = memoryReport(dep);
    expect(mem.kvBytesPerToken).toBe(70272);
    const kvPerTokenPerGpu = (mem.perGpu[0]!.kvCacheGB * 1e9) / mem.maxKvTokensPerGroup;
    expect(kvPerTokenPerGpu).toBeCloseTo(70272, -1);
  });
});
