/**
 * Launch flags for speculative decoding (runtime.speculative), per engine. Chain drafts only (top-k 1), so
 * the plan's k drafts verify k + 1 positions per sequence, as costed (core/cost/speculative.ts).
 *
 * - vLLM `--speculative-config` JSON (vLLM docs "Speculative Decoding"): method deepseek_mtp (DeepSeek) or
 *   mtp (other MTP checkpoints), eagle / eagle3 with a draft `model`, ngram with `prompt_lookup_max`;
 *   `num_speculative_tokens` = k.
 * - SGLang server args (docs "Speculative Decoding"): --speculative-algorithm NEXTN | EAGLE | EAGLE3 | NGRAM,
 *   --speculative-num-steps k, --speculative-eagle-topk 1, --speculative-num-draft-tokens k + 1 (the chain
 *   mapping aiconfigurator generates for NEXTN: eagle_topk = 1, num_draft_tokens = nextn + 1, ENGINE-FACTS §4
 *   [AIC-SPEC], [AIC-RULES]); EAGLE drafts need --speculative-draft-model-path.
 * - TensorRT-LLM `speculative_config` in the extra LLM-API yaml (llm_args MTPDecodingConfig /
 *   EagleDecodingConfig / NGramDecodingConfig): decoding_type MTP with num_nextn_predict_layers = k, Eagle with
 *   max_draft_len = k and speculative_model_dir, NGram with max_draft_len = k.
 */
import type { SpeculativeConfig } from '../spec/types.ts';

/** Where a separately trained EAGLE draft head goes: the user must name the checkpoint. */
export const DRAFT_MODEL_PLACEHOLDER = '/path/to/eagle-draft-model';

const DRAFT_NOTE = (k: SpeculativeConfig) =>
  `${k.method} needs a draft head trained for this model: replace ${DRAFT_MODEL_PLACEHOLDER} with its checkpoint.`;

const NOTE_ACCEPTANCE = (k: SpeculativeConfig, a: number) =>
  `Speculative decoding (${k.method}, ${k.draftTokens} draft token${k.draftTokens === 1 ? '' : 's'}) was costed at ${Math.round(a * 100)} % per-position acceptance: measure the engine's reported acceptance and update runtime.speculative.acceptanceRate.`;

function isDeepSeek(architecture: string): boolean {
  return /deepseek/i.test(architecture);
}

export function vllmSpeculativeArgs(k: SpeculativeConfig, architecture: string): string[] {
  const cfg: Record<string, unknown> = {};
  if (k.method === 'mtp') cfg.method = isDeepSeek(architecture) ? 'deepseek_mtp' : 'mtp';
  else cfg.method = k.method;
  if (k.method === 'eagle' || k.method === 'eagle3') cfg.model = DRAFT_MODEL_PLACEHOLDER;
  cfg.num_speculative_tokens = k.draftTokens;
  if (k.method === 'ngram') cfg.prompt_lookup_max = 4;
  return ['--speculative-config', JSON.stringify(cfg)];
}

const SGLANG_ALGORITHM: Record<SpeculativeConfig['method'], string> = {
  mtp: 'NEXTN',
  eagle: 'EAGLE',
  eagle3: 'EAGLE3',
  ngram: 'NGRAM',
};

export function sglangSpeculativeArgs(k: SpeculativeConfig): string[] {
  const argv = ['--speculative-algorithm', SGLANG_ALGORITHM[k.method]];
  if (k.method === 'eagle' || k.method === 'eagle3')
    argv.push('--speculative-draft-model-path', DRAFT_MODEL_PLACEHOLDER);
  if (k.method !== 'ngram')
    argv.push('--speculative-num-steps', String(k.draftTokens), '--speculative-eagle-topk', '1');
  argv.push('--speculative-num-draft-tokens', String(k.draftTokens + 1));
  return argv;
}

/**
 * The `speculative_config:` block of the TensorRT-LLM extra LLM-API yaml for a release line (profile id), or
 * null when that line has no such drafter. 0.19 names the EAGLE checkpoint `pytorch_eagle_weights_path`
 * and has no NGram drafter in the PyTorch backend; 1.x uses `speculative_model_dir` (engine-flags.ts).
 */
export function trtllmSpeculativeYaml(k: SpeculativeConfig, profileId = '1.3'): string[] | null {
  const legacy = profileId === '0.19';
  const y = ['speculative_config:'];
  if (k.method === 'mtp') y.push('  decoding_type: MTP', `  num_nextn_predict_layers: ${k.draftTokens}`);
  else if (k.method === 'ngram') {
    if (legacy) return null;
    y.push('  decoding_type: NGram', `  max_draft_len: ${k.draftTokens}`);
  } else
    y.push(
      '  decoding_type: Eagle',
      `  max_draft_len: ${k.draftTokens}`,
      `  ${legacy ? 'pytorch_eagle_weights_path' : 'speculative_model_dir'}: ${DRAFT_MODEL_PLACEHOLDER}`,
    );
  return y;
}

/** Comment lines every engine's command carries with speculative decoding on. */
export function speculativeNotes(k: SpeculativeConfig, acceptance: number): string[] {
  const notes = [NOTE_ACCEPTANCE(k, acceptance)];
  if (k.method === 'eagle' || k.method === 'eagle3') notes.push(DRAFT_NOTE(k));
  return notes;
}
