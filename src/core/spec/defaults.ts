/**
 * Default per-position acceptance a of each drafting method, with where it comes from. The user can set
 * runtime.speculative.acceptanceRate instead; these are only the starting points (acceptance depends on
 * the model, the data and the sampling temperature).
 */
import type { SpecMethod } from './types.ts';

export interface AcceptanceDefault {
  /** Per-position acceptance a (Leviathan et al. 2023's α), 0–1. */
  acceptance: number;
  source: string;
}

export const ACCEPTANCE_DEFAULTS: Readonly<Record<SpecMethod, AcceptanceDefault>> = Object.freeze({
  mtp: {
    acceptance: 0.85,
    source:
      'DeepSeek-V3 Technical Report (arXiv 2412.19437) §5.4.3: the second token predicted by the MTP module is accepted 85–90 % of the time, ≈1.8× TPS (ENGINE-FACTS §4 [DSV3-QUOTE]); we take the low end. Reusing the one MTP head for k = 7 measured a mean acceptance length of 3.20 at T = 0 (≈ a = 0.70) and ≈4.8 after fine-tuning (≈ a = 0.85) [NEBIUS-MTP]: lower a for long drafts with an untuned head.',
  },
  eagle: {
    acceptance: 0.75,
    source:
      'Li et al. 2024, "EAGLE: Speculative Sampling Requires Rethinking Feature Uncertainty" (ICML 2024, arXiv 2401.15077): per-position acceptance rates n-α of about 0.7–0.8 on MT-bench for chain drafts (Vicuna/LLaMA2-chat, T = 0); we take 0.75 (figure as recalled from the paper\'s acceptance-rate table, not re-read in this session).',
  },
  eagle3: {
    acceptance: 0.8,
    source:
      'Li et al. 2025, "EAGLE-3: Scaling up Inference Acceleration of Large Language Models via Training-Time Test" (arXiv 2503.01840): training-time test keeps the per-position acceptance near 0.8 out to the 7th draft position instead of decaying as in EAGLE (MT-bench, T = 0; figure as recalled, not re-read in this session). Engine-measured EAGLE-3 acceptance lengths are an open item in ENGINE-FACTS §7.',
  },
  ngram: {
    acceptance: 0.3,
    source:
      'Engineering assumption: n-gram prompt lookup (Saxena 2023, "Prompt Lookup Decoding"; vLLM method "ngram") only proposes tokens that copy the prompt, so chat-style outputs accept few (summarisation / code editing accept many more: set acceptanceRate for such workloads).',
  },
});

/** The acceptance the model uses: the scenario's, else the method's cited default. */
export function acceptanceOf(spec: { method: SpecMethod; acceptanceRate?: number }): number {
  return spec.acceptanceRate ?? ACCEPTANCE_DEFAULTS[spec.method].acceptance;
}
