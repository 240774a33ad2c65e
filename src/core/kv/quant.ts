/**
 * Quantized KV cache: storage bytes per element (payload + scale/zero metadata + GEAR extras), the
 * full-precision residual window, and the dequantization / reconstruction FLOPs a decode step adds.
 *
 * - fp8 (E4M3) KV with one scale per tensor, as vLLM and TensorRT-LLM store it: 1 B/element, the scale
 *   is negligible.
 * - int8 / int4: asymmetric group quantization, one fp16 scale + one fp16 zero-point per `groupSize`
 *   elements (LMDeploy/QServe-style per-head per-token groups for int8 = 128 elements).
 * - KIVI — Liu et al., "KIVI: A Tuning-Free Asymmetric 2bit Quantization for KV Cache" (ICML 2024):
 *   keys per-channel (one group = `groupSize` consecutive tokens of one channel), values per-token (one
 *   group = `groupSize` channels of one token); either way one fp16 scale + fp16 zero per group, so the
 *   metadata is 4/G bytes per element. The most recent `residualTokens` (R = 128 in the paper, G = 32)
 *   stay in full precision until a whole key group can be quantized. 2 bit + 4/32 B = 0.375 B/element:
 *   5.3× smaller than bf16.
 * - GEAR — Kang et al., "GEAR: An Efficient KV Cache Compression Recipe for Near-Lossless Generative
 *   Inference of LLM" (2024): the quantized backbone plus a rank-r low-rank approximation of the
 *   quantization error (per head: A ∈ ℝ^{n×r}, B ∈ ℝ^{d×r}) and a sparse matrix of the s % largest
 *   outliers. Stored per element: A's rows = 2·r/d bytes (fp16; B is d×r per head per sequence and is
 *   amortised over the sequence, not counted), outliers = s·(2 B fp16 value + 4 B int32 index).
 *   Decoding reconstructs X ≈ dequant(Q) + A·Bᵀ + S: 2·r FLOPs per element for the low-rank product.
 */
import { bytesPerElement as dtypeBytes } from '../hardware/dtype.ts';
import type { Dtype } from '../hardware/types.ts';
import type { Fidelity, KvQuant, KvQuantDtype } from './types.ts';

/** fp16 scale + fp16 zero-point per quantization group (KIVI, int4/int8 asymmetric). */
export const SCALE_ZERO_BYTES_PER_GROUP = 4;
/** A sparse outlier: fp16 value + int32 index (GEAR's CSR/COO storage). */
export const OUTLIER_BYTES = 6;
/** bf16/fp16 full precision. */
export const FULL_PRECISION_BYTES = 2;

/** Raw bytes of one element's quantized code. */
export function payloadBytesPerElement(dtype: KvQuantDtype): number {
  switch (dtype) {
    case 'bf16':
      return 2;
    case 'fp8':
    case 'int8':
      return 1;
    case 'int4':
      return 0.5;
    case 'kivi2':
      return 0.25;
  }
}

/** KIVI / asymmetric group quantization: fp16 scale + zero per `groupSize` elements = 4/G B per element. */
export function groupMetadataBytesPerElement(dtype: KvQuantDtype, groupSize: number): number {
  if (dtype === 'bf16' || dtype === 'fp8') return 0; // fp8: one per-tensor scale, negligible
  return SCALE_ZERO_BYTES_PER_GROUP / groupSize;
}

/** GEAR low-rank factor A (n×r, fp16) per element of a `vectorDim`-wide head vector: 2·r/d bytes. */
export function gearLowRankBytesPerElement(rank: number, vectorDim: number): number {
  return (FULL_PRECISION_BYTES * rank) / vectorDim;
}

/** GEAR sparse outliers: s % of the elements stored as (fp16 value, int32 index). */
export function gearSparseBytesPerElement(sparsityPct: number): number {
  return (sparsityPct / 100) * OUTLIER_BYTES;
}

/** Default group size: KIVI's G = 32 for 2- and 4-bit, one 128-wide head vector for int8. */
export function defaultGroupSize(dtype: KvQuantDtype): number {
  return dtype === 'int8' ? 128 : 32;
}

/** Default full-precision window: KIVI's R = 128; none for the other formats. */
export function defaultResidualTokens(dtype: KvQuantDtype): number {
  return dtype === 'kivi2' ? 128 : 0;
}

/** FLOPs per element to turn the stored code back into bf16 inside the attention kernel. */
export function dequantFlopsPerElement(dtype: KvQuantDtype | Dtype): number {
  if (dtype === 'bf16' || dtype === 'fp16') return 0;
  if (dtype === 'fp8' || dtype === 'fp4' || dtype === 'nvfp4') return 1; // one convert (× scale folded into the softmax scale)
  return 2; // (code − zero) · scale
}

/** GEAR reconstruction: the rank-r product A·Bᵀ costs 2·r FLOPs per element, plus one add per outlier. */
export function gearReconstructFlopsPerElement(rank: number, sparsityPct: number): number {
  return 2 * rank + sparsityPct / 100;
}

/**
 * KV bytes of `tokens` tokens when the most recent `residualTokens` stay at full precision:
 * min(n, R)·full + max(0, n − R)·quantized (KIVI's residual window).
 */
export function residualWindowBytes(
  tokens: number,
  residualTokens: number,
  fullBytesPerToken: number,
  quantBytesPerToken: number,
): number {
  const full = Math.min(tokens, residualTokens);
  return full * fullBytesPerToken + Math.max(0, tokens - residualTokens) * quantBytesPerToken;
}

/** Fidelity of a KV format (see types.ts `Fidelity`). */
export function quantFidelity(dtype: KvQuantDtype | Dtype, gear: boolean): Fidelity {
  if (dtype === 'bf16' || dtype === 'fp16') return gear ? 'approximate' : 'exact';
  if ((dtype === 'fp8' || dtype === 'int8') && !gear) return 'near-lossless';
  return 'approximate';
}

/** A quantization setting with its defaults filled in and its per-element costs worked out. */
export interface ResolvedQuant {
  /** The format; `engine:<dtype>` when no quant component is set (the scenario's precision.kvCache). */
  dtype: KvQuantDtype | `engine:${Dtype}`;
  name: string;
  payloadBytes: number;
  metadataBytes: number;
  /** GEAR low-rank + outlier bytes per element (0 without GEAR). */
  gearBytes: number;
  /** payload + metadata + GEAR: stored bytes per element outside the residual window. */
  bytesPerElement: number;
  groupSize: number | null;
  residualTokens: number;
  /** Dequantization + reconstruction FLOPs per element read. */
  flopsPerElement: number;
  fidelity: Fidelity;
  sources: string[];
}

const SOURCES = {
  kivi: 'KIVI (Liu et al., ICML 2024): per-channel keys, per-token values, 2-bit, fp16 scale+zero per group, full-precision residual',
  gear: 'GEAR (Kang et al., 2024): quantized backbone + low-rank error + sparse outliers',
  fp8: 'fp8 E4M3 KV with a per-tensor scale (vLLM / TensorRT-LLM kv_cache_dtype=fp8)',
  int: 'asymmetric group quantization, fp16 scale + zero per group',
};

const NAMES: Record<KvQuantDtype, string> = {
  bf16: 'bf16 KV',
  fp8: 'fp8 KV',
  int8: 'int8 KV',
  int4: 'int4 KV',
  kivi2: 'KIVI 2-bit',
};

/**
 * Fill in defaults. `vectorDim` is the width of one cached head vector (headDim, or the MLA latent),
 * used for GEAR's low-rank bytes. Without a quant component the scenario's `precision.kvCache` is
 * used as the engine stores it (no group metadata: per-tensor scales).
 */
export function resolveQuant(q: KvQuant | undefined, engineDtype: Dtype, vectorDim: number): ResolvedQuant {
  if (!q) {
    const b = dtypeBytes(engineDtype);
    const fidelity = quantFidelity(engineDtype, false);
    return {
      dtype: `engine:${engineDtype}`,
      name: `${engineDtype} KV`,
      payloadBytes: b,
      metadataBytes: 0,
      gearBytes: 0,
      bytesPerElement: b,
      groupSize: null,
      residualTokens: 0,
      flopsPerElement: dequantFlopsPerElement(engineDtype),
      fidelity,
      sources: engineDtype === 'fp8' ? [SOURCES.fp8] : [],
    };
  }
  const groupSize = q.groupSize ?? defaultGroupSize(q.dtype);
  const residualTokens = q.residualTokens ?? defaultResidualTokens(q.dtype);
  const payloadBytes = payloadBytesPerElement(q.dtype);
  const metadataBytes = groupMetadataBytesPerElement(q.dtype, groupSize);
  const gearBytes = q.gear
    ? gearLowRankBytesPerElement(q.gear.rank, vectorDim) + gearSparseBytesPerElement(q.gear.sparsityPct)
    : 0;
  const flopsPerElement =
    dequantFlopsPerElement(q.dtype) + (q.gear ? gearReconstructFlopsPerElement(q.gear.rank, q.gear.sparsityPct) : 0);
  const sources: string[] = [];
  if (q.dtype === 'kivi2') sources.push(SOURCES.kivi);
  else if (q.dtype === 'fp8') sources.push(SOURCES.fp8);
  else if (q.dtype !== 'bf16') sources.push(SOURCES.int);
  if (q.gear) sources.push(SOURCES.gear);
  let name = NAMES[q.dtype];
  if (q.gear)
    name = `GEAR (${q.dtype === 'kivi2' ? '2-bit' : q.dtype} + rank ${q.gear.rank} + ${q.gear.sparsityPct}% outliers)`;
  return {
    dtype: q.dtype,
    name,
    payloadBytes,
    metadataBytes,
    gearBytes,
    bytesPerElement: payloadBytes + metadataBytes + gearBytes,
    groupSize: metadataBytes > 0 ? groupSize : null,
    residualTokens,
    flopsPerElement,
    fidelity: quantFidelity(q.dtype, q.gear !== undefined),
    sources,
  };
}

/** bf16 bytes ÷ stored bytes per element (outside the residual window). */
export function compressionVsBf16(rq: ResolvedQuant): number {
  return FULL_PRECISION_BYTES / rq.bytesPerElement;
}

export function fidelityWord(f: Fidelity): string {
  return f === 'exact' ? 'lossless' : f === 'near-lossless' ? 'near-lossless' : 'approximate';
}

/** "KIVI 2-bit: approximate; 5.3× smaller KV". */
export function describeQuant(rq: ResolvedQuant): string {
  const ratio = compressionVsBf16(rq);
  const size =
    Math.abs(ratio - 1) < 0.005
      ? 'full-size KV'
      : ratio > 1
        ? `${ratio.toFixed(1)}× smaller KV`
        : `${(1 / ratio).toFixed(1)}× larger KV`;
  const parts = [`${rq.name}: ${fidelityWord(rq.fidelity)}; ${size}`];
  if (rq.groupSize !== null) parts.push(`g${rq.groupSize} scale+zero`);
  if (rq.residualTokens > 0) parts.push(`${rq.residualTokens}-token full-precision window`);
  return parts.join(', ');
}
