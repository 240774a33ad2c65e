/**
 * Memory per GPU, the way vLLM sizes its KV cache (vllm/v1/worker/gpu_worker.py determine_available_memory):
 *   KV budget = gpuMemoryUtilization · memory − weights − peak activations − non-torch reserve,
 * then rounded down to whole `kvBlockSize`-token blocks. Weights are sharded per stage: attention and
 * dense FFN over tp, routed experts over ep (each expert over moeTp), embedding on the first stage and
 * the LM head on the last (both vocab-parallel over tp, kept 16-bit as quantized checkpoints do).
 */
import { draftKvLayers, draftWeightBytesPerGpu } from './speculative.ts';
import { kvBudgetGB } from '../engine/memory.ts';
import { budgetCapacityGB } from '../hardware/gpus.ts';
import { resolvePaging } from '../kv/paging.ts';
import {
  compressedAttentionShardedParams,
  countParams,
  indexerKeyBytesPerToken,
  kvBytesPerToken,
  stateBytesPerSequence,
} from '../model/params.ts';
import { holdsKv, type ModelSpec } from '../model/types.ts';
import { GB } from '../units.ts';
import type { Deployment } from './deployment.ts';
import { geometryOf } from './geometry.ts';
import { kvStrategyOf } from './kvformat.ts';

/**
 * Memory held outside the weights/activations/KV accounting, GB: CUDA context and cuBLAS workspaces
 * (~0.5 GB), NCCL buffers (~0.3-1 GB with tp > 1) and captured CUDA graphs (~0.3-1 GB). vLLM logs
 * report 0.5-2 GB of such "non-torch" + graph memory on H100; we take 1 GB + 0.5 GB when tp > 1.
 */
export function reservedGB(tp: number, cudaGraphs: boolean): number {
  return 0.6 + (tp > 1 ? 0.5 : 0) + (cudaGraphs ? 0.4 : 0);
}

/**
 * Tokens per KV allocation unit: runtime.kvBlockSize without a KV strategy. With one, its paging
 * component decides (core/kv/paging.ts): PagedAttention blocks (an MLA model's engine-required block
 * size overrides the request), or vAttention's page-granular growth, one physical page of a K/V buffer.
 */
export function kvBlockTokens(dep: Deployment): number {
  const s = kvStrategyOf(dep);
  if (!s) return dep.runtime.kvBlockSize;
  const p = resolvePaging(
    s.paging,
    dep.runtime.kvBlockSize,
    dep.model,
    dep.gpu,
    geometryOf(dep).kvBytesPerTokenLayerGpu,
  );
  return p.pageTokens ?? p.blockSize;
}

export interface GpuMemory {
  label: string;
  stage: number;
  weightsGB: number;
  kvCacheGB: number;
  /**
   * Recurrent state (Gated DeltaNet / Mamba-2 layers) of runtime.maxNumSeqs sequences, GB: fixed per
   * sequence, flat in context length. 0 for attention-only models.
   */
  stateGB: number;
  activationsGB: number;
  reservedGB: number;
  totalGB: number;
  capacityGB: number;
  /** Usable by ParaKV's budget: gpuMemoryUtilization · capacity. */
  budgetGB: number;
  /** KV tokens this GPU's share of the cache holds (for its stage's layers). */
  kvTokens: number;
}

export interface MemoryReport {
  perGpu: GpuMemory[];
  /** KV tokens one attention group (one scheduler) can hold: min over stages, block-rounded. */
  maxKvTokensPerGroup: number;
  /** KV tokens over the whole instance (× attentionDp). */
  maxKvTokens: number;
  /** KV bytes per token over all layers of the model at the KV dtype (one copy, not per GPU), DSA indexer keys included. */
  kvBytesPerToken: number;
  /** Recurrent-state bytes one sequence holds over the whole model (one copy, not per GPU); 0 without state layers. */
  stateBytesPerSequence: number;
  fits: boolean;
  /** When it does not fit: the largest shortfall over stages, GB, and what takes the memory. */
  shortfallGB: number;
  explanation: string;
}

/** Parameters of one routed expert (gate, up, down), at the latent width for latent MoE (Nemotron-3). */
export function expertParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  return (m.gatedMlp ? 3 : 2) * (m.moe.latentSize ?? m.hiddenSize) * m.moe.expertIntermediateSize;
}

/**
 * Recurrent-state bytes one GPU of stage `stage` holds per sequence: the state layers of the stage,
 * split over tp (Gated DeltaNet value heads and Mamba-2 heads shard over tp, like attention heads).
 */
export function stateBytesPerSeqGpu(dep: Deployment, stage: number): number {
  const { model: m, instance } = dep;
  const first = instance.stageLayers.slice(0, stage).reduce((a, b) => a + b, 0);
  const n = instance.stageLayers[stage] ?? 0;
  return stateBytesPerSequence(m, m.layers.slice(first, first + n)) / instance.tp;
}

/** Weight bytes one GPU of stage `stage` holds. */
export function weightBytesPerGpu(dep: Deployment, stage: number): number {
  const { model: m, instance } = dep;
  const g = geometryOf(dep);
  const params = countParams(m);
  const first = instance.stageLayers.slice(0, stage).reduce((a, b) => a + b, 0);
  const n = instance.stageLayers[stage] ?? 0;
  let bytes = 0;
  for (let i = first; i < first + n; i++) {
    const layer = m.layers[i]!;
    const p = params.perLayer[i]!;
    bytes += p.norms * 2;
    if (m.attention.kind === 'mla' && holdsKv(layer)) {
      // q_a/kv_a down-projections are replicated; the rest splits over tp (linear layers of an MLA
      // hybrid, Kimi-K3, have none and split whole).
      const a = m.attention;
      const replicated = m.hiddenSize * ((a.qLoraRank ?? 0) + a.kvLoraRank + a.qkRopeHeadDim);
      bytes += (replicated + (p.attention - replicated) / instance.tp) * g.weightBytes;
    } else if (m.compressedAttention && holdsKv(layer)) {
      const replicated = p.attention - compressedAttentionShardedParams(m);
      bytes += (replicated + (p.attention - replicated) / instance.tp) * g.weightBytes;
    } else {
      bytes += (p.attention / instance.tp) * g.weightBytes;
    }
    if (layer.ffn === 'none') continue;
    if (layer.ffn === 'moe' && m.moe) {
      const experts = m.moe.numExperts * expertParams(m);
      const router = p.ffn - experts - sharedParams(m);
      bytes += (experts / (instance.ep * instance.moeTp)) * g.weightBytes;
      bytes += (sharedParams(m) / instance.tp) * g.weightBytes + router * 2;
    } else {
      bytes += (p.ffn / instance.tp) * g.weightBytes;
    }
  }
  if (stage === 0) bytes += (params.embeddingParams / instance.tp) * 2;
  // A multimodal checkpoint's vision tower runs before the decoder: bf16, its linears split over tp (vLLM Qwen3-VL).
  if (stage === 0 && m.encoderParams) bytes += (m.encoderParams / instance.tp) * 2;
  if (stage === instance.pp - 1) {
    // Tied embeddings share one tensor on a single stage; with pp > 1 the last stage needs its own copy.
    const lmHead = params.lmHeadParams > 0 ? params.lmHeadParams : instance.pp > 1 ? params.embeddingParams : 0;
    bytes += (lmHead / instance.tp) * 2 + m.hiddenSize * 2; // + final norm
  }
  return bytes;
}

function sharedParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  return m.moe.numSharedExperts * (m.gatedMlp ? 3 : 2) * m.hiddenSize * m.moe.sharedIntermediateSize;
}

/**
 * Peak activation memory of the profiling forward pass at maxBatchedTokens tokens: the live hidden
 * states, the QKV output, the widest FFN intermediate (gate+up), and fp32 logits of the sampled rows.
 */
export function activationBytesPerGpu(dep: Deployment): number {
  const { model: m, instance, runtime } = dep;
  const g = geometryOf(dep);
  const t = runtime.maxBatchedTokens;
  // The widest QKV output over the model's attention shapes (Gemma-4: the sliding layers').
  let qkv = 0;
  for (const a of g.shapes.values()) qkv = Math.max(qkv, (a.qHeads + 2 * a.kvHeads) * a.spec.headDim);
  const denseWidth = (m.intermediateSize / instance.tp) * (m.gatedMlp ? 3 : 2);
  const moeWidth = m.moe
    ? (m.moe.topK * m.moe.expertIntermediateSize * (m.gatedMlp ? 3 : 2) * instance.attentionDp) /
      (instance.ep * instance.moeTp)
    : 0;
  const hidden = t * (4 * m.hiddenSize + qkv + Math.max(denseWidth, moeWidth)) * 2;
  const logits = Math.min(runtime.maxNumSeqs, t) * (m.vocabSize / instance.tp) * 4;
  return hidden + logits;
}

export function memoryReport(dep: Deployment): MemoryReport {
  const { model: m, gpu, instance, runtime } = dep;
  const g = geometryOf(dep);
  // What the device reports (H100 "80GB" = 80 GiB = 85.9 GB), in the decimal GB weights and KV are counted in.
  const capacityGB = budgetCapacityGB(gpu);
  // The budget line of the memory chart; the KV pool follows the engine's meaning of the fraction (core/engine/memory.ts).
  const budgetGB = kvBudgetGB(runtime.memorySemantics, capacityGB, runtime.gpuMemoryUtilization, 0, 0, 0).budgetGB;
  const activationsGB = activationBytesPerGpu(dep) / GB;
  const resGB = reservedGB(instance.tp, runtime.cudaGraphs);
  const perGpu: GpuMemory[] = [];
  let maxTokens = Infinity;
  let shortfall = 0;
  let worst = '';
  const block = kvBlockTokens(dep);
  for (let s = 0; s < instance.pp; s++) {
    // A speculative draft (MTP block / EAGLE head) runs on the last stage: its weights and one more KV layer.
    const last = s === instance.pp - 1;
    const weightsGB = (weightBytesPerGpu(dep, s) + (last ? draftWeightBytesPerGpu(dep) : 0)) / GB;
    const { freeGB } = kvBudgetGB(
      runtime.memorySemantics,
      capacityGB,
      runtime.gpuMemoryUtilization,
      weightsGB,
      activationsGB,
      resGB,
    );
    // Each KV layer at its own shape and growth (geometry.ts), the draft's layers at the full-attention shape.
    const kvPerToken =
      (g.stageKvBytesPerTokenGpu[s] ?? 0) + (last ? draftKvLayers(dep) * g.kvBytesPerTokenLayerGpu : 0);
    // State layers: one fixed state per running sequence, reserved for maxNumSeqs before the KV pool
    // (SGLang sizes its Mamba pool by max_running_requests; vLLM gives each running request one state block).
    const stateGB = (runtime.maxNumSeqs * stateBytesPerSeqGpu(dep, s)) / GB;
    const kvFreeGB = freeGB - stateGB;
    const rawTokens = kvFreeGB > 0 && kvPerToken > 0 ? Math.floor((kvFreeGB * GB) / kvPerToken) : 0;
    const tokens = Math.floor(rawTokens / block) * block;
    const kvCacheGB = (tokens * kvPerToken) / GB;
    maxTokens = Math.min(maxTokens, tokens);
    if (kvFreeGB <= 0 && -kvFreeGB > shortfall) {
      shortfall = -kvFreeGB;
      const state = stateGB > 0 ? ` + recurrent state ${stateGB.toFixed(1)} GB (${runtime.maxNumSeqs} seqs)` : '';
      worst = `stage ${s}: weights ${weightsGB.toFixed(1)} GB + activations ${activationsGB.toFixed(1)} GB + reserve ${resGB.toFixed(1)} GB${state} > ${budgetGB.toFixed(1)} GB budget (${(runtime.gpuMemoryUtilization * 100).toFixed(0)}% ${runtime.memorySemantics} of ${+capacityGB.toFixed(1)} GB)`;
    }
    perGpu.push({
      label: instance.pp > 1 ? `stage ${s}` : 'every GPU',
      stage: s,
      weightsGB,
      kvCacheGB,
      stateGB,
      activationsGB,
      reservedGB: resGB,
      totalGB: weightsGB + kvCacheGB + stateGB + activationsGB + resGB,
      capacityGB,
      budgetGB,
      kvTokens: tokens,
    });
  }
  const perGroup = Number.isFinite(maxTokens) ? maxTokens : 0;
  const fits = shortfall === 0 && perGroup > 0;
  let explanation = '';
  if (shortfall > 0)
    explanation = `Does not fit by ${shortfall.toFixed(1)} GB per GPU — ${worst}. Raise tp/pp/ep, use smaller weights (fp8/int4), or lower maxBatchedTokens.`;
  else if (perGroup === 0)
    explanation = 'No room left for a single KV block — raise gpuMemoryUtilization or shard the model further.';
  return {
    perGpu,
    maxKvTokensPerGroup: perGroup,
    maxKvTokens: perGroup * instance.attentionDp,
    kvBytesPerToken: kvBytesPerToken(m, g.kvBytes) + indexerKeyBytesPerToken(m),
    stateBytesPerSequence: stateBytesPerSequence(m),
    fits,
    shortfallGB: shortfall,
    explanation,
  };
}
