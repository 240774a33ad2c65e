/**
 * `KvEffect`: what a KV strategy does to one sequence of L tokens on a deployment —
 *   (a) bytes per token stored and the capacity that leaves, (b) bytes read and extra FLOPs per decode
 *   step, (c) transfers between memory tiers and devices, (d) lossless or approximate, in one line.
 * `kvEffect` composes any strategy; `quantEffect`, `evictEffect`, … are the single-family shorthands.
 * Sizes are for the whole model (all layers, one copy of the KV), not per GPU, unless a name says so.
 */
import { handoffLink, handoffSeconds } from '../cost/handoff.ts';
import type { Deployment } from '../cost/deployment.ts';
import { kvBytesForContext } from '../model/params.ts';
import { capacityPoint } from './capacity.ts';
import { strategyDecodeStep } from './decode.ts';
import { compressedTransferBytes, ringPrefillSendBytes } from '../kv/distributed.ts';
import {
  freeKvBytesPerGpu,
  layerKv,
  modelFootprint,
  resolveKv,
  stageFootprints,
  type ResolvedKv,
} from './footprint.ts';
import { exposedTransferS, reloadBytes, swapPreemptionS, transferS } from '../kv/offload.ts';
import {
  kvStrategySchema,
  type Fidelity,
  type KvDistributedInput,
  type KvEvictInput,
  type KvOffloadInput,
  type KvPagingInput,
  type KvQuantInput,
  type KvShareInput,
  type KvStrategy,
  type KvStrategyInput,
} from '../kv/types.ts';

export interface TransferCost {
  bytes: number;
  linkGBps: number;
  seconds: number;
}

export interface KvEffect {
  label: string;
  /** One line, e.g. "KIVI 2-bit: approximate; 5.3× smaller KV, g32 scale+zero, 128-token full-precision window". */
  description: string;
  lossless: boolean;
  fidelity: Fidelity;
  contextTokens: number;

  // (a) storage and capacity
  /** Reference: bf16 KV, no strategy, all layers. */
  bf16BytesPerToken: number;
  /** At the chosen format, metadata included, outside the residual window, all layers. */
  storedBytesPerToken: number;
  /** One sequence in HBM: retained tokens + residual window + metadata + summaries + fragmentation (shared prefix excluded). */
  hbmBytesPerSeq: number;
  /** hbmBytesPerSeq / L. */
  hbmBytesPerContextToken: number;
  /** Shared prefix, stored once per scheduler group. */
  sharedBytes: number;
  hostBytesPerSeq: number;
  droppedBytesPerSeq: number;
  wasteBytesPerSeq: number;
  metadataBytesPerSeq: number;
  /** bf16 KV of the whole context ÷ hbmBytesPerSeq. */
  compressionVsBf16: number;
  /** Head-weighted tokens per full-attention layer held / attended at L. */
  retainedTokens: number;
  attendedTokens: number;
  /** HBM per GPU left for KV on the tightest pipeline stage. */
  freeHbmBytesPerGpu: number;
  /** Sequences of L tokens the deployment's HBM holds (all replicas). */
  hbmSeqs: number;
  /** Context tokens the deployment's HBM holds at this strategy's bytes per token. */
  effectiveCapacityTokens: number;

  // (b) decode
  decodeReadBytesPerSeq: number;
  bf16DecodeReadBytesPerSeq: number;
  selectionReadBytesPerSeq: number;
  /** Dequantization + GEAR reconstruction + selection scoring FLOPs per step per sequence. */
  decodeExtraFlopsPerSeq: number;

  // (c) transfers
  transfers: {
    /** Promoted pages fetched from host each step (evict to host). */
    refetchH2dBytesPerStepPerSeq: number;
    /** Evicted KV written device→host once (= hostBytesPerSeq: bytes that left HBM). */
    evictD2hBytesPerSeq: number;
    /** If this sequence's HBM KV lived in host and streamed every step (offload), batch of one. */
    offloadStream: (TransferCost & { computeS: number; exposedS: number; prefetch: boolean }) | null;
    /** Multi-turn reuse: expected prompt KV reloaded from host/SSD per turn. */
    multiTurnReload: TransferCost | null;
    /** Swap-based preemption (FastSwitch): out and back in over the host link. */
    swapPreemptionS: number;
    /** Disaggregated prefill→decode hand-off of the prompt KV over the scale-out link (CacheGen-compressed). */
    disaggHandoff: TransferCost;
    /** Ring-attention prefill: KV bytes each GPU sends around the ring (null without context parallelism). */
    ringPrefillSendBytesPerGpu: number | null;
  };
  warnings: string[];
  sources: string[];
}

/** Effect of a resolved strategy at context L. */
export function effectOf(r: ResolvedKv, contextTokens: number): KvEffect {
  const { dep } = r;
  const L = contextTokens;
  const f = modelFootprint(r, L);
  const layers = r.fullLayers + r.slidingLayers;
  const bf16Seq = kvBytesForContext(dep.model, L, 2);
  const bf16Read = bf16Seq; // a bf16 decode step reads every cached token
  const full = layerKv(r, r.fullLayers > 0 ? 'full' : 'sliding', L);
  const free = freeKvBytesPerGpu(dep);
  const stages = stageFootprints(r, L);
  let freeTight = Infinity;
  let capTokens = Infinity;
  stages.forEach((s, i) => {
    const room = (free[i] ?? 0) - s.sharedBytes;
    if (s.hbmBytes > 0) capTokens = Math.min(capTokens, Math.max(0, room) / (s.hbmBytes / L));
    freeTight = Math.min(freeTight, free[i] ?? 0);
  });
  const point = capacityPoint(r, L, free);
  const groups = dep.instance.attentionDp * dep.dp;

  const storedPerToken = layers * r.quantBytesPerTokenLayer;
  const ratio = r.distributed.transferCompression;
  let offloadStream: KvEffect['transfers']['offloadStream'] = null;
  if (r.offload) {
    const perGpu = stages.reduce((a, s) => Math.max(a, s.readBytes), 0);
    const t = transferS(perGpu, r.hostGBps);
    const computeS = strategyDecodeStep(r, 1, L).stepS;
    offloadStream = {
      bytes: perGpu,
      linkGBps: r.hostGBps,
      seconds: t,
      computeS,
      exposedS: exposedTransferS(t, computeS, r.offload.prefetch),
      prefetch: r.offload.prefetch,
    };
  }
  let multiTurnReload: TransferCost | null = null;
  if (r.offload?.multiTurnReuse) {
    const bytes = compressedTransferBytes(reloadBytes(L, r.offload.multiTurnReuse.hitRate, storedPerToken), ratio);
    multiTurnReload = { bytes, linkGBps: r.hostGBps, seconds: transferS(bytes, r.hostGBps) };
  }
  const handoffBytes = compressedTransferBytes(L * storedPerToken, ratio);
  // If this plan were split into prefill and decode pools of this instance shape: the shared hand-off
  // model (cost/handoff.ts), over NVLink when two instances fit one scale-up domain, else the NICs.
  const handoff = handoffLink(dep.gpu, dep.instance.gpus, 2 * dep.instance.gpus <= dep.links.scaleUpDomainGpus);
  const cp = r.distributed.contextParallel;
  return {
    label: r.label,
    description: r.description,
    lossless: r.lossless,
    fidelity: r.fidelity,
    contextTokens: L,
    bf16BytesPerToken: layers * r.bf16BytesPerTokenLayer,
    storedBytesPerToken: storedPerToken,
    hbmBytesPerSeq: f.hbmBytes,
    hbmBytesPerContextToken: f.hbmBytes / L,
    sharedBytes: f.sharedBytes,
    hostBytesPerSeq: f.hostBytes,
    droppedBytesPerSeq: f.droppedBytes,
    wasteBytesPerSeq: f.wasteBytes,
    metadataBytesPerSeq: f.metadataBytes,
    compressionVsBf16: f.hbmBytes > 0 ? bf16Seq / f.hbmBytes : Infinity,
    retainedTokens: full.retainedTokens,
    attendedTokens: full.attendedTokens,
    freeHbmBytesPerGpu: Number.isFinite(freeTight) ? freeTight : 0,
    hbmSeqs: point.hbmSeqs,
    effectiveCapacityTokens: Number.isFinite(capTokens) ? Math.floor(capTokens) * groups : 0,
    decodeReadBytesPerSeq: f.readBytes,
    bf16DecodeReadBytesPerSeq: bf16Read,
    selectionReadBytesPerSeq: f.selectionReadBytes,
    decodeExtraFlopsPerSeq: f.extraFlops,
    transfers: {
      refetchH2dBytesPerStepPerSeq: f.refetchBytesPerStep,
      evictD2hBytesPerSeq: f.hostBytes,
      offloadStream,
      multiTurnReload,
      swapPreemptionS: swapPreemptionS(f.hbmBytes, r.hostGBps),
      disaggHandoff: {
        bytes: handoffBytes,
        linkGBps: handoff.GBpsPerGpu * handoff.lanes,
        seconds: handoffSeconds(handoffBytes, handoff),
      },
      ringPrefillSendBytesPerGpu:
        cp > 1
          ? ringPrefillSendBytes(L, cp, (layers * r.quantBytesPerTokenLayer * r.gpuShare) / dep.instance.pp)
          : null,
    },
    warnings: r.warnings,
    sources: r.sources,
  };
}

/** Effect of any (composed) strategy at context L. Accepts unparsed input; throws naming the field on bad input. */
export function kvEffect(dep: Deployment, strategy: KvStrategy | KvStrategyInput, contextTokens: number): KvEffect {
  return effectOf(resolveKv(dep, kvStrategySchema.parse(strategy)), contextTokens);
}

/** Quantized KV alone (fp8, int8, int4, KIVI-2, GEAR). */
export const quantEffect = (dep: Deployment, quant: KvQuantInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { quant }, contextTokens);
/** Eviction / sparse budget alone (H2O, StreamingLLM, RazorAttention/FlexiCache, top-k pages). */
export const evictEffect = (dep: Deployment, evict: KvEvictInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { evict }, contextTokens);
/** Tiered offload alone (host DRAM / NVMe, multi-turn reuse). */
export const offloadEffect = (dep: Deployment, offload: KvOffloadInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { offload }, contextTokens);
/** Prefix sharing / RAG chunk reuse alone. */
export const shareEffect = (dep: Deployment, share: KvShareInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { share }, contextTokens);
/** Memory management alone (PagedAttention block size, vAttention pages). */
export const pagingEffect = (dep: Deployment, paging: KvPagingInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { paging }, contextTokens);
/** KV across devices alone (context parallel, DistAttention, CacheGen). */
export const distributedEffect = (dep: Deployment, distributed: KvDistributedInput, contextTokens: number): KvEffect =>
  kvEffect(dep, { distributed }, contextTokens);
