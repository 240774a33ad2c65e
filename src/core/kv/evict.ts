/**
 * Eviction and sparse-attention budgets. Memory is the budget, decode reads the budget (plus the cost
 * of choosing it), prefill still computes every token. All counts are per full-attention layer and
 * head-weighted: with a fraction φ of heads keeping everything, a layer holds φ·L + (1 − φ)·kept tokens.
 *
 * - h2o — Zhang et al., "H₂O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language
 *   Models" (NeurIPS 2023): keep heavy hitters + a recent window within a budget (20 % in the paper);
 *   the accumulated attention score of every kept token is stored (fp32 per KV head).
 * - sink-window — Xiao et al., "Efficient Streaming Language Models with Attention Sinks" (StreamingLLM,
 *   ICLR 2024): the first `sinkTokens` (4) plus a sliding window of recent tokens; constant memory.
 * - per-head — Tang et al., "RazorAttention: Efficient KV Cache Compression Through Retrieval Heads"
 *   (2024): retrieval heads (`fullHeadsFraction`, ~15 %) keep the whole cache, the others keep sink +
 *   recent window (RazorAttention's compensation token counted in the window). FlexiCache (2025) does the
 *   same split into unstable (full) and stable heads, with the stable heads' cold pages in host memory
 *   (`evictedTo: 'host'`).
 * - topk-pages — ShadowKV (Sun et al., 2024), TokenSelect (Wu et al., 2024), LServe (Yang et al.,
 *   MLSys 2025), page summaries as in Quest (Tang et al., ICML 2024): each step scores every page from a
 *   summary (a min and a max key vector per page: one bf16 KV-token's worth of bytes per page) and
 *   attends to the top pages within the budget. Unselected pages stay reachable: in host memory
 *   (ShadowKV/FlexiCache, `evictedTo: 'host'`, the default) or in HBM (TokenSelect/LServe/Quest,
 *   `evictedTo: 'hbm'`, which saves reads but not memory).
 */
import type { EvictedTo, KvEvict } from './types.ts';

export const EVICT_SOURCES: Record<KvEvict['policy'], string> = {
  h2o: 'H2O (Zhang et al., NeurIPS 2023): heavy hitters + recent window within a budget',
  'sink-window': 'StreamingLLM (Xiao et al., ICLR 2024): attention sinks + sliding window',
  'per-head':
    'RazorAttention (Tang et al., 2024) / FlexiCache (2025): full cache for retrieval/unstable heads, window for the rest',
  'topk-pages':
    'ShadowKV (Sun et al., 2024), TokenSelect (Wu et al., 2024), LServe (Yang et al., 2025); page min/max summaries as in Quest (Tang et al., 2024)',
};

/** fp32 accumulated attention score per kept token per KV head (H2O). */
export const H2O_SCORE_BYTES = 4;

/** Where out-of-budget tokens go when the strategy does not say. */
export function defaultEvictedTo(policy: KvEvict['policy']): EvictedTo {
  return policy === 'topk-pages' ? 'host' : 'drop';
}

/** The budget the user asked for: the smaller of budgetTokens and ⌈budgetFraction·L⌉ (Infinity if neither). */
export function requestedBudgetTokens(e: KvEvict, contextTokens: number): number {
  let b = Infinity;
  if (e.budgetTokens !== undefined) b = Math.min(b, e.budgetTokens);
  if (e.budgetFraction !== undefined) b = Math.min(b, Math.ceil(e.budgetFraction * contextTokens));
  return b;
}

/**
 * Tokens one non-full head keeps at context L, never more than L:
 * - h2o: the budget, at least sink + recent;
 * - sink-window, per-head: sink + recent, or the budget when one is given;
 * - topk-pages: the budget rounded up to whole pages, at least sink + recent.
 */
export function keptTokensPerHead(e: KvEvict, contextTokens: number): number {
  const b = requestedBudgetTokens(e, contextTokens);
  const always = e.sinkTokens + e.recentTokens;
  let kept: number;
  switch (e.policy) {
    case 'h2o':
      kept = Math.max(b, always);
      break;
    case 'sink-window':
    case 'per-head':
      kept = Number.isFinite(b) ? b : always;
      break;
    case 'topk-pages':
      kept = Math.max(Math.ceil(b / e.pageSize) * e.pageSize, always);
      break;
  }
  return Math.min(contextTokens, kept);
}

/** Head-weighted tokens of one layer: φ·L + (1 − φ)·kept. */
export function headWeightedTokens(fullHeadsFraction: number, contextTokens: number, keptPerHead: number): number {
  return fullHeadsFraction * contextTokens + (1 - fullHeadsFraction) * keptPerHead;
}

/** Token accounting of one full-attention layer of one sequence (head-weighted token equivalents). */
export interface Retention {
  contextTokens: number;
  /** Tokens a non-full head keeps. */
  keptPerHead: number;
  /** Tokens whose KV sits in HBM. */
  hbmTokens: number;
  /** Out-of-budget tokens parked in host DRAM (evictedTo = host). */
  hostTokens: number;
  /** Out-of-budget tokens discarded (evictedTo = drop). */
  droppedTokens: number;
  /** Tokens read by one decode step's attention. */
  attendedTokens: number;
  /** Tokens fetched from host per decode step (newly promoted pages). */
  refetchTokensPerStep: number;
  evictedTo: EvictedTo;
}

/**
 * Where the L tokens of one layer go. Conserves tokens: hbm + host + dropped = L, except with
 * evictedTo = hbm where everything stays (hbm = L) and only the reads shrink.
 */
export function retention(e: KvEvict, contextTokens: number): Retention {
  const L = contextTokens;
  const phi = e.fullHeadsFraction;
  const keptPerHead = keptTokensPerHead(e, L);
  const kept = headWeightedTokens(phi, L, keptPerHead);
  const evicted = L - kept;
  const evictedTo = e.evictedTo ?? defaultEvictedTo(e.policy);
  const base = { contextTokens: L, keptPerHead, attendedTokens: kept, evictedTo };
  switch (evictedTo) {
    case 'drop':
      return { ...base, hbmTokens: kept, hostTokens: 0, droppedTokens: evicted, refetchTokensPerStep: 0 };
    case 'host':
      return {
        ...base,
        hbmTokens: kept,
        hostTokens: evicted,
        droppedTokens: 0,
        refetchTokensPerStep: evicted > 0 ? e.refetchFraction * (1 - phi) * keptPerHead : 0,
      };
    case 'hbm':
      return { ...base, hbmTokens: L, hostTokens: 0, droppedTokens: 0, refetchTokensPerStep: 0 };
  }
}

/** Pages of one sequence: ⌈L / pageSize⌉. */
export function pageCount(contextTokens: number, pageSize: number): number {
  return Math.ceil(contextTokens / pageSize);
}

/**
 * Selection metadata kept in HBM, in bf16-KV-token equivalents per layer (topk-pages: one min and
 * one max key vector per page of the non-full heads = one K+V token's bytes per page).
 */
export function summaryTokensBf16(e: KvEvict, contextTokens: number): number {
  if (e.policy !== 'topk-pages') return 0;
  return pageCount(contextTokens, e.pageSize) * (1 - e.fullHeadsFraction);
}

/**
 * Bytes read per decode step to choose the budget, as a fraction of the full-context bf16 KV: the
 * user's `selectionOverhead`, else the page summaries (1/pageSize of the non-full heads) for
 * topk-pages, else 0 (H2O's scores come out of the attention pass; windows need no choice).
 */
export function selectionReadFraction(e: KvEvict): number {
  if (e.selectionOverhead !== undefined) return e.selectionOverhead;
  return e.policy === 'topk-pages' ? (1 - e.fullHeadsFraction) / e.pageSize : 0;
}

/** H2O score storage of one layer: fp32 per kept token per KV head of the non-full heads. */
export function h2oScoreBytesPerLayer(e: KvEvict, keptPerHead: number, numKvHeads: number): number {
  if (e.policy !== 'h2o') return 0;
  return H2O_SCORE_BYTES * numKvHeads * (1 - e.fullHeadsFraction) * keptPerHead;
}

/**
 * Scoring FLOPs of one layer per decode step. topk-pages: every query head takes max(q·kmin, q·kmax)
 * over each page summary (~4·d FLOPs per head per page, Quest). h2o: one add per kept token per head to
 * accumulate scores.
 */
export function selectionFlopsPerLayer(
  e: KvEvict,
  contextTokens: number,
  keptPerHead: number,
  numHeads: number,
  headDim: number,
): number {
  const share = 1 - e.fullHeadsFraction;
  if (e.policy === 'topk-pages') return 4 * numHeads * headDim * pageCount(contextTokens, e.pageSize) * share;
  if (e.policy === 'h2o') return numHeads * keptPerHead * share;
  return 0;
}

const fmtTokens = (t: number) => (t >= 1024 && t % 1024 === 0 ? `${t / 1024}K` : String(t));

/** One line: "H2O (20% budget): approximate; keeps heavy hitters + recent window". */
export function describeEvict(e: KvEvict): string {
  const budget = [
    e.budgetTokens !== undefined ? `${fmtTokens(e.budgetTokens)} tokens` : null,
    e.budgetFraction !== undefined ? `${+(e.budgetFraction * 100).toFixed(2)}%` : null,
  ]
    .filter(Boolean)
    .join(' or ');
  const where = e.evictedTo ?? defaultEvictedTo(e.policy);
  const rest =
    where === 'drop'
      ? 'the rest dropped'
      : where === 'host'
        ? 'the rest in host DRAM'
        : 'the rest kept in HBM (reads only)';
  switch (e.policy) {
    case 'h2o':
      return `H2O (${budget} budget): approximate; heavy hitters + recent window, ${rest}`;
    case 'sink-window':
      return `StreamingLLM (${e.sinkTokens} sinks + ${budget || fmtTokens(e.recentTokens)} window): approximate; constant KV, ${rest}`;
    case 'per-head':
      return `Per-head budget (${+(e.fullHeadsFraction * 100).toFixed(1)}% full heads, others ${budget || `${e.sinkTokens}+${fmtTokens(e.recentTokens)}`}): approximate; ${rest}`;
    case 'topk-pages':
      return `Top-k pages (${budget} budget, ${e.pageSize}-token pages): approximate; reads the budget + page summaries, ${rest}`;
  }
}

/** Short label for rankings. */
export function shortEvict(e: KvEvict): string {
  const budget =
    e.budgetFraction !== undefined
      ? `${+(e.budgetFraction * 100).toFixed(2)}%`
      : e.budgetTokens !== undefined
        ? fmtTokens(e.budgetTokens)
        : `${e.sinkTokens}+${fmtTokens(e.recentTokens)}`;
  const name = { h2o: 'H2O', 'sink-window': 'StreamingLLM', 'per-head': 'per-head', 'topk-pages': 'top-k pages' }[
    e.policy
  ];
  return `${name} ${budget}`;
}
