/**
 * Registry of the supported `architectures` / `model_type` names, their families, and the configs
 * known and refused (with the reason shown to the user).
 */
import { ownEntry } from '../../json/untrusted.ts';
import type { Cfg } from './reader.ts';
import { describe, ModelImportError } from './reader.ts';

// Architecture table

export type Family =
  | 'llama'
  | 'mistral'
  | 'mixtral'
  | 'qwen2'
  | 'qwen3'
  | 'qwen3_moe'
  | 'phi3'
  | 'gemma2'
  | 'gpt_oss'
  | 'deepseek'
  | 'llama4'
  | 'minimax_m2'
  | 'qwen3_5'
  | 'qwen3_5_moe'
  | 'nemotron_h'
  | 'step3p7'
  | 'nemotron_nas'
  | 'kimi_linear'
  | 'minimax_m3'
  | 'gemma4'
  | 'mimo_v2'
  | 'deepseek_v4';

/** `architectures[0]` → family. */
export const ARCHITECTURES: Record<string, Family> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'mistral',
  MixtralForCausalLM: 'mixtral',
  Qwen2ForCausalLM: 'qwen2',
  MiMoForCausalLM: 'qwen2', // Qwen2 decoder + MTP layers (excluded)
  Qwen3ForCausalLM: 'qwen3',
  Qwen3MoeForCausalLM: 'qwen3_moe',
  Phi3ForCausalLM: 'phi3',
  Gemma2ForCausalLM: 'gemma2',
  GptOssForCausalLM: 'gpt_oss',
  DeepseekV2ForCausalLM: 'deepseek',
  DeepseekV3ForCausalLM: 'deepseek',
  Llama4ForCausalLM: 'llama4',
  MiniMaxM2ForCausalLM: 'minimax_m2',
  DeepseekV32ForCausalLM: 'deepseek', // + DSA lightning indexer (index_* keys)
  GlmMoeDsaForCausalLM: 'deepseek', // GLM-5: DeepSeek-V3.2 layout (MLA + DSA + shared/routed experts)
  Qwen3NextForCausalLM: 'qwen3_5_moe',
  Qwen3_5ForCausalLM: 'qwen3_5',
  Qwen3_5MoeForCausalLM: 'qwen3_5_moe',
  NemotronHForCausalLM: 'nemotron_h',
  Step3p7FlashForCausalLM: 'step3p7',
  DeciLMForCausalLM: 'nemotron_nas',
  KimiLinearForCausalLM: 'kimi_linear', // Kimi Delta Attention + MLA (Kimi Linear, Kimi-K3)
  MiniMaxM3ForCausalLM: 'minimax_m3', // GQA + block-sparse attention, MoE with a shared expert
  MiMoV2FlashForCausalLM: 'mimo_v2', // per-layer-type attention shapes (sliding vs full)
  DeepseekV4ForCausalLM: 'deepseek_v4', // compressed attention + hyper-connections
};

/** `model_type` → family (used when `architectures` is absent, and for nested text configs). */
export const MODEL_TYPES: Record<string, Family> = {
  llama: 'llama',
  mistral: 'mistral',
  mixtral: 'mixtral',
  qwen2: 'qwen2',
  mimo: 'qwen2',
  qwen3: 'qwen3',
  qwen3_vl_text: 'qwen3',
  qwen3_moe: 'qwen3_moe',
  qwen3_vl_moe_text: 'qwen3_moe',
  phi3: 'phi3',
  gemma2: 'gemma2',
  gpt_oss: 'gpt_oss',
  deepseek_v2: 'deepseek',
  deepseek_v3: 'deepseek',
  kimi_k2: 'deepseek',
  llama4_text: 'llama4',
  minimax_m2: 'minimax_m2',
  deepseek_v32: 'deepseek',
  glm_moe_dsa: 'deepseek',
  qwen3_next: 'qwen3_5_moe',
  qwen3_5_text: 'qwen3_5',
  qwen3_5_moe_text: 'qwen3_5_moe',
  nemotron_h: 'nemotron_h',
  step3p7: 'step3p7',
  'nemotron-nas': 'nemotron_nas',
  kimi_linear: 'kimi_linear',
  minimax_m3: 'minimax_m3',
  gemma4_text: 'gemma4',
  mimo_v2_flash: 'mimo_v2',
  deepseek_v4: 'deepseek_v4',
};

/** Multimodal wrappers whose `text_config` is imported (text decoder only). */
export const WRAPPERS: Record<string, Family> = {
  Llama4ForConditionalGeneration: 'llama4',
  Qwen3VLForConditionalGeneration: 'qwen3',
  Qwen3VLMoeForConditionalGeneration: 'qwen3_moe',
  KimiK25ForConditionalGeneration: 'deepseek',
  Qwen3_5ForConditionalGeneration: 'qwen3_5',
  Qwen3_5MoeForConditionalGeneration: 'qwen3_5_moe',
  KimiK3ForConditionalGeneration: 'kimi_linear',
  Gemma4ForConditionalGeneration: 'gemma4',
};

export const FAMILY_LABEL: Record<Family, string> = {
  llama: 'Llama',
  mistral: 'Mistral',
  mixtral: 'Mixtral',
  qwen2: 'Qwen2',
  qwen3: 'Qwen3',
  qwen3_moe: 'Qwen3-MoE',
  phi3: 'Phi-3',
  gemma2: 'Gemma-2',
  gpt_oss: 'gpt-oss',
  deepseek: 'DeepSeek (MLA)',
  llama4: 'Llama-4',
  minimax_m2: 'MiniMax-M2',
  qwen3_5: 'Qwen3.5 (Gated DeltaNet hybrid)',
  qwen3_5_moe: 'Qwen3.5-MoE (Gated DeltaNet hybrid)',
  nemotron_h: 'Nemotron-H (Mamba-2 hybrid)',
  step3p7: 'Step-3.7',
  nemotron_nas: 'Nemotron-NAS (Llama, per-layer blocks)',
  kimi_linear: 'Kimi Linear (Kimi Delta Attention + MLA hybrid)',
  minimax_m3: 'MiniMax-M3 (block-sparse attention)',
  gemma4: 'Gemma-4 (sliding + K=V global attention)',
  mimo_v2: 'MiMo-V2 (hybrid sliding-window attention)',
  deepseek_v4: 'DeepSeek-V4 (compressed attention, hyper-connections)',
};

/** Tie default when the config omits `tie_word_embeddings` (per-model HF config class default). */
export const TIE_DEFAULT: Record<Family, boolean> = {
  llama: false,
  mistral: false,
  mixtral: false,
  qwen2: false,
  qwen3: false,
  qwen3_moe: false,
  phi3: false,
  gemma2: true,
  gpt_oss: false,
  deepseek: false,
  llama4: false,
  minimax_m2: false,
  qwen3_5: false,
  qwen3_5_moe: false,
  nemotron_h: false,
  step3p7: false,
  nemotron_nas: false,
  kimi_linear: false,
  minimax_m3: false,
  gemma4: true,
  mimo_v2: false,
  deepseek_v4: false,
};

/** Architectures known and deliberately rejected, with the reason shown to the user. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  Qwen2MoeForCausalLM: 'Qwen2-MoE gated shared expert is not modeled',
  MambaForCausalLM: 'state-space (Mamba) layers are not supported',
  Mamba2ForCausalLM: 'state-space (Mamba) layers are not supported',
  JambaForCausalLM: 'hybrid Mamba/attention layers (Jamba) are not supported',
};

export function unsupportedArch(field: string, name: string): ModelImportError {
  const why = ownEntry(KNOWN_UNSUPPORTED, name);
  return new ModelImportError(
    field,
    why
      ? `${JSON.stringify(name)}: ${why}; this model cannot be imported`
      : `${JSON.stringify(name)} is not a supported architecture; supported: ${SUPPORTED_ARCHITECTURES.join(', ')}`,
  );
}

export const SUPPORTED_ARCHITECTURES: readonly string[] = [...Object.keys(ARCHITECTURES), ...Object.keys(WRAPPERS)];

export function firstArchitecture(c: Cfg): string | null {
  const v = c.raw('architectures');
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || typeof v[0] !== 'string') {
    throw new ModelImportError(
      c.path('architectures'),
      `expected a non-empty array of class names, got ${describe(v)}`,
    );
  }
  return v[0];
}

/** Families that model a feature the generic check below would refuse. */
const MAMBA_FAMILIES: ReadonlySet<Family | undefined> = new Set<Family>(['nemotron_h']);
const DSA_FAMILIES: ReadonlySet<Family | undefined> = new Set<Family>(['deepseek', 'deepseek_v4']);
const LINEAR_FAMILIES: ReadonlySet<Family | undefined> = new Set<Family>(['qwen3_5', 'qwen3_5_moe']);

/**
 * Features that change parameter or KV arithmetic in ways this importer does not model for `family`
 * (undefined: the architecture is not known either). Checked before the architecture error so the
 * error names the actual reason.
 */
export function rejectUnsupportedFeatures(c: Cfg, family?: Family): void {
  const reject = (key: string, why: string): never => {
    throw new ModelImportError(c.path(key), `${why}; this model cannot be imported`);
  };
  const mamba = MAMBA_FAMILIES.has(family);
  if (!mamba && c.has('hybrid_override_pattern')) {
    reject(
      'hybrid_override_pattern',
      'hybrid Mamba/attention layer pattern (Nemotron-H): Mamba layers are not supported',
    );
  }
  if (!mamba && c.has('layers_block_type')) {
    reject('layers_block_type', 'hybrid Mamba/attention layer types (Nemotron-H): Mamba layers are not supported');
  }
  if (!mamba && (c.has('ssm_state_size') || c.has('mamba_num_heads'))) {
    reject(
      c.has('ssm_state_size') ? 'ssm_state_size' : 'mamba_num_heads',
      'state-space (Mamba) layers are not supported',
    );
  }
  if (family !== 'kimi_linear' && c.has('linear_attn_config')) {
    reject('linear_attn_config', 'linear-attention (Kimi Delta Attention) layers are not supported');
  }
  if (family !== 'nemotron_nas' && c.has('block_configs')) {
    reject('block_configs', 'heterogeneous per-layer blocks (Nemotron-NAS / DeciLM) are not supported');
  }
  if (family !== 'deepseek_v4' && (c.has('compress_ratios') || c.has('hc_mult'))) {
    reject(
      c.has('compress_ratios') ? 'compress_ratios' : 'hc_mult',
      'DeepSeek-V4 compressed attention / hyper-connections are not supported',
    );
  }
  if (!DSA_FAMILIES.has(family) && (c.has('index_topk') || c.has('index_n_heads'))) {
    reject(
      c.has('index_topk') ? 'index_topk' : 'index_n_heads',
      'DeepSeek Sparse Attention (lightning indexer with its own weights and key cache) is not supported',
    );
  }
  if (family !== 'minimax_m3' && c.has('sparse_attention_config')) {
    reject('sparse_attention_config', 'block-sparse attention layers (MiniMax-M3) are not supported');
  }
  if (family !== 'mimo_v2' && (c.has('swa_num_key_value_heads') || c.has('hybrid_layer_pattern'))) {
    reject(
      c.has('swa_num_key_value_heads') ? 'swa_num_key_value_heads' : 'hybrid_layer_pattern',
      'per-layer-type attention shapes (sliding layers with their own head counts, MiMo-V2) are not supported',
    );
  }
  if (family !== 'gemma4' && (c.has('attention_k_eq_v') || c.has('global_head_dim'))) {
    reject(
      c.has('attention_k_eq_v') ? 'attention_k_eq_v' : 'global_head_dim',
      'Gemma-4 attention (shared K=V, separate global head dim/KV heads) is not supported',
    );
  }
  const lt = c.raw('layer_types');
  if (Array.isArray(lt)) {
    const linear = LINEAR_FAMILIES.has(family);
    const odd = lt.find(
      (t) =>
        t !== 'full_attention' &&
        t !== 'sliding_attention' &&
        !(linear && t === 'linear_attention') &&
        !(DSA_FAMILIES.has(family) && t === 'deepseek_sparse_attention'),
    );
    if (odd !== undefined) {
      const why =
        odd === 'linear_attention'
          ? "'linear_attention' layers (Gated DeltaNet linear attention, Qwen3.5/Qwen3-Next) are not supported"
          : `layer type ${describe(odd)} is not supported (only full_attention and sliding_attention)`;
      reject('layer_types', why);
    }
  }
}
