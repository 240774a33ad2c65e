/**
 * Declared here, filled by the KV strategy engine (core/kvplan/engine.ts): cost/ sees only this shape.
 *
 * Per-sequence decode sums the simulator accumulates when a strategy makes the cost nonlinear in the
 * context (eviction budgets): whole-instance sums over decoding sequences, at the per-layer level.
 */
export interface KvDecodeSums {
  eq: number;
  eqWindow: number;
  extraFlops: number;
  extraFlopsWindow: number;
  h2dBytes: number;
}

/**
 * The shape of one iteration's batch, reduced to the sums every cost formula needs. Built from the
 * exact per-sequence composition (simulator) or from a uniform batch (closed-form estimator).
 */
export interface SeqStep {
  /** Tokens of this sequence already in the KV cache. */
  ctx: number;
  /** Tokens processed this step (1 for decode, a prompt chunk for prefill). */
  newTokens: number;
  /** True when this step yields a sampled token (decode, or the last chunk of a prompt). */
  emits: boolean;
}

export interface BatchShape {
  /** New tokens in the step, over the whole instance. */
  tokens: number;
  seqs: number;
  /** Sequences that sample a token this step (LM head rows). */
  logitTokens: number;
  /** Σ causal (query, key) pairs: Σ newTokens·ctx + newTokens(newTokens+1)/2. */
  attnPairs: number;
  /** Same with keys limited to the last `window` positions (sliding-window layers). */
  attnPairsWindow: number;
  /** Σ keys read from KV: Σ (ctx + newTokens). */
  kvReadTokens: number;
  kvReadTokensWindow: number;
  /** Part of kvReadTokens (and attnPairs) that belongs to decoding sequences (one new token each). */
  decodeKvReadTokens: number;
  decodeKvReadTokensWindow: number;
  /** Sequences decoding one token this step (the rest are prefill chunks). */
  decodeSeqs: number;
  /** True when every sequence decodes one token (CUDA-graph eligible). */
  decodeOnly: boolean;
  /**
   * Per-sequence decode sums under a KV strategy whose reads are nonlinear in the context (eviction),
   * accumulated by the simulator (core/kvplan/engine.ts). Absent: every decoding sequence is costed at the
   * batch's mean context.
   */
  kvDecode?: KvDecodeSums;
  /**
   * Positions each decoding sequence runs this step: 1 normally, k + 1 for a speculative verify step (the
   * last token plus k drafts, core/spec). Absent = 1. `tokens`, `logitTokens` and the decode key counts
   * already include the extra positions (widenDecode).
   */
  decodeWidth?: number;
}

/** Causal pairs of n new queries after c cached keys, each query seeing at most w keys. */
export function causalPairs(c: number, n: number, w: number): number {
  if (!Number.isFinite(w) || w >= c + n) return n * c + (n * (n + 1)) / 2;
  // Query i (1-based) sees min(c + i, w) keys.
  const full = Math.max(0, Math.min(n, w - c)); // queries that see all c+i ≤ w keys
  const rampPairs = full * c + (full * (full + 1)) / 2;
  return rampPairs + (n - full) * w;
}

export function shapeOf(steps: readonly SeqStep[], window: number | null): BatchShape {
  const w = window ?? Infinity;
  let tokens = 0;
  let logit = 0;
  let pairs = 0;
  let pairsW = 0;
  let kv = 0;
  let kvW = 0;
  let dec = 0;
  let decW = 0;
  let decodeSeqs = 0;
  let decodeOnly = steps.length > 0;
  for (const s of steps) {
    if (s.newTokens === 1) {
      decodeSeqs++;
      dec += s.ctx + 1;
      decW += Math.min(s.ctx + 1, w);
    }
    tokens += s.newTokens;
    if (s.emits) logit++;
    pairs += causalPairs(s.ctx, s.newTokens, Infinity);
    pairsW += causalPairs(s.ctx, s.newTokens, w);
    kv += s.ctx + s.newTokens;
    kvW += Math.min(s.ctx + s.newTokens, w);
    if (s.newTokens !== 1) decodeOnly = false;
  }
  return {
    tokens,
    seqs: steps.length,
    logitTokens: logit,
    attnPairs: pairs,
    attnPairsWindow: pairsW,
    kvReadTokens: kv,
    kvReadTokensWindow: kvW,
    decodeKvReadTokens: dec,
    decodeKvReadTokensWindow: decW,
    decodeSeqs,
    decodeOnly,
  };
}

/** `count` identical sequences each with `ctx` cached tokens and `newTokens` this step. */
export function uniformShape(
  count: number,
  ctx: number,
  newTokens: number,
  emits: boolean,
  window: number | null,
): BatchShape {
  const w = window ?? Infinity;
  return {
    tokens: count * newTokens,
    seqs: count,
    logitTokens: emits ? count : 0,
    attnPairs: count * causalPairs(ctx, newTokens, Infinity),
    attnPairsWindow: count * causalPairs(ctx, newTokens, w),
    kvReadTokens: count * (ctx + newTokens),
    kvReadTokensWindow: count * Math.min(ctx + newTokens, w),
    decodeKvReadTokens: newTokens === 1 ? count * (ctx + 1) : 0,
    decodeKvReadTokensWindow: newTokens === 1 ? count * Math.min(ctx + 1, w) : 0,
    decodeSeqs: newTokens === 1 ? count : 0,
    decodeOnly: newTokens === 1 && count > 0,
  };
}

/**
 * A decode batch turned into a speculative verify step: each of the `decodeSeqs` decoding sequences runs
 * `width` = k + 1 positions (its last token and k drafts) in one pass, all of them sampled (the target
 * scores every draft position). The sequences stay decodes (decode attention, CUDA graphs); each reads its
 * c cached keys plus the w new ones.
 */
export function widenDecode(shape: BatchShape, width: number): BatchShape {
  const w = Math.max(1, Math.floor(width));
  if (w === 1 || shape.decodeSeqs === 0) return shape;
  const extra = shape.decodeSeqs * (w - 1);
  // Decode pairs are kept equal to decode keys (the decode attention costs width × keys itself,
  // iteration.ts), so the prefill share attnPairs − decodeKvReadTokens is unchanged.
  return {
    ...shape,
    tokens: shape.tokens + extra,
    logitTokens: shape.logitTokens + extra,
    attnPairs: shape.attnPairs + extra,
    attnPairsWindow: shape.attnPairsWindow + extra,
    kvReadTokens: shape.kvReadTokens + extra,
    kvReadTokensWindow: shape.kvReadTokensWindow + extra,
    decodeKvReadTokens: shape.decodeKvReadTokens + extra,
    decodeKvReadTokensWindow: shape.decodeKvReadTokensWindow + extra,
    decodeWidth: w,
  };
}
