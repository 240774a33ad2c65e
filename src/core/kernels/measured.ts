/**
 * Measured kernel times for one deployment (issue 12): the cost model asks here first and uses the roofline when the
 * answer is NaN (no profile for the GPU/engine, shape outside the measured range, or a dtype the tables lack).
 *
 * Mapping from ParaKV's ops to the tables (scripts/distill-kernels.mjs):
 * - GEMM [M×K]·[K×N] → gemm grid (m, n, k) of the math dtype; above the largest measured M the time scales
 *   linearly in M from the edge (more rows of the same tiles, compute bound).
 * - prefill attention of b sequences with P causal pairs → context grid (b, isl_eq, heads) with isl_eq = √(2P/b),
 *   the from-scratch prompt with the same work; head_dim ≠ 128 scales with head_dim (FLOPs ∝ d).
 * - MLA prefill → the context_mla grid (b, isl_eq, heads per GPU) where the engine has one (SGLang, TRT-LLM);
 * - decode attention of b sequences reading K keys → floor(b, kvHeads) + perToken(b, kvHeads) · K/b (affine in K,
 *   so the simulator's decode coefficients stay exact); head_dim scales the per-token part (bytes ∝ d).
 * - MoE layer (routing, permute, grouped GEMMs, unpermute) → the curve of the same (dtype, hidden, inter, topk,
 *   experts, moe_tp, moe_ep), interpolated in tokens; another expert shape on the same (dtype, tp, ep) transfers the
 *   nearest measured shape's measured/roofline ratio (`moeRooflineS`).
 * - all-reduce → the engine's custom all-reduce (CUDA-graph or eager), else NCCL; all-gather / reduce-scatter /
 *   all-to-all → NCCL; inside the NVLink domain only. Below the smallest measured message the latency floor holds.
 * A GPU override (cluster.gpuOverrides) on a profiled GPU scales each measured time by roofline(override) /
 * roofline(catalog GPU) of that op, and the basis says so.
 */
import type { GpuSpec } from '../hardware/types.ts';
import { getGpu } from '../hardware/gpus.ts';
import { parseVersion } from '../engine/resolve.ts';
import { achievedEfficiencyFor } from './efficiency.ts';
import { axisMax, axisMin, interpolateUs1, interpolateUs2, interpolateUs3 } from './interp.ts';
import { engineOf, kernelProfile, kernelRegistryGeneration, profileEntry } from './registry.ts';
import type { GemmDtype, Grid, KernelEngine, KernelProfile, KvDtype, MoeCurve, MoeDtype, MoeShape } from './types.ts';

const ENGINE_LABEL: Record<KernelEngine, string> = { vllm: 'vLLM', sglang: 'SGLang', trtllm: 'TensorRT-LLM' };

export interface MeasuredKernels {
  profile: KernelProfile;
  /** Catalog-GPU rate / deployment-GPU rate (1 without overrides): multiply a base time by these. */
  computeScale: number;
  memoryScale: number;
  linkScale: number;
  /**
   * Decode-attention tables refused as not bandwidth-bound (decodeTableSlowdown above DECODE_TABLE_MAX_SLOWDOWN);
   * those ops keep their roofline time.
   */
  rejectedDecode: readonly KvDtype[];
  /** Prefill-attention tables refused as faster than the GPU's peak math (prefillTableSpeedup above 1). */
  rejectedPrefill: readonly KvDtype[];
}

export interface KernelBasis {
  /** e.g. "measured kernels · H200 · SGLang 0.5.9" or "roofline (no measured profile for MI300X)". */
  basis: string;
  kernels: MeasuredKernels | null;
}

interface DeploymentLike {
  gpu: GpuSpec;
  runtime: { engine?: { name: KernelEngine; version?: string | undefined } | undefined };
}

const cache = new WeakMap<object, { gen: number; value: KernelBasis }>();

const ratio = (base: number | null | undefined, now: number | null | undefined): number =>
  base && now && base > 0 && now > 0 ? base / now : 1;

/** Which fields of the deployment's GPU differ from the catalog entry the profile was measured on. */
function overriddenFields(base: GpuSpec, gpu: GpuSpec): string[] {
  const out: string[] = [];
  if (base.memoryBandwidthGBps !== gpu.memoryBandwidthGBps) out.push('memoryBandwidthGBps');
  if (base.denseTflops.bf16 !== gpu.denseTflops.bf16) out.push('bf16Tflops');
  if (base.denseTflops.fp8 !== gpu.denseTflops.fp8) out.push('fp8Tflops');
  if (base.denseTflops.fp4 !== gpu.denseTflops.fp4) out.push('fp4Tflops');
  if (base.scaleUpGBps !== gpu.scaleUpGBps) out.push('scaleUpGBps');
  return out;
}

/** The basis and measured kernels of a deployment (cached per Deployment and registry generation). */
export function kernelBasisOf(dep: DeploymentLike): KernelBasis {
  const gen = kernelRegistryGeneration();
  const hit = cache.get(dep);
  if (hit && hit.gen === gen) return hit.value;
  const value = resolveBasis(dep);
  cache.set(dep, { gen, value });
  return value;
}

function resolveBasis(dep: DeploymentLike): KernelBasis {
  const engine = engineOf(dep.runtime);
  const gpuName = dep.gpu.name;
  const entry = profileEntry(dep.gpu.id, engine);
  if (!entry) {
    const eff = achievedEfficiencyFor(dep.gpu.id);
    const basis = `roofline (no measured profile for ${gpuName} · ${ENGINE_LABEL[engine]})`;
    return { basis: eff ? `${basis} · ${eff.source}` : basis, kernels: null };
  }
  const profile = kernelProfile(dep.gpu.id, engine);
  const label = `${gpuName} · ${ENGINE_LABEL[engine]} ${entry.engineVersion}`;
  if (!profile) return { basis: `roofline (measured profile for ${label} not loaded)`, kernels: null };
  const base = getGpu(dep.gpu.id) ?? dep.gpu;
  const fields = overriddenFields(base, dep.gpu);
  const rejected = (['bf16', 'fp8'] as const)
    .map((kv) => ({ kv, slowdown: decodeTableSlowdown(profile, kv, base.memoryBandwidthGBps) }))
    .filter((r) => r.slowdown > DECODE_TABLE_MAX_SLOWDOWN);
  const tooFast = (['bf16', 'fp8'] as const)
    .map((kv) => ({ kv, speedup: prefillTableSpeedup(profile, kv, base.denseTflops[kv] ?? base.denseTflops.bf16) }))
    .filter((r) => r.speedup > 1);
  const kernels: MeasuredKernels = {
    profile,
    computeScale: ratio(base.denseTflops.bf16, dep.gpu.denseTflops.bf16),
    memoryScale: ratio(base.memoryBandwidthGBps, dep.gpu.memoryBandwidthGBps),
    linkScale: ratio(base.scaleUpGBps, dep.gpu.scaleUpGBps),
    rejectedDecode: rejected.map((r) => r.kv),
    rejectedPrefill: tooFast.map((r) => r.kv),
  };
  let basis = `measured kernels · ${label}`;
  if (rejected.length)
    basis += ` · roofline decode attention (${rejected
      .map((r) => `${r.kv} table reads KV ${r.slowdown.toFixed(0)}× slower than HBM`)
      .join(', ')})`;
  if (tooFast.length)
    basis += ` · roofline prefill attention (${tooFast
      .map((r) => `${r.kv} table ${r.speedup.toFixed(0)}× faster than peak math`)
      .join(', ')})`;
  const asked = dep.runtime.engine?.version;
  if (asked && !sameRelease(asked, entry.engineVersion))
    basis += ` (asked ${asked}; nearest profile ${entry.engineVersion})`;
  if (fields.length) basis += ` · scaled for gpuOverrides ${fields.join(', ')}`;
  return { basis, kernels };
}

/**
 * A measured time rescaled to the deployment's GPU: the op's roofline parts (compute s, memory s, computed at the
 * deployment's rates) say how much of it each rate governs.
 */
export function scaleToGpu(mk: MeasuredKernels, measuredS: number, computeS: number, memoryS: number): number {
  if (mk.computeScale === 1 && mk.memoryScale === 1) return measuredS;
  const now = Math.max(computeS, memoryS);
  const base = Math.max(computeS / mk.computeScale, memoryS / mk.memoryScale);
  return base > 0 ? (measuredS * now) / base : measuredS;
}

/** Table dtype of a GEMM whose weights are `weights` and math runs in `math`; null when no table fits. */
export function gemmTableDtype(weightBytes: number, math: string): GemmDtype | null {
  if (weightBytes >= 2 && (math === 'bf16' || math === 'fp16')) return 'bf16';
  if (weightBytes === 1 && math === 'fp8') return 'fp8';
  if (weightBytes < 1 && weightBytes > 0.5 && math === 'fp4') return 'nvfp4';
  return null;
}

/** Seconds of one measured GEMM (M tokens, K in, N out), NaN when not covered. */
export function measuredGemmS(mk: MeasuredKernels, dtype: GemmDtype, m: number, k: number, n: number): number {
  const g = mk.profile.gemm[dtype] ?? (dtype === 'fp8' ? mk.profile.gemm.fp8_block : undefined);
  if (!g) return NaN;
  const mMax = axisMax(g, 0);
  if (m > mMax) return (interpolateUs3(g, mMax, n, k) * (m / mMax)) / 1e6;
  return interpolateUs3(g, m, n, k) / 1e6;
}

/** Reference prompt for the prefill plausibility check: one 8,192-token prompt, 32 heads of dim 128. */
const PREFILL_CHECK = { batch: 1, isl: 8192, heads: 32, headDim: 128 };

/**
 * How many times faster than the GPU's datasheet peak (`peakTflops`, the table's math) a profile's prefill-attention
 * table runs the reference prompt's causal attention (NaN when the table is absent or does not cover it). Above 1
 * the table cannot be a real measurement of that shape (H200 vLLM: 7×, every head count), so it is not used.
 */
export function prefillTableSpeedup(profile: KernelProfile, kv: KvDtype, peakTflops: number): number {
  const g = profile.attnPrefill[kv];
  if (!g || !(peakTflops > 0)) return NaN;
  const { batch, isl, heads, headDim } = PREFILL_CHECK;
  const us = interpolateUs3(g, batch, isl, heads);
  const flops = ((4 * headDim * heads * isl * (isl + 1)) / 2) * batch;
  return flops / (peakTflops * 1e12) / (us / 1e6);
}

/** Seconds of prefill attention: `batch` sequences, `pairs` causal (query, key) pairs in all, NaN when not covered. */
export function measuredPrefillAttentionS(
  mk: MeasuredKernels,
  kv: KvDtype,
  batch: number,
  pairs: number,
  heads: number,
  headDim: number,
): number {
  const table: KvDtype = mk.profile.attnPrefill[kv] ? kv : 'bf16';
  const g = mk.profile.attnPrefill[table];
  if (!g || batch <= 0 || pairs <= 0 || mk.rejectedPrefill.includes(table)) return NaN;
  const b = Math.max(batch, axisMin(g, 0));
  const isl = Math.sqrt((2 * pairs) / batch);
  return (interpolateUs3(g, b, isl, heads) * (headDim / 128)) / 1e6;
}

/** Seconds of MLA prefill attention (latent attention core, SGLang / TRT-LLM tables), NaN when not covered. */
export function measuredMlaPrefillS(
  mk: MeasuredKernels,
  kv: KvDtype,
  batch: number,
  pairs: number,
  heads: number,
): number {
  const g = mk.profile.mlaPrefill[kv] ?? mk.profile.mlaPrefill.bf16;
  if (!g || batch <= 0 || pairs <= 0) return NaN;
  const b = Math.max(batch, axisMin(g, 0));
  return interpolateUs3(g, b, Math.sqrt((2 * pairs) / batch), heads) / 1e6;
}

/**
 * Decode attention streams the KV cache once per step, so a production kernel runs near the HBM bound at large
 * batch × context (every other measured table, H100 to GB200 and all three engines, lands at 0.3–2.2× the datasheet
 * HBM time at 256 sequences × 8K context). A table this many times slower did not measure the engine's serving
 * kernel (the Blackwell TensorRT-LLM 1.3 tables read 7–16× the HBM time, while vLLM and SGLang on the same GPUs read
 * 0.3–1.3×; the TRT-LLM B200 offline throughput rows agree with the roofline, not with that table); it is refused.
 */
export const DECODE_TABLE_MAX_SLOWDOWN = 4;

/** Reference decode step for the plausibility check: 256 sequences × 8,192 keys, 8 KV heads of dim 128. */
const DECODE_CHECK = { batch: 256, context: 8192, kvHeads: 8, headDim: 128 };

/**
 * How many times slower than the GPU's datasheet HBM bandwidth a profile's decode-attention table reads the KV
 * of the reference step (NaN when the table is absent or does not cover it).
 */
export function decodeTableSlowdown(profile: KernelProfile, kv: KvDtype, hbmGBps: number): number {
  const d = profile.attnDecode[kv];
  if (!d || !(hbmGBps > 0)) return NaN;
  const { batch, context, kvHeads, headDim } = DECODE_CHECK;
  const b = Math.min(Math.max(batch, axisMin(d.floor, 0)), axisMax(d.floor, 0));
  const us = interpolateUs2(d.floor, b, kvHeads) + (interpolateUs2(d.perMTok, b, kvHeads) / 1e6) * context;
  const bytes = b * context * 2 * kvHeads * headDim * (kv === 'fp8' ? 1 : 2);
  return us / 1e6 / (bytes / (hbmGBps * 1e9));
}

/**
 * Seconds of decode attention: `batch` sequences reading `kvTokens` keys in all, NaN when not covered.
 * `minSPerKey` is the time one key's bytes take at the GPU's datasheet HBM bandwidth: every sequence streams its
 * own KV, so no kernel reads a key faster. Some tables do at large batches (H100 TRT-LLM: 2,048 sequences × 512
 * keys of one fp8 KV head in 71 µs, 3.8 TB/s on a 3.35 TB/s part; their sequences share cached pages): the slope
 * in the context is held at that bound, the fixed part kept, so the time stays affine in the keys read.
 */
export function measuredDecodeAttentionS(
  mk: MeasuredKernels,
  kv: KvDtype,
  batch: number,
  kvTokens: number,
  kvHeads: number,
  headDim: number,
  minSPerKey = 0,
): number {
  const table: KvDtype = mk.profile.attnDecode[kv] ? kv : 'bf16';
  const d = mk.profile.attnDecode[table];
  if (!d || batch <= 0 || mk.rejectedDecode.includes(table)) return NaN;
  const b = Math.max(batch, axisMin(d.floor, 0));
  const floorUs = interpolateUs2(d.floor, b, kvHeads);
  const perMTokUs = interpolateUs2(d.perMTok, b, kvHeads);
  const ctx = kvTokens / batch;
  // Seconds per key of context of the whole batch, at least the bandwidth bound of `batch` keys.
  const slopeS = Math.max((perMTokUs / 1e12) * (headDim / 128), batch * minSPerKey);
  return floorUs / 1e6 + slopeS * ctx;
}

function curveUs(c: MoeCurve, tokens: number): number {
  const tMax = axisMax(c.grid, 0);
  if (tokens > tMax) return interpolateUs1(c.grid, tMax) * (tokens / tMax);
  return interpolateUs1(c.grid, tokens);
}

/** Log-distance between two expert shapes (weight size, sparsity). */
function shapeDistance(a: MoeShape, b: MoeShape): number {
  return (
    Math.abs(Math.log((a.hidden * a.inter) / (b.hidden * b.inter))) +
    Math.abs(Math.log(a.experts / a.topk / (b.experts / b.topk)))
  );
}

/**
 * The tables a MoE shape's curve may be read from, nearest kernel class first: per-tensor fp8 falls back to block
 * fp8. The int4 and MXFP4 weight-only kernels do not stand in for each other: priced on vLLM's H100 int4 curves,
 * the gpt-oss-120b (MXFP4) rows of the H100 serving set came out at twice their measured TPOT.
 */
const MOE_TABLE_FALLBACKS: Record<MoeDtype, MoeDtype[]> = {
  bf16: ['bf16'],
  fp8: ['fp8', 'fp8_block'],
  fp8_block: ['fp8_block'],
  nvfp4: ['nvfp4'],
  int4: ['int4'],
  mxfp4_w4a16: ['mxfp4_w4a16'],
};

/** The curve of `dtypes` (any dtype when null) on the same TP × EP split nearest to shape `s`, and its distance. */
function nearestMoeCurve(
  mk: MeasuredKernels,
  s: MoeShape,
  dtypes: readonly MoeDtype[] | null,
): { curve: MoeCurve; distance: number } | null {
  let best: MoeCurve | undefined;
  let bestD = Infinity;
  for (const c of mk.profile.moe) {
    if (c.tp !== s.tp || c.ep !== s.ep || (dtypes !== null && !dtypes.includes(c.dtype))) continue;
    const d = shapeDistance(c, s);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best ? { curve: best, distance: bestD } : null;
}

/**
 * A curve's one-token excess over its own roofline: the launch, routing, top-k and permute time a MoE layer pays
 * whatever its expert shape or weight dtype (small layers measure 20–50 µs at one token in vLLM's H100 tables).
 */
function moeFloorS(c: MoeCurve, rooflineS: (shape: MoeShape, tokens: number) => number): number {
  return Math.max(0, curveUs(c, 1) / 1e6 - rooflineS(c, 1));
}

/**
 * Seconds of one MoE layer's routed experts over `tokens` tokens (the whole MoE group), NaN when not covered.
 * `rooflineS(shape, tokens)` prices a shape (at its own dtype's weight bytes) with the roofline:
 * - the measured curve of the shape itself when there is one;
 * - else the nearest shape of the same kernel family: its floor stays, the rest scales by the roofline ratio;
 * - else (no table for the weight dtype, e.g. MXFP4 in vLLM's H100 profile) the roofline plus the floor of the
 *   nearest shape of any dtype, rather than a bare roofline with no kernel floor at all.
 */
export function measuredMoeS(
  mk: MeasuredKernels,
  s: MoeShape,
  tokens: number,
  rooflineS: (shape: MoeShape, tokens: number) => number,
): number {
  if (tokens < 1) return NaN;
  let near: ReturnType<typeof nearestMoeCurve> = null;
  for (const dt of MOE_TABLE_FALLBACKS[s.dtype]) if (!near) near = nearestMoeCurve(mk, s, [dt]);
  if (!near) {
    const any = nearestMoeCurve(mk, s, null);
    return any ? moeFloorS(any.curve, rooflineS) + rooflineS(s, tokens) : NaN;
  }
  const us = curveUs(near.curve, tokens);
  if (near.distance === 0) return us / 1e6;
  const theirs = rooflineS(near.curve, tokens);
  if (!(theirs > 0)) return NaN;
  const fixedS = moeFloorS(near.curve, rooflineS);
  const workS = Math.max(0, us / 1e6 - fixedS);
  return fixedS + (workS * rooflineS(s, tokens)) / theirs;
}

export type MeasuredCollective = 'all-reduce' | 'all-gather' | 'reduce-scatter' | 'all-to-all';

function commGrid(mk: MeasuredKernels, kind: MeasuredCollective, graphs: boolean): Grid | undefined {
  const c = mk.profile.comm;
  switch (kind) {
    case 'all-reduce':
      return (graphs ? c.customAllReduceGraph : c.customAllReduceEager) ?? c.all_reduce;
    case 'all-gather':
      return c.all_gather;
    case 'reduce-scatter':
      return c.reduce_scatter;
    case 'all-to-all':
      return c.alltoall;
  }
}

/** Seconds of one collective of `bufferBytes` per GPU over `n` GPUs in the NVLink domain, NaN when not covered. */
export function measuredCollectiveS(
  mk: MeasuredKernels,
  kind: MeasuredCollective,
  bufferBytes: number,
  n: number,
  graphs: boolean,
): number {
  const g = commGrid(mk, kind, graphs);
  if (!g || n < 2) return NaN;
  const bytes = Math.max(bufferBytes, axisMin(g, 1));
  const us = interpolateUs2(g, n, bytes);
  if (mk.linkScale === 1) return us / 1e6;
  // A slower (faster) link stretches (shrinks) the bandwidth part; the small-message floor stays.
  const floorUs = interpolateUs2(g, n, axisMin(g, 1));
  return (floorUs + Math.max(0, us - floorUs) * mk.linkScale) / 1e6;
}

/** "0.19" and "0.19.0" name one release: compare (major, minor, patch), not the strings. */
function sameRelease(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return x !== null && y !== null && x.every((n, i) => n === y[i]);
}
