/**
 * One decode step under a KV strategy, built on the engine's step cost (cost/estimator `decodeStepS`,
 * which already handles TP/PP/attention-DP, GEMMs, collectives, launch gaps):
 *
 *   engine    decodeStepS(bf16-KV deployment, seqs / cp, L_eq) where L_eq = the strategy's KV bytes read
 *             per full-attention layer ÷ bf16 bytes per token: eviction shrinks it to the budget,
 *             quantization scales it by stored bytes / 2, page summaries add to it. (Decode attention is
 *             HBM-bound for GQA, so bytes decide the time; for compute-heavy MLA decode this also
 *             scales the attention FLOPs with the bytes — an approximation.)
 *   compute   dequantization / GEAR reconstruction / page scoring FLOPs run on CUDA cores inside the
 *             attention kernel, overlapped with its KV loads: exposed = max(0, FLOPs/rate − read/bw).
 *   transfer  host→device traffic (spilled KV streamed every step, promoted pages); with layer-wise
 *             prefetch exposed = max(0, transfer − compute), else it adds.
 *   network   context parallel: each layer all-gathers partial outputs + log-sum-exp over the cp shards;
 *             DistAttention: queries out / partial outputs back for sequences spanning instances.
 * With context parallelism the cp instances split the batch's GEMMs (seqs/cp each) and every instance
 * attends over its 1/cp of every sequence — the same KV bytes per GPU as seqs/cp whole sequences.
 */
import { collectiveTimeS, linkFor } from '../cost/collectives.ts';
import type { Deployment } from '../cost/deployment.ts';
import { decodeStepS } from '../cost/estimator.ts';
import { geometryOf } from '../cost/geometry.ts';
import { withoutKvStrategy } from '../cost/kvformat.ts';
import { exposedExtraComputeS, vectorFlopsPerS } from './engine.ts';
import { distAttentionExchangeBytes, partialOutputBytes } from '../kv/distributed.ts';
import { layerKv, stageFootprints, type ResolvedKv } from './footprint.ts';
import { exposedTransferS, transferS } from '../kv/offload.ts';

export { CUDA_CORE_FRACTION_OF_BF16_TENSOR, vectorFlopsPerS, exposedExtraComputeS } from './engine.ts';

const bf16Deps = new WeakMap<Deployment, Deployment>();

/** The deployment with a bf16 KV cache: the engine step is costed on it with an equivalent context. */
export function bf16KvDeployment(deployment: Deployment): Deployment {
  const dep = withoutKvStrategy(deployment);
  if (dep.precision.kvCache === 'bf16') return dep;
  const hit = bf16Deps.get(dep);
  if (hit) return hit;
  const d: Deployment = { ...dep, precision: { ...dep.precision, kvCache: 'bf16' } };
  bf16Deps.set(dep, d);
  return d;
}

/** Context (tokens) whose bf16 KV read equals the strategy's read per full-attention layer. */
export function equivalentBf16Context(r: ResolvedKv, contextTokens: number): number {
  const l = layerKv(r, r.fullLayers > 0 ? 'full' : 'sliding', contextTokens);
  return l.readBytes / r.bf16BytesPerTokenLayer;
}

/** Spilled hot KV per GPU that one decode step streams back from host / NVMe. */
export interface SpillPerGpu {
  hostHotBytes: number;
  ssdHotBytes: number;
}

export interface DecodeStep {
  /** Whole step, seconds. */
  stepS: number;
  /** The engine's step at the equivalent context. */
  engineS: number;
  /** Dequant / reconstruction / selection time not hidden behind KV loads. */
  extraComputeS: number;
  /** Host/NVMe → GPU transfer per step, and the part not hidden by prefetch. */
  transferS: number;
  exposedTransferS: number;
  /** Context-parallel combine and DistAttention exchanges. */
  networkS: number;
  /** Equivalent bf16 context handed to the engine. */
  contextEqTokens: number;
}

/**
 * One decode step of `seqs` sequences (per instance; per cp group of instances with context
 * parallelism) at context L.
 */
export function strategyDecodeStep(
  r: ResolvedKv,
  seqs: number,
  contextTokens: number,
  spill: SpillPerGpu = { hostHotBytes: 0, ssdHotBytes: 0 },
  spanningSeqs = 0,
): DecodeStep {
  const contextEqTokens = equivalentBf16Context(r, contextTokens);
  if (seqs <= 0)
    return { stepS: 0, engineS: 0, extraComputeS: 0, transferS: 0, exposedTransferS: 0, networkS: 0, contextEqTokens };
  const { dep } = r;
  const cp = r.distributed.contextParallel;
  const depBf16 = bf16KvDeployment(dep);
  const engineS = decodeStepS(depBf16, seqs / cp, contextEqTokens);
  const g = geometryOf(depBf16);
  const perGroup = seqs / dep.instance.attentionDp;
  const stages = stageFootprints(r, contextTokens);
  let extraComputeS = 0;
  let refetch = 0;
  for (const s of stages) {
    extraComputeS = Math.max(
      extraComputeS,
      exposedExtraComputeS(
        perGroup * s.extraFlops,
        perGroup * s.readBytes,
        vectorFlopsPerS(dep.gpu),
        g.attentionDecodeBytesPerS,
      ),
    );
    refetch = Math.max(refetch, perGroup * s.refetchBytesPerStep);
  }
  const tS =
    transferS(refetch + spill.hostHotBytes, r.hostGBps) +
    (spill.ssdHotBytes > 0 ? transferS(spill.ssdHotBytes, r.ssdGBps) : 0);
  const prefetch = r.offload?.prefetch ?? true;
  const exposed = exposedTransferS(tS, engineS + extraComputeS, prefetch);

  let networkS = 0;
  const att = dep.model.attention;
  const layers = dep.model.layers.length;
  if (cp > 1) {
    const link = linkFor(dep.gpu, cp * dep.instance.gpus, dep.links.scaleUpDomainGpus);
    networkS += layers * collectiveTimeS('all-gather', perGroup * partialOutputBytes(g.qHeads, att.vHeadDim), cp, link);
  }
  if (spanningSeqs > 0) {
    const link = linkFor(dep.gpu, Number.MAX_SAFE_INTEGER, dep.links.scaleUpDomainGpus); // another instance: scale-out
    const span = spanningSeqs / dep.instance.attentionDp;
    networkS +=
      layers *
      collectiveTimeS('send-recv', span * distAttentionExchangeBytes(g.qHeads, att.headDim, att.vHeadDim), 2, link);
  }
  return {
    stepS: engineS + extraComputeS + exposed + networkS,
    engineS,
    extraComputeS,
    transferS: tS,
    exposedTransferS: exposed,
    networkS,
    contextEqTokens,
  };
}
