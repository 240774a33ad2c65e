/**
 * Per-GPU geometry of a deployment, derived once: sharded head counts, byte widths and achievable
 * rates. Cached per Deployment object so the simulator's per-iteration cost stays cheap.
 */
import { bytesPerElement, peakTflopsFor } from '../hardware/dtype.ts';
import type { Dtype } from '../hardware/types.ts';
import { CALIBRATION } from './calibration.ts';
import type { Deployment } from './deployment.ts';
import { kvMathDtype, kvStoredBytesPerElement } from './kvformat.ts';
import { indexerKeyBytesPerToken, kvLayerCount } from '../model/params.ts';
import { achievedEfficiencyFor, type AchievedEfficiency } from '../kernels/efficiency.ts';

export interface Geometry {
  /** Query heads per GPU (attention is split over tp). */
  qHeads: number;
  /** KV heads per GPU: nkv/tp, or 1 replicated head when tp > nkv (vLLM/TRT-LLM replicate KV heads). */
  kvHeads: number;
  /** Bytes of one weight element of the linear layers (embedding/LM head stay 16-bit). */
  weightBytes: number;
  /** Bytes per activation element fed to GEMMs (fp8 activations halve them). */
  gemmActBytes: number;
  /** Bytes per element on the wire for TP/EP collectives and PP sends (bf16 in every engine we model). */
  commBytes: number;
  kvBytes: number;
  /** KV bytes per token per layer held by one GPU (full-attention layer). */
  kvBytesPerTokenLayerGpu: number;
  /**
   * DSA indexer key-cache bytes per token per KV layer on one GPU (replicated on every TP rank, FP8 +
   * scale whatever the KV dtype); the mean over KV layers when some reuse a shared indexer. 0 without DSA.
   */
  indexerBytesPerTokenLayerGpu: number;
  /** Achievable GEMM FLOP/s at large M, and the dtype the math runs in. */
  gemmPeakFlopsPerS: number;
  gemmMathDtype: Dtype;
  attentionFlopsPerS: number;
  hbmBytesPerS: number;
  attentionDecodeBytesPerS: number;
  /** Shortest time of one GEMM kernel, seconds (0 where launch gaps model it: NVIDIA calibration). */
  kernelFloorS: number;
}

const cache = new WeakMap<Deployment, Geometry>();

/** Large-GEMM share of peak: the GPU's achieved-efficiency profile (kernels/efficiency.ts), else the calibration. */
function fractionFor(math: Dtype, eff: AchievedEfficiency | undefined): number {
  const f = eff?.gemmPeakFraction ?? CALIBRATION.gemmPeakFraction;
  if (math === 'fp4' || math === 'nvfp4') return f.fp4;
  if (math === 'fp8' || math === 'int8') return f.fp8;
  return f.bf16;
}

export function geometryOf(dep: Deployment): Geometry {
  const hit = cache.get(dep);
  if (hit) return hit;
  const { model, gpu, precision, instance } = dep;
  const att = model.attention;
  // Stored bytes per KV element: precision.kvCache, or the KV strategy's format (metadata included).
  const kvBytes = kvStoredBytesPerElement(dep);
  const kvHeads = att.kind === 'mla' ? 1 : Math.max(1, att.numKvHeads / instance.tp);
  const kvBytesPerTokenLayerGpu =
    att.kind === 'mla'
      ? (att.kvLoraRank + att.qkRopeHeadDim) * kvBytes // the latent is replicated on every TP rank
      : 2 * Math.ceil(kvHeads) * att.headDim * kvBytes;
  const gemm = peakTflopsFor(gpu, precision.weights, precision.activations);
  // Attention math runs in fp8 only when both the KV cache and activations are fp8 (TRT-LLM FP8 FMHA).
  const attnMath =
    kvMathDtype(dep) === 'fp8' && precision.activations === 'fp8' && gpu.denseTflops.fp8
      ? gpu.denseTflops.fp8
      : gpu.denseTflops.bf16;
  const hbm = gpu.memoryBandwidthGBps * 1e9;
  const eff = achievedEfficiencyFor(gpu.id);
  const hbmFraction = eff?.hbmFraction ?? CALIBRATION.hbmFraction;
  const g: Geometry = {
    qHeads: att.numHeads / instance.tp,
    kvHeads: Math.ceil(kvHeads),
    weightBytes: bytesPerElement(precision.weights),
    gemmActBytes:
      precision.activations === 'fp8' || precision.activations === 'fp4' || precision.activations === 'nvfp4' ? 1 : 2,
    commBytes: 2,
    kvBytes,
    kvBytesPerTokenLayerGpu,
    indexerBytesPerTokenLayerGpu: model.sparseIndexer ? indexerKeyBytesPerToken(model) / kvLayerCount(model) : 0,
    gemmPeakFlopsPerS: gemm.tflops * 1e12 * fractionFor(gemm.mathDtype, eff),
    gemmMathDtype: gemm.mathDtype,
    attentionFlopsPerS: attnMath * 1e12 * CALIBRATION.attentionPrefillPeakFraction,
    hbmBytesPerS: hbm * hbmFraction,
    // No public absolute figure for AMD paged-decode kernels (ENGINE-FACTS Open Q 6): never above the GEMM share.
    attentionDecodeBytesPerS: hbm * Math.min(CALIBRATION.attentionDecodeHbmFraction, hbmFraction),
    kernelFloorS: (eff?.kernelFloorUs ?? 0) / 1e6,
  };
  cache.set(dep, g);
  return g;
}
