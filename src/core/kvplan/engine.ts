/**
 * The scenario's KV strategy (`runtime.kvStrategy`) as the engine applies it — the one hook between
 * core/kv's per-family formulas (composed per sequence by footprint.ts `layerKv`) and the cost model
 * (which sees it as cost/kv-hook.ts `KvHook`), closed-form estimator
 * and simulator (issue 6). Without a strategy `kvEngineOf` returns null and every caller keeps its
 * own arithmetic untouched (byte-identical results).
 *
 * Units. The engine's KV pool is counted in *slots*: one slot = one token of one layer at the stored
 * format (geometry.kvBytesPerTokenLayerGpu per GPU; quantization payload + scale/zero metadata
 * included, core/cost/kvformat.ts). A sequence of L tokens holds, per layer:
 *   slots(L) = (HBM bytes of its retained tokens + bf16 residual window + page summaries / H2O scores)
 *              ÷ stored bytes per token            (footprint.ts layerKv, fragmentation excluded:
 *                                                  the engine allocates whole blocks itself)
 * and a decode step reads, per layer, readEq(L) = (attended bytes + selection reads) ÷ stored bytes
 * per token slots' worth of KV — the attention op's bytes (and FLOPs, which scale with the tokens
 * attended) follow it; dequantization / reconstruction / page-scoring FLOPs run on CUDA cores fused
 * with the KV loads (only the part exceeding the load time shows, as in decode.ts), and pages promoted
 * from host cross the host link each step (hidden behind the layer's attention with layer-wise
 * prefetch). Prefill still computes every token (eviction happens after attention has seen them).
 *
 * Not applied by the engine (shown by core/kv's capacity chart and effect only, with a warning):
 * context parallelism and DistAttention (they change the GPUs a sequence spans), and FlexGen-style
 * decoding over KV resident in host memory — the engine keeps running sequences' KV in HBM and uses
 * the host/NVMe tiers for swap preemption, multi-turn reuse and evicted pages.
 */
import type { BatchShape, KvDecodeSums } from '../cost/batch.ts';
import type { Deployment } from '../cost/deployment.ts';
import { kvStoredBytesPerElement, kvStrategyOf, withoutKvStrategy } from '../cost/kvformat.ts';
import { provideKvHook, type DecodeKvRead, type KvHook, type PromptWork } from '../cost/kv-hook.ts';
import { kvBlockTokens } from '../cost/memory.ts';
import type { GpuSpec } from '../hardware/types.ts';
import { kvBytesForContext } from '../model/params.ts';
import type { Workload } from '../scenario/schema.ts';
import { compressedTransferBytes } from '../kv/distributed.ts';
import { layerKv, resolveKv, type LayerKv, type ResolvedKv } from './footprint.ts';
import { effectiveHitRate, exposedTransferS, multiTurnStoreBytes, reloadBytes, transferS } from '../kv/offload.ts';
import { prefillComputedTokens, ragLoadBytes } from '../kv/share.ts';

/**
 * Non-tensor-core (CUDA core) FLOP rate as a fraction of dense bf16 tensor peak: H100 SXM 67 / 989,
 * A100 19.5 / 312 TFLOPS (fp32 vector) ≈ 1/15-1/16. Dequantization runs there.
 */
export const CUDA_CORE_FRACTION_OF_BF16_TENSOR = 1 / 16;

/** FLOP/s available to dequantization and scoring on one GPU. */
export function vectorFlopsPerS(gpu: GpuSpec): number {
  return gpu.denseTflops.bf16 * 1e12 * CUDA_CORE_FRACTION_OF_BF16_TENSOR;
}

/** Extra kernel work fused with the KV loads: only what exceeds the load time shows, max(0, FLOPs/rate − bytes/bw). */
export function exposedExtraComputeS(
  extraFlops: number,
  readBytes: number,
  flopsPerS: number,
  bytesPerS: number,
): number {
  return Math.max(0, extraFlops / flopsPerS - readBytes / bytesPerS);
}

/**
 * Prompt tokens still computed per request, and the KV bytes per GPU each request loads over the host
 * link instead: shared prefix and RAG chunks (share.ts), multi-turn hits (offload.ts: Little's-law store,
 * CachedAttention); loads are CacheGen-compressed (distributed.ts).
 */
export function promptWork(r: ResolvedKv, w: Workload, storedBytesPerToken: number): PromptWork {
  let computed = prefillComputedTokens(r.share, w.inputTokens);
  let loadBytes = ragLoadBytes(r.share, w.inputTokens, storedBytesPerToken);
  const mt = r.offload?.multiTurnReuse;
  if (mt) {
    const rate = w.arrival.kind === 'poisson' || w.arrival.kind === 'gamma' ? w.arrival.ratePerSec : 0;
    const hit = multiTurnHitRate(r, rate, w.inputTokens, storedBytesPerToken);
    const hitTokens = Math.min(computed, hit * w.inputTokens);
    computed -= hitTokens;
    loadBytes += reloadBytes(hitTokens, 1, storedBytesPerToken);
  }
  const bytes = compressedTransferBytes(loadBytes, r.distributed.transferCompression);
  return { computed: Math.max(1, Math.round(computed)), loadBytesPerGpu: (bytes * r.gpuShare) / r.dep.instance.pp };
}

/**
 * Multi-turn hit rate a TTL store of the offload tiers sustains (CachedAttention / Continuum): the
 * configured rate, scaled down when the store is smaller than Little's law asks for (sessions/s per
 * instance × TTL × bytes per session). `ratePerSec` over the whole plan; 0 (closed loop, offline,
 * traces) = the configured rate. 0 without multi-turn reuse.
 */
export function multiTurnHitRate(
  r: ResolvedKv,
  ratePerSec: number,
  promptTokens: number,
  storedBytesPerToken: number,
): number {
  const mt = r.offload?.multiTurnReuse;
  if (!mt) return 0;
  const rate = ratePerSec / r.dep.dp;
  if (!(rate > 0)) return mt.hitRate;
  const store = (r.hostBytesPerGpu + r.ssdBytesPerGpu) * r.dep.instance.gpus;
  return effectiveHitRate(mt.hitRate, multiTurnStoreBytes(rate, mt.ttlS, promptTokens * storedBytesPerToken), store);
}

export type { DecodeKvRead, PromptWork } from '../cost/kv-hook.ts';

/** The strategy resolved on one deployment, with the per-sequence quantities the engine uses. */
export class KvEngine implements KvHook {
  readonly r: ResolvedKv;
  /** Tokens per allocation unit (PagedAttention block, vAttention page; cost/memory kvBlockTokens). */
  readonly blockTokens: number;
  /** Stored bytes per token of one whole layer (one slot, all KV heads). */
  readonly slotBytes: number;
  readonly fullLayers: number;
  readonly slidingLayers: number;
  /**
   * Eviction makes per-sequence reads nonlinear in the context (budget caps): the simulator then costs
   * each step from per-sequence sums instead of its affine decode coefficients and run merging.
   */
  readonly exactDecode: boolean;
  private readonly cache = new Map<number, LayerKv>();
  private readonly cacheSliding = new Map<number, LayerKv>();

  constructor(readonly dep: Deployment) {
    const s = kvStrategyOf(dep)!;
    this.r = resolveKv(withoutKvStrategy(dep), s);
    this.blockTokens = kvBlockTokens(dep);
    this.slotBytes = this.r.quantBytesPerTokenLayer;
    this.fullLayers = this.r.fullLayers;
    this.slidingLayers = this.r.slidingLayers;
    this.exactDecode = s.evict !== undefined;
  }

  /** One layer of one sequence at context L (memoised; bounded). */
  layer(attention: 'full' | 'sliding', L: number): LayerKv {
    const m = attention === 'full' ? this.cache : this.cacheSliding;
    const hit = m.get(L);
    if (hit) return hit;
    const v = layerKv(this.r, attention, L);
    if (m.size >= 8192) m.clear();
    m.set(L, v);
    return v;
  }

  /** Slots one sequence of L tokens holds in one layer (shared prefix and fragmentation excluded). */
  slots(attention: 'full' | 'sliding', L: number): number {
    const l = this.layer(attention, L);
    return (l.hbmBytes - l.wasteBytes) / this.slotBytes;
  }

  /** Shared-prefix slots per full layer, held once per scheduler group. */
  sharedSlots(L: number): number {
    return this.layer('full', L).sharedBytes / this.slotBytes;
  }

  /** Allocation units (one block of one layer) a sequence of L tokens holds: Σ layers ⌈slots / block⌉. */
  units(L: number): number {
    const b = this.blockTokens;
    const ceil = (x: number) => Math.ceil(x / b - 1e-9);
    return (
      this.fullLayers * ceil(this.slots('full', L)) +
      (this.slidingLayers > 0 ? this.slidingLayers * ceil(this.slots('sliding', L)) : 0)
    );
  }

  /** Units of the shared prefix, once per scheduler group (full layers; 0 without prefix sharing). */
  sharedUnits(L: number): number {
    const s = this.sharedSlots(L);
    return s > 0 ? this.fullLayers * Math.ceil(s / this.blockTokens - 1e-9) : 0;
  }

  /**
   * Sequences of L tokens one scheduler group holds, given its pool of `capacityTokens` tokens (one
   * token = one slot in every layer, memoryReport's maxKvTokensPerGroup): the shared prefix once, then
   * ⌊rest / units per sequence⌋ (units counted in whole blocks per layer).
   */
  seqsFitting(capacityTokens: number, L: number): number {
    const layers = this.fullLayers + this.slidingLayers;
    const capUnits = Math.floor(capacityTokens / this.blockTokens) * layers - this.sharedUnits(L);
    const per = this.units(L);
    if (capUnits <= 0 || per <= 0) return 0;
    return Math.floor(capUnits / per);
  }

  /** Slots one decode step reads per layer for a sequence of L tokens (attended + residual + selection). */
  readEq(attention: 'full' | 'sliding', L: number): number {
    return this.layer(attention, L).readBytes / this.slotBytes;
  }

  /**
   * The decode reads of one layer on one GPU for a batch (per attention-DP group): per-sequence sums when
   * the simulator provides them (`shape.kvDecode`), else every decoding sequence at the batch's mean
   * context (exact for the estimator's uniform batches).
   */
  decodeRead(shape: BatchShape, sliding: boolean, adp: number): DecodeKvRead {
    const share = this.r.gpuShare;
    const sums = shape.kvDecode;
    if (sums) {
      return {
        tokens: (sliding ? sums.eqWindow : sums.eq) / adp,
        extraFlops: ((sliding ? sums.extraFlopsWindow : sums.extraFlops) * share) / adp,
        h2dBytes: sliding ? 0 : (sums.h2dBytes * share) / adp,
      };
    }
    const k = shape.decodeKvReadTokens;
    if (k <= 0) return { tokens: 0, extraFlops: 0, h2dBytes: 0 };
    const n = shape.decodeOnly ? shape.seqs : Math.max(1, shape.seqs);
    const perGroup = n / adp;
    const L = k / n;
    const l = this.layer(sliding ? 'sliding' : 'full', L);
    return {
      tokens: (perGroup * l.readBytes) / this.slotBytes,
      extraFlops: perGroup * l.extraFlops * share,
      h2dBytes: sliding ? 0 : perGroup * l.refetchBytesPerStep * share,
    };
  }

  /** Add one decoding sequence at context L (ctx + 1) to per-sequence sums. */
  addDecode(sums: KvDecodeSums, L: number): void {
    const f = this.layer('full', L);
    sums.eq += f.readBytes / this.slotBytes;
    sums.extraFlops += f.extraFlops;
    sums.h2dBytes += f.refetchBytesPerStep;
    if (this.slidingLayers > 0) {
      const s = this.layer('sliding', L);
      sums.eqWindow += s.readBytes / this.slotBytes;
      sums.extraFlopsWindow += s.extraFlops;
    }
  }

  /** Dequant / selection time not hidden behind the layer's KV loads (per GPU). */
  extraComputeS(extraFlops: number, readBytes: number, attentionDecodeBytesPerS: number): number {
    return exposedExtraComputeS(extraFlops, readBytes, vectorFlopsPerS(this.dep.gpu), attentionDecodeBytesPerS);
  }

  /** Host link per direction, GB/s (the offload component's override, else the GPU's). */
  get hostGBps(): number {
    return this.r.hostGBps;
  }

  /** Layer-wise prefetch (the offload component's, default on) hides host loads behind compute. */
  get prefetch(): boolean {
    return this.r.offload?.prefetch ?? true;
  }

  /** Promoted pages over the host link, hidden behind the layer's attention with layer-wise prefetch. */
  refetchS(h2dBytes: number, attentionS: number): { transferS: number; exposedS: number } {
    const t = transferS(h2dBytes, this.r.hostGBps);
    return { transferS: t, exposedS: exposedTransferS(t, attentionS, this.r.offload?.prefetch ?? true) };
  }

  /** Stored KV bytes per token over all layers (one copy): quantized format, metadata included. */
  get storedBytesPerToken(): number {
    return (this.fullLayers + this.slidingLayers) * this.slotBytes;
  }

  /** Multi-turn hit rate the store sustains at `ratePerSec` over the plan (see multiTurnHitRate). */
  multiTurnHitRate(ratePerSec: number, promptTokens: number): number {
    return multiTurnHitRate(this.r, ratePerSec, promptTokens, this.storedBytesPerToken);
  }

  /** Prompt work of a workload's mean request (sharing, RAG and multi-turn reuse). */
  promptWork(w: Workload): PromptWork {
    return promptWork(this.r, w, this.storedBytesPerToken);
  }

  /**
   * KV bytes of a prompt handed from a prefill to a decode instance: what it holds in HBM (retained,
   * residual window, metadata; the shared prefix travels too), CacheGen-compressed.
   */
  handoffBytes(promptTokens: number): number {
    const f = this.layer('full', promptTokens);
    let bytes = this.fullLayers * (f.hbmBytes - f.wasteBytes + f.sharedBytes);
    if (this.slidingLayers > 0) {
      const s = this.layer('sliding', promptTokens);
      bytes += this.slidingLayers * (s.hbmBytes - s.wasteBytes);
    }
    return compressedTransferBytes(bytes, this.r.distributed.transferCompression);
  }
}

const engines = new WeakMap<Deployment, KvEngine | null>();

/** The deployment's KV strategy as the engine applies it, or null for plain paged KV (cached per deployment). */
export function kvEngineOf(dep: Deployment): KvEngine | null {
  const hit = engines.get(dep);
  if (hit !== undefined) return hit;
  const e = kvStrategyOf(dep) ? new KvEngine(dep) : null;
  engines.set(dep, e);
  return e;
}

provideKvHook(kvEngineOf);

/**
 * KV bytes of one prompt handed from a prefill to a decode instance: the strategy's hand-off size
 * (KvEngine.handoffBytes), else the plain KV at the stored dtype. `kv` is `kvEngineOf(dep)`.
 */
export function promptHandoffBytes(dep: Deployment, kv: KvEngine | null, promptTokens: number): number {
  return kv ? kv.handoffBytes(promptTokens) : kvBytesForContext(dep.model, promptTokens, kvStoredBytesPerElement(dep));
}

/** Strategy parts the engine does not cost (core/kv's capacity chart shows them), in words. */
export function engineCaveats(dep: Deployment): string[] {
  const s = kvStrategyOf(dep);
  const out: string[] = [];
  const d = s?.distributed;
  if (d && d.contextParallel > 1)
    out.push(
      `runtime.kvStrategy.distributed.contextParallel = ${d.contextParallel} is shown in the KV capacity chart only: evaluation and search cost the plan's own tp/pp/dp.`,
    );
  if (d?.distAttention)
    out.push(
      'DistAttention (runtime.kvStrategy.distributed.distAttention) is shown in the KV capacity chart only: each replica is costed with its own KV pool.',
    );
  if (s?.offload)
    out.push(
      'Offload tiers hold swapped-out (preempted) sequences, multi-turn KV and evicted pages; running sequences decode from HBM (FlexGen-style streaming of live KV is shown in the KV capacity chart).',
    );
  return out;
}
