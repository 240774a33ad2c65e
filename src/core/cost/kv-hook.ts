/**
 * What the cost model needs from a KV strategy (runtime.kvStrategy), declared here so cost/ stays
 * below the code that composes the strategy's families on a deployment (core/kvplan/engine.ts, which
 * implements this interface and provides it). cost/ sees only this shape; core/kv's per-family
 * formulas sit below cost/.
 *
 * Without a strategy `kvHookOf` returns null and every caller keeps its plain paged-KV arithmetic.
 */
import type { Workload } from '../scenario/schema.ts';
import type { BatchShape } from './batch.ts';
import type { Deployment } from './deployment.ts';
import { kvStrategyOf } from './kvformat.ts';

/** Per-step decode reads of one attention layer on one GPU under a strategy. */
export interface DecodeKvRead {
  /** Slots read (× geometry.kvBytesPerTokenLayerGpu = bytes); without a strategy this is Σ(ctx + 1). */
  tokens: number;
  /** Dequantization + reconstruction + selection FLOPs on this GPU. */
  extraFlops: number;
  /** Promoted pages fetched from host on this GPU (evict to host). */
  h2dBytes: number;
}

/** Prompt work under sharing / RAG chunk reuse / multi-turn reuse (what the estimator costs). */
export interface PromptWork {
  /** Prompt tokens still prefilled per request (≥ 1). */
  computed: number;
  /** KV bytes per GPU each request loads over the host link instead (CacheGen-compressed). */
  loadBytesPerGpu: number;
}

/** A KV strategy resolved on one deployment, as the estimator and the iteration cost use it. */
export interface KvHook {
  /** Tokens per allocation unit (PagedAttention block, vAttention page). */
  readonly blockTokens: number;
  readonly fullLayers: number;
  readonly slidingLayers: number;
  /** Host link per direction, GB/s. */
  readonly hostGBps: number;
  /** Layer-wise prefetch hides host loads behind compute. */
  readonly prefetch: boolean;
  /** Allocation units (one block of one layer) a sequence of L tokens holds. */
  units(L: number): number;
  /** Units of the shared prefix, once per scheduler group. */
  sharedUnits(L: number): number;
  /** Sequences of L tokens one scheduler group of `capacityTokens` holds. */
  seqsFitting(capacityTokens: number, L: number): number;
  /** Prompt work of a workload's mean request. */
  promptWork(w: Workload): PromptWork;
  /** The decode reads of one layer on one GPU for a batch (per attention-DP group). */
  decodeRead(shape: BatchShape, sliding: boolean, adp: number): DecodeKvRead;
  /** Dequant / selection time not hidden behind the layer's KV loads (per GPU). */
  extraComputeS(extraFlops: number, readBytes: number, attentionDecodeBytesPerS: number): number;
  /** Promoted pages over the host link, and the part not hidden behind the layer's attention. */
  refetchS(h2dBytes: number, attentionS: number): { transferS: number; exposedS: number };
}

let provider: ((dep: Deployment) => KvHook | null) | null = null;

/** Called once by core/kvplan/engine.ts when it loads: how cost/ resolves a deployment's strategy. */
export function provideKvHook(resolve: (dep: Deployment) => KvHook | null): void {
  provider = resolve;
}

/** The deployment's KV strategy as the cost model applies it, or null for plain paged KV. */
export function kvHookOf(dep: Deployment): KvHook | null {
  if (!kvStrategyOf(dep)) return null;
  if (provider === null)
    throw new Error(
      'runtime.kvStrategy is set but no KV strategy engine is loaded: import core/kvplan/engine.ts (or core/index.ts) before costing the plan',
    );
  return provider(dep);
}
