/**
 * Property: with the measured kernel profiles loaded, no op of a small decode step runs faster than the bytes it
 * must stream from HBM at the datasheet bandwidth (weights of every GEMM, each sequence's KV), on any profiled GPU
 * and engine. The tables alone break this (cache-resident microbenchmark loops, shared KV pages): iteration.ts
 * holds such readings at the bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesPerElement } from '../hardware/dtype.ts';
import { getGpu } from '../hardware/gpus.ts';
import { loadAllKernelProfiles } from '../kernels/registry.ts';
import { parseScenario } from '../scenario/validate.ts';
import { uniformShape } from './batch.ts';
import { resolveDeployment } from './deployment.ts';
import { iterationCost } from './iteration.ts';

await loadAllKernelProfiles();

/** K·N of a GEMM op's shape label ("M=5 K=512 N=4096"; iteration.ts writes 10,000 and up in whole k). */
function kTimesN(shape: string): number {
  const num = (x: string) => parseFloat(x) * (x.endsWith('k') ? 1e3 : 1);
  const m = /K=(\S+) N=(\S+)/.exec(shape);
  if (!m) throw new Error(`GEMM shape without K and N: ${shape}`);
  return num(m[1]!) * num(m[2]!);
}

const GPUS = ['h100-sxm', 'h200', 'b200', 'b300', 'a100-80gb', 'l40s'] as const;
const MODELS = ['llama-3.1-8b', 'llama-3.1-70b', 'qwen3-32b'] as const;

describe('measured ops respect the HBM bound', () => {
  it('every GEMM and attention op of a ≤ 16-sequence decode step takes at least its bytes over datasheet HBM', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...GPUS),
        fc.constantFrom('vllm', 'sglang', 'trtllm'),
        fc.constantFrom(...MODELS),
        fc.constantFrom('bf16', 'fp8'),
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 16, max: 32_768 }),
        (gpu, engine, model, dtype, tp, seqs, ctx) => {
          const p = parseScenario({
            version: 1,
            model,
            precision: { weights: dtype, activations: dtype, kvCache: dtype },
            cluster: { gpu, nodes: 1, gpusPerNode: 8 },
            plan: { tp },
            runtime: { engine: { name: engine } },
          });
          if (!p.ok) return;
          const dep = resolveDeployment(p.scenario);
          const peak = getGpu(gpu)!.memoryBandwidthGBps * 1e9;
          const ops = iterationCost(dep, uniformShape(seqs, ctx, 1, true, null), true).ops!;
          const weightBytes = bytesPerElement(dtype);
          for (const o of ops.filter((x) => x.kind === 'gemm' || x.kind === 'attention')) {
            // A GEMM streams its K × N weights (read from a label rounded to whole k: 5 % slack); decode attention its
            // bytes (the sequences' KV).
            const streamed = o.kind === 'gemm' ? 0.95 * kTimesN(o.shape) * weightBytes : 0.999 * o.bytes;
            expect(o.timeS, `${o.name} ${o.shape}`).toBeGreaterThanOrEqual(streamed / peak);
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
