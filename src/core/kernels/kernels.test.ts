import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { getGpu } from '../hardware/gpus.ts';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { uniformShape } from '../cost/batch.ts';
import { iterationCost } from '../cost/iteration.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { ScenarioInput } from '../scenario/schema.ts';
import { decodeGrid, decodeLogUs } from './codec.ts';
import { interpolateUs } from './interp.ts';
import {
  kernelBasisOf,
  measuredCollectiveS,
  measuredDecodeAttentionS,
  decodeTableSlowdown,
  DECODE_TABLE_MAX_SLOWDOWN,
  measuredGemmS,
  measuredMlaPrefillS,
  measuredMoeS,
  measuredPrefillAttentionS,
  prefillTableSpeedup,
  type MeasuredKernels,
} from './measured.ts';
import { clearKernelProfiles, loadKernelProfile, registerKernelProfile } from './registry.ts';
import h200Sglang from './profiles/h200_sxm.sglang.json';
import h100Vllm from './profiles/h100_sxm.vllm.json';
import b200Trtllm from './profiles/b200_sxm.trtllm.json';
import b200Vllm from './profiles/b200_sxm.vllm.json';
import h100Trtllm from './profiles/h100_sxm.trtllm.json';
import h200Vllm from './profiles/h200_sxm.vllm.json';
import l40sSglang from './profiles/l40s.sglang.json';
import type { Grid, KernelProfileJson } from './types.ts';

const PROFILES_DIR = new URL('./profiles/', import.meta.url);

function kernelsFor(gpuId: string, engine: 'vllm' | 'sglang' | 'trtllm'): MeasuredKernels {
  const mk = kernelBasisOf({ gpu: getGpu(gpuId)!, runtime: { engine: { name: engine } } }).kernels;
  if (!mk) throw new Error(`no kernels for ${gpuId} ${engine}`);
  return mk;
}

/** A synthetic grid: latency(x, y) = 3 + x^0.7 · y^0.3 µs on log-spaced axes. */
function syntheticGrid(): { grid: Grid; f: (x: number, y: number) => number } {
  const xs = [1, 4, 16, 64, 256];
  const ys = [2, 8, 32];
  const f = (x: number, y: number) => 3 + x ** 0.7 * y ** 0.3;
  const q: number[] = [];
  let prev = 0;
  for (const x of xs)
    for (const y of ys) {
      const v = Math.round(100 * Math.log2(f(x, y)));
      q.push(v - prev);
      prev = v;
    }
  return { grid: decodeGrid([xs, ys], q), f };
}

afterEach(() => clearKernelProfiles());

describe('codec', () => {
  it('undoes the delta coding and keeps gaps as NaN', () => {
    const v = decodeLogUs([700, 10, null, -20]);
    expect([...v].slice(0, 2)).toEqual([7, 7.1]);
    expect(Number.isNaN(v[2]!)).toBe(true);
    expect(v[3]).toBeCloseTo(6.9, 12);
  });
});

describe('log-space multilinear interpolation', () => {
  const { grid, f } = syntheticGrid();

  it('returns the stored latency exactly on every grid point', () => {
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 3; j++) {
        const x = grid.axes[0]![i]!;
        const y = grid.axes[1]![j]!;
        const stored = 2 ** grid.logUs[i * 3 + j]!;
        expect(interpolateUs(grid, [x, y])).toBeCloseTo(stored, 9);
        // Quantisation (100·log2) keeps the stored value within 0.35 % of the true one.
        expect(Math.abs(stored / f(x, y) - 1)).toBeLessThan(0.0035);
      }
  });

  it('is NaN outside the measured range (the caller falls back to the roofline)', () => {
    expect(interpolateUs(grid, [0.5, 8])).toBeNaN();
    expect(interpolateUs(grid, [300, 8])).toBeNaN();
    expect(interpolateUs(grid, [16, 64])).toBeNaN();
  });

  it('is monotone along each axis and bounded by the bracketing corners', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 256, noNaN: true }),
        fc.double({ min: 1, max: 256, noNaN: true }),
        fc.double({ min: 2, max: 32, noNaN: true }),
        (a, b, y) => {
          const lo = Math.min(a, b);
          const hi = Math.max(a, b);
          const tLo = interpolateUs(grid, [lo, y]);
          const tHi = interpolateUs(grid, [hi, y]);
          expect(tHi).toBeGreaterThanOrEqual(tLo * (1 - 1e-12));
          expect(tLo).toBeGreaterThanOrEqual(2 ** Math.min(...grid.logUs) * (1 - 1e-12));
          expect(tHi).toBeLessThanOrEqual(2 ** Math.max(...grid.logUs) * (1 + 1e-12));
          // A power law between grid points: within 5 % of the smooth truth.
          expect(Math.abs(tLo / f(lo, y) - 1)).toBeLessThan(0.05);
        },
      ),
    );
  });
});

describe('measured profiles', () => {
  it('keeps every committed profile at most 60 KB gzip', () => {
    const files = readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(18);
    for (const f of files) {
      const gz = gzipSync(readFileSync(new URL(f, PROFILES_DIR))).length;
      expect(gz, f).toBeLessThanOrEqual(60 * 1024);
    }
  });

  it('reproduces a real GEMM row: H200 SGLang fp8 256×65536×12288 = 0.5509 ms (gemm_perf.parquet)', () => {
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const mk = kernelsFor('h200', 'sglang');
    expect(measuredGemmS(mk, 'fp8', 256, 12288, 65536) * 1e3).toBeCloseTo(0.5509, 2);
    // bf16 4096³ row: 0.1842 ms.
    expect(Math.abs((measuredGemmS(mk, 'bf16', 4096, 4096, 4096) * 1e3) / 0.1842 - 1)).toBeLessThan(0.01);
  });

  it('reproduces a real MLA prefill row: H200 SGLang, 1 × 4096 tokens, 128 heads = 3.659 ms (context_mla_perf)', () => {
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const mk = kernelsFor('h200', 'sglang');
    const pairs = (4096 * 4096) / 2;
    expect(Math.abs((measuredMlaPrefillS(mk, 'bf16', 1, pairs, 128) * 1e3) / 3.6585 - 1)).toBeLessThan(0.01);
  });

  it('prices a small NVLink all-reduce at microseconds, not the 2 µs of an α–β model with no floor', () => {
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const mk = kernelsFor('h200', 'sglang');
    // SGLang custom all-reduce, 8 GPUs, 16 KB bf16: eager 21.9 µs, graph 4.7 µs (custom_allreduce_perf.parquet).
    expect(measuredCollectiveS(mk, 'all-reduce', 16384, 8, false) * 1e6).toBeCloseTo(21.9, 0);
    expect(measuredCollectiveS(mk, 'all-reduce', 16384, 8, true) * 1e6).toBeCloseTo(4.7, 0);
    // NCCL all-gather has a floor: a 100-byte message costs what the smallest measured one does.
    const tiny = measuredCollectiveS(mk, 'all-gather', 100, 8, false);
    expect(tiny * 1e6).toBeGreaterThan(5);
    expect(tiny).toBe(measuredCollectiveS(mk, 'all-gather', 512, 8, false));
  });

  it('refuses a decode-attention table that reads KV far slower than HBM (B200 TensorRT-LLM) and keeps the others', () => {
    registerKernelProfile(b200Trtllm as KernelProfileJson, ['b200']);
    registerKernelProfile(b200Vllm as KernelProfileJson, ['b200']);
    const hbm = getGpu('b200')!.memoryBandwidthGBps;
    // 256 × 8192 keys × 8 KV heads × 128 × 2 (K, V) bytes: fp8 4.3 GB (0.54 ms at 8 TB/s), bf16 twice that.
    const trt = kernelsFor('b200', 'trtllm');
    expect(decodeTableSlowdown(trt.profile, 'fp8', hbm)).toBeGreaterThan(10);
    expect(decodeTableSlowdown(trt.profile, 'bf16', hbm)).toBeGreaterThan(DECODE_TABLE_MAX_SLOWDOWN);
    expect(trt.rejectedDecode).toEqual(['bf16', 'fp8']);
    expect(measuredDecodeAttentionS(trt, 'fp8', 64, 64 * 2000, 8, 128)).toBeNaN();
    expect(kernelBasisOf({ gpu: getGpu('b200')!, runtime: { engine: { name: 'trtllm' } } }).basis).toMatch(
      /roofline decode attention \(bf16 table reads KV \d+× slower than HBM, fp8 table/,
    );
    const vllm = kernelsFor('b200', 'vllm');
    expect(decodeTableSlowdown(vllm.profile, 'fp8', hbm)).toBeLessThan(1.5);
    expect(vllm.rejectedDecode).toEqual([]);
    expect(measuredDecodeAttentionS(vllm, 'fp8', 64, 64 * 2000, 8, 128)).toBeGreaterThan(0);
  });

  it('refuses a prefill-attention table faster than the peak math (H200 vLLM) and keeps the others', () => {
    registerKernelProfile(h200Vllm as KernelProfileJson, ['h200']);
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const bf16 = getGpu('h200')!.denseTflops.bf16;
    // One 8,192-token prompt, 32 heads of 128: 2.2 TFLOP of causal attention, 2.2 ms at 989 TFLOPS.
    const vllm = kernelsFor('h200', 'vllm');
    expect(prefillTableSpeedup(vllm.profile, 'bf16', bf16)).toBeGreaterThan(5);
    expect(vllm.rejectedPrefill).toContain('bf16');
    expect(measuredPrefillAttentionS(vllm, 'bf16', 1, (8192 * 8193) / 2, 32, 128)).toBeNaN();
    expect(kernelBasisOf({ gpu: getGpu('h200')!, runtime: { engine: { name: 'vllm' } } }).basis).toMatch(
      /roofline prefill attention \(bf16 table \d+× faster than peak math/,
    );
    const sglang = kernelsFor('h200', 'sglang');
    expect(prefillTableSpeedup(sglang.profile, 'bf16', bf16)).toBeLessThan(1);
    expect(sglang.rejectedPrefill).toEqual([]);
    expect(measuredPrefillAttentionS(sglang, 'bf16', 1, (8192 * 8193) / 2, 32, 128)).toBeGreaterThan(0);
  });

  it("holds a GEMM table that beats its weights over HBM (L40S, 96 MB of L2) at the weights' HBM time", () => {
    registerKernelProfile(l40sSglang as KernelProfileJson, ['l40s']);
    const mk = kernelsFor('l40s', 'sglang');
    const peak = getGpu('l40s')!.memoryBandwidthGBps * 1e9;
    // o proj of Llama-3.1-8B at one token: 4096 × 4096 fp8 weights, 16.8 MB, 19.4 µs over 864 GB/s.
    const weightsS = (4096 * 4096) / peak;
    expect(measuredGemmS(mk, 'fp8', 1, 4096, 4096)).toBeLessThan(0.6 * weightsS); // the table: a cache-resident loop
    const p = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
      cluster: { gpu: 'l40s', nodes: 1, gpusPerNode: 1 },
      plan: { tp: 1 },
      runtime: { engine: { name: 'sglang' } },
    });
    if (!p.ok) throw new Error(p.errors.join());
    const ops = iterationCost(resolveDeployment(p.scenario), uniformShape(1, 1024, 1, true, null), true).ops!;
    const gemms = ops.filter((o) => o.kind === 'gemm');
    expect(gemms.length).toBeGreaterThan(3);
    // Every GEMM of a one-token step streams its weights (all but a few KB of its bytes) from HBM.
    for (const o of gemms) expect(o.timeS, o.name).toBeGreaterThanOrEqual((0.999 * o.bytes) / peak);
  });

  it('holds a decode table that reads KV faster than HBM at the bandwidth bound (H100 TensorRT-LLM, 2,048 seqs)', () => {
    registerKernelProfile(h100Trtllm as KernelProfileJson, ['h100-sxm']);
    const mk = kernelsFor('h100-sxm', 'trtllm');
    const peak = getGpu('h100-sxm')!.memoryBandwidthGBps * 1e9;
    // One fp8 KV head of dim 128: 256 bytes a key (K + V). 2,048 sequences × 1,500 keys = 786 MB.
    const keys = 2048 * 1500;
    const boundS = (keys * 256) / peak;
    const table = measuredDecodeAttentionS(mk, 'fp8', 2048, keys, 1, 128);
    expect(table).toBeLessThan(0.8 * boundS); // the raw table: faster than the 3.35 TB/s datasheet
    const held = measuredDecodeAttentionS(mk, 'fp8', 2048, keys, 1, 128, 256 / peak);
    expect(held).toBeGreaterThanOrEqual(boundS);
    expect(held).toBeLessThan(1.2 * boundS); // the slope held, the fixed part (µs) kept
    // One sequence reads slower than the bound already and is left as measured.
    expect(measuredDecodeAttentionS(mk, 'fp8', 1, 4096, 1, 128, 256 / peak)).toBe(
      measuredDecodeAttentionS(mk, 'fp8', 1, 4096, 1, 128),
    );
  });

  it('keeps decode attention affine in the KV read (simulator decode coefficients stay exact)', () => {
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const mk = kernelsFor('h200', 'sglang');
    const t = (k: number) => measuredDecodeAttentionS(mk, 'bf16', 64, k, 8, 128);
    const a = t(64_000);
    const b = t(192_000);
    const c = t(320_000);
    expect(c - b).toBeCloseTo(b - a, 12);
    expect(b).toBeGreaterThan(a);
  });

  it('uses the measured MoE layer for a measured shape and transfers the ratio to a neighbour shape', () => {
    registerKernelProfile(h200Sglang as KernelProfileJson, ['h200']);
    const mk = kernelsFor('h200', 'sglang');
    const ds = { dtype: 'fp8_block' as const, hidden: 7168, inter: 2048, topk: 8, experts: 256, tp: 1, ep: 8 };
    const roof = (s: { hidden: number; inter: number }, tokens: number) => (s.hidden * s.inter * tokens) / 1e12;
    const own = measuredMoeS(mk, ds, 512, roof);
    expect(own).toBeGreaterThan(0);
    // The one-token excess over the roofline (launch, routing, permute) stays; the rest scales with the shape.
    const fixed = measuredMoeS(mk, ds, 1, roof) - roof(ds, 1);
    expect(fixed).toBeGreaterThan(10e-6);
    const wider = measuredMoeS(mk, { ...ds, inter: 2 * 2048 + 1 }, 512, roof);
    expect(wider).toBeCloseTo(fixed + ((own - fixed) * 4097) / 2048, 12);
  });

  it("prices a MoE dtype the profile did not measure as its roofline plus the nearest curve's one-token floor", () => {
    registerKernelProfile(h100Vllm as KernelProfileJson, ['h100-sxm']);
    const mk = kernelsFor('h100-sxm', 'vllm');
    // gpt-oss-120b experts: vLLM's H100 profile has no MXFP4 table.
    const oss = { dtype: 'mxfp4_w4a16' as const, hidden: 2880, inter: 2880, topk: 4, experts: 128, tp: 4, ep: 1 };
    expect(mk.profile.moe.some((c) => c.dtype === 'mxfp4_w4a16')).toBe(false);
    const bytesOf = (s: { dtype: string }) => (s.dtype === 'bf16' ? 2 : s.dtype === 'mxfp4_w4a16' ? 0.53 : 1);
    const roof = (s: { dtype: string; hidden: number; inter: number; tp: number }, tokens: number) =>
      (Math.min(tokens, 8) * s.hidden * s.inter * 3 * bytesOf(s)) / s.tp / 3e12;
    const floors = [1, 8, 64].map((t) => measuredMoeS(mk, oss, t, roof) - roof(oss, t));
    // One floor whatever the token count, of the tens of µs the measured small layers show.
    expect(floors[1]).toBeCloseTo(floors[0]!, 12);
    expect(floors[2]).toBeCloseTo(floors[0]!, 12);
    expect(floors[0]).toBeGreaterThan(5e-6);
    expect(floors[0]).toBeLessThan(100e-6);
  });
});

const LLAMA_8X_H100: ScenarioInput = {
  version: 1,
  model: 'llama-3.1-70b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
  plan: { tp: 8 },
} as ScenarioInput;

function evaluate(input: ScenarioInput) {
  const p = parseScenario(input);
  if (!p.ok) throw new Error(p.errors.join('; '));
  return evaluateSteadyState(p.scenario);
}

describe('basis of a result', () => {
  it('names the roofline and the missing profile on an AMD GPU, with its achieved-efficiency source', () => {
    const r = evaluate({ ...LLAMA_8X_H100, cluster: { gpu: 'mi300x', nodes: 1, gpusPerNode: 8 } } as ScenarioInput);
    expect(r.basis).toBe(
      'roofline (no measured profile for AMD Instinct MI300X · vLLM) · achieved efficiencies from aiter tuned GEMM tables and MAMF (ENGINE-FACTS §8.2)',
    );
  });

  it('says when a measured profile exists but was not loaded', () => {
    expect(evaluate(LLAMA_8X_H100).basis).toBe(
      'roofline (measured profile for NVIDIA H100 SXM5 80GB · vLLM 0.19.0 not loaded)',
    );
  });

  it('names GPU, engine and version once loaded, and the nearest profile for another version', async () => {
    await loadKernelProfile('h100-sxm', 'vllm');
    expect(evaluate(LLAMA_8X_H100).basis).toBe('measured kernels · NVIDIA H100 SXM5 80GB · vLLM 0.19.0');
    const other = evaluate({
      ...LLAMA_8X_H100,
      runtime: { engine: { name: 'vllm', version: '0.8.5' } },
    } as ScenarioInput);
    expect(other.basis).toBe(
      'measured kernels · NVIDIA H100 SXM5 80GB · vLLM 0.19.0 (asked 0.8.5; nearest profile 0.19.0)',
    );
  });

  it('scales the profile for a de-rated GPU and says so', () => {
    // 256 sequences, the batch this check was worked out with (vLLM 0.19's default on H100 is 1,024).
    const derated = {
      ...LLAMA_8X_H100,
      runtime: { maxNumSeqs: 256 },
      cluster: { ...LLAMA_8X_H100.cluster, gpuOverrides: { memoryBandwidthGBps: 3350 / 2 } },
    } as ScenarioInput;
    const nominal = { ...LLAMA_8X_H100, runtime: { maxNumSeqs: 256 } } as ScenarioInput;
    const rooflineRatio = evaluate(derated).metrics.tpotMs!.mean / evaluate(nominal).metrics.tpotMs!.mean;
    registerKernelProfile(h100Vllm as KernelProfileJson, ['h100-sxm']);
    const base = evaluate(nominal);
    const slow = evaluate(derated);
    expect(slow.basis).toBe(
      'measured kernels · NVIDIA H100 SXM5 80GB · vLLM 0.19.0 · scaled for gpuOverrides memoryBandwidthGBps',
    );
    // Decode is memory bound: half the bandwidth slows each token (not 2×: launches, host, all-reduces stay), and the
    // measured profile slows by about as much as the roofline does for the same override.
    const ratio = slow.metrics.tpotMs!.mean / base.metrics.tpotMs!.mean;
    expect(ratio).toBeGreaterThan(1.2);
    expect(Math.abs(ratio / rooflineRatio - 1)).toBeLessThan(0.15);
  });
});
