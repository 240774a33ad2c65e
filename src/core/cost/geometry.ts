/**
 * Per-GPU geometry of a deployment, derived once: sharded head counts, byte widths and achievable
 * rates. Cached per Deployment object so the simulator's per-iteration cost stays cheap.
 */
import { bytesPerElement, peakTflopsFor } from '../hardware/dtype.ts';
import type { Dtype } from '../hardware/types.ts';
import { CALIBRATION } from './calibration.ts';
import type { Deployment } from './deployment.ts';
import { kvMathDtype, kvStoredBytesPerElement } from './kvformat.ts';
import {
  attentionKvBytesPerLayerPerToken,
  attentionShapeOf,
  hasMixedKvLayers,
  indexerKeyBytesPerToken,
  kvGrowthShare,
  kvLayerCount,
} from '../model/params.ts';
import { holdsKv, type AttentionSpec, type LayerSpec, type ModelSpec } from '../model/types.ts';
import { achievedEfficiencyFor, type AchievedEfficiency } from '../kernels/efficiency.ts';

/** One attention shape sharded over tp (a model has one, or two: Gemma-4 / MiMo-V2 sliding layers). */
export interface AttentionGeometry {
  /** The shape (model/params.ts attentionShapeOf). */
  spec: AttentionSpec;
  /** Query heads per GPU (attention is split over tp). */
  qHeads: number;
  /** KV heads per GPU: nkv/tp, or 1 replicated head when tp > nkv (vLLM/TRT-LLM replicate KV heads). */
  kvHeads: number;
  /** KV bytes per token of one such layer held by one GPU. */
  kvBytesPerTokenLayerGpu: number;
}

export interface Geometry {
  /** Query heads per GPU of the full-attention shape `model.attention` (per layer: layerGeometry). */
  qHeads: number;
  /** KV heads per GPU of `model.attention`: nkv/tp, or 1 replicated head when tp > nkv. */
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
  /** Each attention shape of the model sharded over tp, keyed by its spec object. */
  shapes: Map<AttentionSpec, AttentionGeometry>;
  /**
   * KV + DSA-indexer bytes one GPU of each pipeline stage holds per context token, summed over the
   * stage's KV layers at each layer's own shape and growth (model/params.ts kvGrowthShare).
   */
  stageKvBytesPerTokenGpu: number[];
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
  /** Datasheet dense peak of the attention math: the bound no prefill-attention kernel beats. */
  attentionPeakFlopsPerS: number;
  /** Datasheet HBM bandwidth: the bound no kernel beats (kernels/measured.ts measuredDecodeAttentionS). */
  hbmPeakBytesPerS: number;
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

/**
 * Shape `a` on one GPU of a tp-way group. GQA: nkv/tp KV heads (a replicated head when tp > nkv), each
 * caching K and V (one tensor when K = V); MLA: the latent, replicated on every TP rank.
 */
function attentionGeometry(model: ModelSpec, a: AttentionSpec, tp: number, kvBytes: number): AttentionGeometry {
  const kvHeads = a.kind === 'mla' ? 1 : Math.max(1, a.numKvHeads / tp);
  const perGpu = a.kind === 'mla' ? a : { ...a, numKvHeads: Math.ceil(kvHeads) };
  return {
    spec: a,
    qHeads: a.numHeads / tp,
    kvHeads: Math.ceil(kvHeads),
    kvBytesPerTokenLayerGpu: attentionKvBytesPerLayerPerToken(model, kvBytes, perGpu),
  };
}

/** The sharded attention shape of `layer` (its model's `attention` or `slidingAttention`). */
export function layerGeometry(dep: Deployment, layer: LayerSpec): AttentionGeometry {
  return geometryOf(dep).shapes.get(attentionShapeOf(dep.model, layer))!;
}

/** Per stage, Σ over KV layers of growth × layer KV bytes per GPU + the indexer keys, grouped so a uniform model multiplies once. */
function stageKvBytes(
  model: ModelSpec,
  stageLayers: readonly number[],
  shapes: Map<AttentionSpec, AttentionGeometry>,
  indexerBytes: number,
): number[] {
  const out: number[] = [];
  let start = 0;
  for (const n of stageLayers) {
    const groups = new Map<string, { bytes: number; count: number }>();
    for (const l of model.layers.slice(start, start + n)) {
      if (!holdsKv(l)) continue;
      const a = attentionShapeOf(model, l);
      const share = kvGrowthShare(l);
      const key = `${a === model.attention ? 'a' : 's'}/${share}`;
      const gr = groups.get(key);
      if (gr) gr.count++;
      else groups.set(key, { bytes: shapes.get(a)!.kvBytesPerTokenLayerGpu * share + indexerBytes, count: 1 });
    }
    let bytes = 0;
    for (const gr of groups.values()) bytes += gr.count * gr.bytes;
    out.push(bytes);
    start += n;
  }
  return out;
}

/**
 * KV layers of each pipeline stage in units of one full-attention layer's bytes per GPU
 * (kvBytesPerTokenLayerGpu), the unit the KV pool and the KV-strategy footprint count in: a uniform
 * model's layers count 1 each; a Gemma-4 / MiMo-V2 sliding layer its own shape's bytes over the full
 * shape's, a DeepSeek-V4 compressed layer its growth 1/compressRatio. `sliding` is capped at the window
 * (layers of kind 'sliding' when the model has one), `full` grows with the context.
 */
export function stageKvLayerWeights(dep: Deployment): { full: number; sliding: number }[] {
  const { model } = dep;
  const g = geometryOf(dep);
  const mixed = hasMixedKvLayers(model);
  const out: { full: number; sliding: number }[] = [];
  let start = 0;
  for (const n of dep.instance.stageLayers) {
    let full = 0;
    let sliding = 0;
    for (const l of model.layers.slice(start, start + n)) {
      if (!holdsKv(l)) continue; // state-based and FFN-only layers hold no KV
      const w = mixed
        ? (kvGrowthShare(l) * layerGeometry(dep, l).kvBytesPerTokenLayerGpu) / g.kvBytesPerTokenLayerGpu
        : 1;
      if (l.attention === 'sliding' && model.slidingWindow !== null) sliding += w;
      else full += w;
    }
    out.push({ full, sliding });
    start += n;
  }
  return out;
}

export function geometryOf(dep: Deployment): Geometry {
  const hit = cache.get(dep);
  if (hit) return hit;
  const { model, gpu, precision, instance } = dep;
  // Stored bytes per KV element: precision.kvCache, or the KV strategy's format (metadata included).
  const kvBytes = kvStoredBytesPerElement(dep);
  const shapes = new Map<AttentionSpec, AttentionGeometry>();
  for (const a of [model.attention, model.slidingAttention]) {
    if (a) shapes.set(a, attentionGeometry(model, a, instance.tp, kvBytes));
  }
  const full = shapes.get(model.attention)!;
  const indexerBytesPerTokenLayerGpu = model.sparseIndexer ? indexerKeyBytesPerToken(model) / kvLayerCount(model) : 0;
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
    qHeads: full.qHeads,
    kvHeads: full.kvHeads,
    weightBytes: bytesPerElement(precision.weights),
    gemmActBytes:
      precision.activations === 'fp8' || precision.activations === 'fp4' || precision.activations === 'nvfp4' ? 1 : 2,
    commBytes: 2,
    kvBytes,
    kvBytesPerTokenLayerGpu: full.kvBytesPerTokenLayerGpu,
    shapes,
    stageKvBytesPerTokenGpu: stageKvBytes(model, instance.stageLayers, shapes, indexerBytesPerTokenLayerGpu),
    indexerBytesPerTokenLayerGpu,
    gemmPeakFlopsPerS: gemm.tflops * 1e12 * fractionFor(gemm.mathDtype, eff),
    gemmMathDtype: gemm.mathDtype,
    attentionFlopsPerS: attnMath * 1e12 * CALIBRATION.attentionPrefillPeakFraction,
    attentionPeakFlopsPerS: attnMath * 1e12,
    hbmBytesPerS: hbm * hbmFraction,
    hbmPeakBytesPerS: hbm,
    // No public absolute figure for AMD paged-decode kernels (ENGINE-FACTS Open Q 6): never above the GEMM share.
    attentionDecodeBytesPerS: hbm * Math.min(CALIBRATION.attentionDecodeHbmFraction, hbmFraction),
    kernelFloorS: (eff?.kernelFloorUs ?? 0) / 1e6,
  };
  cache.set(dep, g);
  return g;
}
