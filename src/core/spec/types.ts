/**
 * Speculative decoding (issue 13 item 3): a draft proposes `draftTokens` tokens per sequence, the target
 * verifies them (plus the one token it would have decoded anyway) in one forward pass of draftTokens + 1
 * positions, and keeps the longest accepted prefix plus one token of its own (Leviathan et al. 2023,
 * "Fast Inference from Transformers via Speculative Decoding", ICML, arXiv 2211.17192).
 */
export const SPEC_METHODS = ['mtp', 'eagle', 'eagle3', 'ngram'] as const;
export type SpecMethod = (typeof SPEC_METHODS)[number];

/** Chain drafts of 1–8 tokens (vLLM num_speculative_tokens, SGLang speculative-num-steps, TRT-LLM max_draft_len). */
export const MIN_DRAFT_TOKENS = 1;
export const MAX_DRAFT_TOKENS = 8;

/** The scenario's `runtime.speculative` (schema.ts). */
export interface SpeculativeConfig {
  method: SpecMethod;
  draftTokens: number;
  /** Per-position acceptance a in [0, 1]; absent = the method's cited default (defaults.ts). */
  acceptanceRate?: number;
}
