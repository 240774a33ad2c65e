/**
 * Composition: resolve a `KvStrategy` against a Deployment and work out, per layer and per GPU, what one
 * sequence of L tokens stores, reads and moves. The family modules hold the formulas; this file only
 * chains them:
 *
 *   tokens      eviction retention (evict.ts)      → HBM / host / dropped tokens, tokens attended
 *   sharing     shared prefix stored once (share.ts) (ignored with eviction: evicted sets are per sequence)
 *   bytes       quantized bytes per token + residual window (quant.ts)
 *   overheads   page summaries / H2O scores (evict.ts), fragmentation (paging.ts)
 *   placement   per GPU: × the GPU's share of a layer's KV (TP split / replication), ÷ context parallel
 *
 * Sliding-window layers keep min(L, window) tokens and are neither evicted nor shared.
 */
import type { Deployment } from '../cost/deployment.ts';
import { withoutKvStrategy } from '../cost/kvformat.ts';
import { geometryOf, stageKvLayerWeights } from '../cost/geometry.ts';
import { memoryReport, stateBytesPerSeqGpu } from '../cost/memory.ts';
import { attentionKvBytesPerLayerPerToken, stateBytesPerSequence } from '../model/params.ts';
import { holdsKv } from '../model/types.ts';
import { GB } from '../units.ts';
import { DISTRIBUTED_SOURCES, describeDistributed, distributedFidelity } from '../kv/distributed.ts';
import {
  EVICT_SOURCES,
  defaultEvictedTo,
  describeEvict,
  h2oScoreBytesPerLayer,
  retention,
  selectionFlopsPerLayer,
  selectionReadFraction,
  shortEvict,
  summaryTokensBf16,
} from '../kv/evict.ts';
import { OFFLOAD_SOURCES, describeOffload, hostLinkGBps, ssdReadGBps } from '../kv/offload.ts';
import { describePaging, resolvePaging, mlaEngineConstraint, type ResolvedPaging } from '../kv/paging.ts';
import { describeQuant, residualWindowBytes, resolveQuant, type ResolvedQuant } from '../kv/quant.ts';
import { SHARE_SOURCES, describeShare, sharedPrefixTokens, shareFidelity } from '../kv/share.ts';
import {
  worstFidelity,
  type Fidelity,
  type KvDistributed,
  type KvEvict,
  type KvOffload,
  type KvShare,
  type KvStrategy,
} from '../kv/types.ts';

export interface ResolvedKv {
  dep: Deployment;
  strategy: KvStrategy;
  label: string;
  description: string;
  fidelity: Fidelity;
  lossless: boolean;
  quant: ResolvedQuant;
  evict: KvEvict | undefined;
  /** Undefined when absent or ignored (with eviction). */
  share: KvShare | undefined;
  /** Undefined when absent or unsupported (MLA on the AMD stack). */
  offload: KvOffload | undefined;
  distributed: KvDistributed;
  paging: ResolvedPaging;
  /** KV elements per token of one layer (whole layer, one copy). */
  elementsPerTokenLayer: number;
  bf16BytesPerTokenLayer: number;
  quantBytesPerTokenLayer: number;
  /** Fraction of one layer's KV one GPU holds (1/tp, more when KV heads are replicated, 1 for MLA). */
  gpuShare: number;
  /** Full-attention and sliding layers held by each pipeline stage. */
  stages: { full: number; sliding: number }[];
  fullLayers: number;
  slidingLayers: number;
  window: number | null;
  hostGBps: number;
  ssdGBps: number;
  /** Host / NVMe bytes per GPU available to KV (0 without offload). */
  hostBytesPerGpu: number;
  ssdBytesPerGpu: number;
  warnings: string[];
  sources: string[];
}

const DEFAULT_DISTRIBUTED: KvDistributed = {
  kind: 'distributed',
  contextParallel: 1,
  distAttention: false,
  transferCompression: 1,
};

function shortQuant(q: ResolvedQuant): string {
  if (q.dtype === 'kivi2') return q.name.startsWith('GEAR') ? 'GEAR-2' : 'KIVI-2';
  if (q.name.startsWith('GEAR')) return `GEAR-${q.dtype}`;
  return q.name;
}

/** Short label for rankings: "fp8 KV", "KIVI-2", "H2O 20% + host offload". */
export function shortLabel(strategy: KvStrategy, q: ResolvedQuant, runtimeBlockSize: number): string {
  if (strategy.label) return strategy.label;
  const parts: string[] = [];
  if (strategy.quant) parts.push(shortQuant(q));
  if (strategy.evict) parts.push(shortEvict(strategy.evict));
  if (strategy.offload)
    parts.push(
      (strategy.offload.ssdGB > 0 ? 'host+NVMe offload' : 'host offload') +
        (strategy.offload.multiTurnReuse ? ' + multi-turn reuse' : ''),
    );
  if (strategy.share)
    parts.push(
      strategy.share.ragChunkReuse
        ? strategy.share.prefixTokens > 0
          ? 'prefix + RAG reuse'
          : 'RAG chunk reuse'
        : 'prefix sharing',
    );
  if (strategy.paging)
    parts.push(
      strategy.paging.scheme === 'vattention'
        ? `vAttention ${strategy.paging.pageKiB} KiB`
        : `PagedAttention B${strategy.paging.blockSize ?? runtimeBlockSize}`,
    );
  const d = strategy.distributed;
  if (d) {
    if (d.contextParallel > 1) parts.push(`CP×${d.contextParallel}`);
    if (d.distAttention) parts.push('DistAttention');
    if (d.transferCompression > 1) parts.push(`CacheGen ${d.transferCompression}×`);
  }
  return parts.length > 0 ? parts.join(' + ') : `${q.name} (as configured)`;
}

/** Resolve defaults, engine constraints and labels once per (deployment, strategy). */
export function resolveKv(deployment: Deployment, strategy: KvStrategy): ResolvedKv {
  // The strategy applies to the deployment as configured without one (a scenario's own runtime.kvStrategy is not applied twice).
  const dep = withoutKvStrategy(deployment);
  const { model, gpu } = dep;
  const att = model.attention;
  const g = geometryOf(dep);
  const elementsPerTokenLayer = attentionKvBytesPerLayerPerToken(model, 1);
  const vectorDim = att.kind === 'mla' ? att.kvLoraRank + att.qkRopeHeadDim : att.headDim;
  const quant = resolveQuant(strategy.quant, dep.precision.kvCache, vectorDim);
  const gpuShare = g.kvBytesPerTokenLayerGpu / attentionKvBytesPerLayerPerToken(model, g.kvBytes);
  const quantBytesPerTokenLayer = elementsPerTokenLayer * quant.bytesPerElement;
  const warnings: string[] = [];
  const sources: string[] = [...quant.sources];
  if (quant.bytesPerElement > 2)
    warnings.push(
      `${quant.name} stores ${quant.bytesPerElement.toFixed(2)} B per element, more than bf16 (2 B): lower the GEAR rank/sparsity or raise the group size.`,
    );
  const paging = resolvePaging(
    strategy.paging,
    dep.runtime.kvBlockSize,
    model,
    gpu,
    gpuShare * quantBytesPerTokenLayer,
  );
  warnings.push(...paging.warnings);
  sources.push(...paging.sources);

  let fidelity: Fidelity = quant.fidelity;
  const descriptions: string[] = [];
  if (strategy.quant) descriptions.push(describeQuant(quant));

  const evict = strategy.evict;
  if (evict) {
    fidelity = worstFidelity(fidelity, 'approximate');
    descriptions.push(describeEvict(evict));
    sources.push(EVICT_SOURCES[evict.policy]);
  }

  let share = strategy.share;
  if (share) {
    descriptions.push(describeShare(share));
    if (share.prefixTokens > 0) sources.push(SHARE_SOURCES.prefix);
    if (share.ragChunkReuse) sources.push(SHARE_SOURCES.rag);
    fidelity = worstFidelity(fidelity, shareFidelity(share));
    if (evict && share.prefixTokens > 0) {
      warnings.push(
        'Prefix sharing is not applied together with eviction: each sequence evicts its own tokens, so the prefix KV is not shared.',
      );
      share = { ...share, prefixTokens: 0 };
    }
  }

  let offload = strategy.offload;
  const mla = mlaEngineConstraint(model, gpu);
  const hostGBps = hostLinkGBps(gpu, offload);
  if (offload) {
    sources.push(OFFLOAD_SOURCES.tiers);
    if (offload.multiTurnReuse) sources.push(OFFLOAD_SOURCES.multiTurn);
    descriptions.push(describeOffload(offload, hostGBps));
    if (mla && !mla.offloadSupported) {
      warnings.push(`${model.name} uses MLA: ${mla.engine} cannot offload KV (${mla.source}); offload ignored.`);
      sources.push(mla.source);
      offload = undefined;
    }
  }
  if (evict && (evict.evictedTo ?? defaultEvictedTo(evict.policy)) === 'host' && !offload) {
    warnings.push(
      'Evicted KV is parked in host DRAM, whose size is not set (add offload.hostGB to bound it): assumed large enough.',
    );
  }

  const distributed = strategy.distributed ?? DEFAULT_DISTRIBUTED;
  if (strategy.distributed) {
    descriptions.push(describeDistributed(distributed));
    fidelity = worstFidelity(fidelity, distributedFidelity(distributed));
    if (distributed.contextParallel > 1) sources.push(DISTRIBUTED_SOURCES.cp);
    if (distributed.distAttention) sources.push(DISTRIBUTED_SOURCES.dist);
    if (distributed.transferCompression > 1) {
      sources.push(DISTRIBUTED_SOURCES.cachegen);
      if (quant.bytesPerElement < 2)
        warnings.push('CacheGen ratios were measured against fp16 KV; on an already quantized KV the gain is smaller.');
    }
  }
  if (strategy.paging) descriptions.push(describePaging(paging, strategy.paging.pageKiB));

  // Layers of each kind per stage, in units of one full-attention layer's KV bytes (Gemma-4 / MiMo-V2
  // sliding layers weigh their own shape, DeepSeek-V4 compressed layers their growth: geometry.ts).
  const stages = stageKvLayerWeights(dep);
  const fullLayers = stages.reduce((a, s) => a + s.full, 0);
  const slidingLayers = stages.reduce((a, s) => a + s.sliding, 0);
  if (evict && slidingLayers > 0) {
    const kvLayers = model.layers.filter(holdsKv);
    const nSliding = kvLayers.filter((l) => l.attention === 'sliding').length;
    warnings.push(
      `${model.name} has ${nSliding} sliding-window layers: eviction applies to its ${kvLayers.length - nSliding} full-attention layers only.`,
    );
  }

  return {
    dep,
    strategy,
    label: shortLabel(strategy, quant, dep.runtime.kvBlockSize),
    description: descriptions.length > 0 ? descriptions.join(' + ') : describeQuant(quant),
    fidelity,
    lossless: fidelity === 'exact',
    quant,
    evict,
    share,
    offload,
    distributed,
    paging,
    elementsPerTokenLayer,
    bf16BytesPerTokenLayer: elementsPerTokenLayer * 2,
    quantBytesPerTokenLayer,
    gpuShare,
    stages,
    fullLayers,
    slidingLayers,
    window: model.slidingWindow,
    hostGBps,
    ssdGBps: offload ? ssdReadGBps(offload, hostGBps) : 0,
    hostBytesPerGpu: offload ? offload.hostGB * GB : 0,
    ssdBytesPerGpu: offload ? offload.ssdGB * GB : 0,
    warnings,
    sources: [...new Set(sources)],
  };
}

/** KV bytes and FLOPs of one layer of one sequence, or summed over layers and sequences (with a scale such as the GPU share). */
export interface Footprint {
  /** HBM bytes of this sequence (shared prefix excluded), metadata, summaries and fragmentation included. */
  hbmBytes: number;
  /** Evicted KV parked in host. */
  hostBytes: number;
  droppedBytes: number;
  wasteBytes: number;
  /** Scales/zeros, page summaries and H2O scores (part of hbmBytes; reported separately). */
  metadataBytes: number;
  /** Shared-prefix bytes this layer holds once per scheduler group. */
  sharedBytes: number;
  /** HBM bytes one decode step reads (attended KV + selection summaries). */
  readBytes: number;
  selectionReadBytes: number;
  /** Dequantization / reconstruction / selection FLOPs per decode step. */
  extraFlops: number;
  /** Bytes fetched from host per decode step (promoted pages). */
  refetchBytesPerStep: number;
}

/** What one sequence's KV costs in one layer (whole layer, all KV heads, one copy), bytes / FLOPs. */
export interface LayerKv extends Footprint {
  /** Head-weighted tokens held and attended. */
  retainedTokens: number;
  attendedTokens: number;
}

/** Quantized bytes of n tokens with the residual window at bf16. */
function tokensBytes(r: ResolvedKv, n: number): number {
  return residualWindowBytes(n, r.quant.residualTokens, r.bf16BytesPerTokenLayer, r.quantBytesPerTokenLayer);
}

/** Group metadata bytes of n tokens (those outside the residual window). */
function metadataBytesOf(r: ResolvedKv, n: number): number {
  return (
    Math.max(0, n - r.quant.residualTokens) * r.elementsPerTokenLayer * (r.quant.metadataBytes + r.quant.gearBytes)
  );
}

/** One layer of one sequence at context L. */
export function layerKv(r: ResolvedKv, attention: 'full' | 'sliding', contextTokens: number): LayerKv {
  const L = contextTokens;
  const q = r.quantBytesPerTokenLayer;
  const waste = r.paging.wasteTokens * q;
  const flopsPerToken = r.elementsPerTokenLayer * r.quant.flopsPerElement;
  if (attention === 'sliding') {
    const n = Math.min(L, r.window ?? L);
    const bytes = tokensBytes(r, n);
    const extra = Math.max(0, n - r.quant.residualTokens) * flopsPerToken;
    return {
      hbmBytes: bytes + waste,
      hostBytes: 0,
      droppedBytes: 0,
      wasteBytes: waste,
      metadataBytes: metadataBytesOf(r, n),
      sharedBytes: 0,
      readBytes: bytes,
      selectionReadBytes: 0,
      extraFlops: extra,
      refetchBytesPerStep: 0,
      retainedTokens: n,
      attendedTokens: n,
    };
  }
  const att = r.dep.model.attention;
  const e = r.evict;
  const ret = e
    ? retention(e, L)
    : { hbmTokens: L, hostTokens: 0, droppedTokens: 0, attendedTokens: L, refetchTokensPerStep: 0, keptPerHead: L };
  // The shared prefix covers at most L − 1 tokens: the token being generated is always the sequence's own
  // (a sequence holding nothing of its own would fit without bound — and capacity would not be monotone in L).
  const shared = r.share ? Math.min(sharedPrefixTokens(r.share.prefixTokens, L), Math.max(0, ret.hbmTokens - 1)) : 0;
  const numKvHeads = att.kind === 'mla' ? 1 : att.numKvHeads;
  const summary = e
    ? summaryTokensBf16(e, L) * r.bf16BytesPerTokenLayer + h2oScoreBytesPerLayer(e, ret.keptPerHead, numKvHeads)
    : 0;
  const selectionRead = e ? selectionReadFraction(e) * L * r.bf16BytesPerTokenLayer : 0;
  const selectionFlops = e ? selectionFlopsPerLayer(e, L, ret.keptPerHead, att.numHeads, att.headDim) : 0;
  const unique = ret.hbmTokens - shared;
  return {
    hbmBytes: tokensBytes(r, unique) + summary + waste,
    hostBytes: ret.hostTokens * q,
    droppedBytes: ret.droppedTokens * q,
    wasteBytes: waste,
    metadataBytes: metadataBytesOf(r, unique) + summary,
    sharedBytes: shared * q,
    readBytes: tokensBytes(r, ret.attendedTokens) + selectionRead,
    selectionReadBytes: selectionRead,
    extraFlops: Math.max(0, ret.attendedTokens - r.quant.residualTokens) * flopsPerToken + selectionFlops,
    refetchBytesPerStep: ret.refetchTokensPerStep * q,
    retainedTokens: ret.hbmTokens,
    attendedTokens: ret.attendedTokens,
  };
}

const ZERO: Footprint = {
  hbmBytes: 0,
  hostBytes: 0,
  droppedBytes: 0,
  wasteBytes: 0,
  metadataBytes: 0,
  sharedBytes: 0,
  readBytes: 0,
  selectionReadBytes: 0,
  extraFlops: 0,
  refetchBytesPerStep: 0,
};

function addLayers(acc: Footprint, l: LayerKv, count: number): Footprint {
  if (count === 0) return acc;
  return {
    hbmBytes: acc.hbmBytes + l.hbmBytes * count,
    hostBytes: acc.hostBytes + l.hostBytes * count,
    droppedBytes: acc.droppedBytes + l.droppedBytes * count,
    wasteBytes: acc.wasteBytes + l.wasteBytes * count,
    metadataBytes: acc.metadataBytes + l.metadataBytes * count,
    sharedBytes: acc.sharedBytes + l.sharedBytes * count,
    readBytes: acc.readBytes + l.readBytes * count,
    selectionReadBytes: acc.selectionReadBytes + l.selectionReadBytes * count,
    extraFlops: acc.extraFlops + l.extraFlops * count,
    refetchBytesPerStep: acc.refetchBytesPerStep + l.refetchBytesPerStep * count,
  };
}

function scale(f: Footprint, k: number): Footprint {
  const out = { ...f };
  for (const key of Object.keys(out) as (keyof Footprint)[]) out[key] *= k;
  return out;
}

/** HBM held by a sequence's recurrent state (Gated DeltaNet / Mamba-2 layers): fixed, flat in context. */
function withState(f: Footprint, stateBytes: number): Footprint {
  return stateBytes > 0 ? { ...f, hbmBytes: f.hbmBytes + stateBytes } : f;
}

/** One sequence over all layers of the model, one copy (not per GPU); recurrent state included. */
export function modelFootprint(r: ResolvedKv, contextTokens: number): Footprint {
  let f = addLayers(ZERO, layerKv(r, 'full', contextTokens), r.fullLayers);
  if (r.slidingLayers > 0) f = addLayers(f, layerKv(r, 'sliding', contextTokens), r.slidingLayers);
  return withState(f, stateBytesPerSequence(r.dep.model));
}

/** One sequence on one GPU of each pipeline stage: × the GPU's share of a layer, ÷ context parallel shards. */
export function stageFootprints(r: ResolvedKv, contextTokens: number): Footprint[] {
  const full = layerKv(r, 'full', contextTokens);
  const sliding = r.slidingLayers > 0 ? layerKv(r, 'sliding', contextTokens) : null;
  const k = r.gpuShare / r.distributed.contextParallel;
  return r.stages.map((s, i) => {
    let f = addLayers(ZERO, full, s.full);
    if (sliding) f = addLayers(f, sliding, s.sliding);
    return withState(scale(f, k), stateBytesPerSeqGpu(r.dep, i));
  });
}

/** HBM bytes per GPU left for KV on each stage: budget − weights − activations − reserve (the engine's memory model, before block rounding). */
export function freeKvBytesPerGpu(dep: Deployment): number[] {
  return memoryReport(dep).perGpu.map((g) =>
    Math.max(0, (g.budgetGB - g.weightsGB - g.activationsGB - g.reservedGB) * GB),
  );
}
