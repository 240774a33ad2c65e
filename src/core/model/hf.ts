/**
 * Hugging Face `config.json` → ModelSpec.
 *
 * Pure TypeScript (no fs, no DOM): runs in Node, the browser and Web Workers.
 *
 * Policy: an architecture is imported only when every parameter and KV-cache figure it implies is
 * modeled here. Anything else (Mamba hybrids, linear attention, DeepSeek sparse attention, per-layer
 * heterogeneous blocks, unknown architectures) throws a `ModelImportError` naming the config field
 * and the reason. A broken config (missing/invalid field) also throws, naming the field and what is
 * expected. This function never returns a number for something it does not model.
 *
 * Multimodal configs with a nested `text_config` (Llama-4, Qwen3-VL, Kimi-K2.5): only the text
 * decoder is imported; vision/audio towers and projectors are not counted (a note says so).
 *
 * Per-architecture semantics follow the Hugging Face `transformers` modeling code:
 * - Llama / Llama-4 / Qwen3 / Gemma-2 / gpt-oss: `attention_bias` adds biases to q, k, v AND o.
 * - Qwen2 (and MiMo, a Qwen2 derivative): q/k/v always carry a bias, o never does (not a config key).
 * - Mistral / Mixtral / Phi-3: no attention biases (hard-coded in the modeling code).
 * - Sliding window: `layer_types` wins when present; otherwise Mistral/Mixtral/Phi-3 slide on every
 *   layer when `sliding_window` is set, Qwen2/Qwen3 only when `use_sliding_window` is true and for
 *   layers >= `max_window_layers`, Gemma-2 and gpt-oss alternate starting with a sliding layer 0.
 */
import { ownEntry, parseUntrustedJson, UntrustedJsonError } from '../json/untrusted.ts';
import { countParams, kvBytesPerToken } from './params.ts';
import type { AttentionSpec, LayerAttention, LayerSpec, ModelSpec, MoeSpec } from './types.ts';

/** Thrown for any config that cannot be imported exactly. `field` is the config key at fault. */
export class ModelImportError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ModelImportError';
    this.field = field;
  }
}

export interface HfImportMeta {
  id: string;
  name?: string;
  hfId?: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `${v}`;
  return typeof v;
}

/** Typed reader over one config object; field paths in errors include the nesting prefix. */
class Cfg {
  constructor(
    readonly obj: Obj,
    readonly prefix: string,
  ) {}

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** Present and not null. */
  has(key: string): boolean {
    const v = this.obj[key];
    return v !== undefined && v !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  /** Required integer >= min (default 1). */
  int(key: string, what: string, min = 1): number {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      throw new ModelImportError(this.path(key), `missing; expected ${intExpectation(what, min)}`);
    }
    return this.checkInt(key, v, what, min);
  }

  /** Optional integer >= min: `fallback` when absent or null. */
  optInt<T extends number | null>(key: string, what: string, fallback: T, min = 1): number | T {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    return this.checkInt(key, v, what, min);
  }

  private checkInt(key: string, v: unknown, what: string, min: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v) || v < min) {
      throw new ModelImportError(this.path(key), `expected ${intExpectation(what, min)}, got ${describe(v)}`);
    }
    const max = configIntLimit(key);
    if (v > max) {
      throw new ModelImportError(
        this.path(key),
        `${fmtInt(v)} exceeds ${fmtInt(max)}, the largest accepted ${what}; no real model comes near it`,
      );
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean')
      throw new ModelImportError(this.path(key), `expected true or false, got ${describe(v)}`);
    return v;
  }

  optString(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new ModelImportError(this.path(key), `expected a string, got ${describe(v)}`);
    return v;
  }

  intList(key: string, what: string, maxExclusive: number): number[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new ModelImportError(this.path(key), `expected an array of ${what}, got ${describe(v)}`);
    if (v.length > maxExclusive) {
      throw new ModelImportError(
        this.path(key),
        `has ${fmtInt(v.length)} entries; expected at most ${fmtInt(maxExclusive)} (one per ${what} at most)`,
      );
    }
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= maxExclusive) {
        throw new ModelImportError(
          `${this.path(key)}[${i}]`,
          `expected ${what} (integer in 0..${maxExclusive - 1}), got ${describe(x)}`,
        );
      }
      return x;
    });
  }
}

/**
 * Upper bound of every integer the importer reads, checked before any array is built or loop runs
 * (a `num_hidden_layers` of 10⁹ would otherwise allocate 10⁹ layer records and exhaust memory).
 * Each bound is well above the largest value in the real configs of data/reference/hf-configs
 * (in brackets) so that no real model is refused, and small enough that the derived arrays and
 * loops stay tiny.
 */
const CONFIG_INT_LIMITS: Readonly<Record<string, number>> = {
  num_hidden_layers: 4096, // [126]
  hidden_size: 131_072, // [16,384]
  num_attention_heads: 4096, // [128]
  num_key_value_heads: 4096, // [128]
  head_dim: 8192, // [512]
  intermediate_size: 1_048_576, // [53,248]
  intermediate_size_mlp: 1_048_576, // [16,384]
  moe_intermediate_size: 1_048_576, // [5,120]
  shared_expert_intermediate_size: 1_048_576, // [1,024]
  shared_intermediate_size: 1_048_576, // [3,072]
  vocab_size: 16_777_216, // [262,144]
  max_position_embeddings: 1_073_741_824, // [10,485,760]
  sliding_window: 1_073_741_824, // [32,768]
  attention_chunk_size: 1_073_741_824, // [8,192]
  max_window_layers: 4096, // [94], a layer index
  num_local_experts: 65_536, // [256]
  num_experts: 65_536, // [896]
  n_routed_experts: 65_536, // [512]
  num_experts_per_tok: 65_536, // [22]; also <= the expert count
  experts_per_token: 65_536, // [4]
  n_shared_experts: 4096, // [1]
  decoder_sparse_step: 4096, // [1], a layer interval
  interleave_moe_layer_step: 4096, // [2]
  moe_layer_freq: 4096, // [1]
  first_k_dense_replace: 4096, // [3]; also <= num_hidden_layers
  num_nextn_predict_layers: 4096, // [3]
  num_mtp_modules: 4096, // [7]
  kv_lora_rank: 131_072, // [512]
  q_lora_rank: 131_072, // [2,048]
  qk_nope_head_dim: 8192, // [192]
  qk_rope_head_dim: 8192, // [64]
  v_head_dim: 8192, // [256]
};
/** Bound for an integer field missing from CONFIG_INT_LIMITS (none today; kept so a new reader is bounded). */
const DEFAULT_CONFIG_INT_LIMIT = 1_073_741_824;

function configIntLimit(key: string): number {
  return ownEntry(CONFIG_INT_LIMITS, key) ?? DEFAULT_CONFIG_INT_LIMIT;
}

/** Totals above this are not a real model (the largest in hf-configs is ≈ 1.03·10¹² parameters). */
const MAX_TOTAL_PARAMS = 1e14;
/** KV cache of one token above this is not a real model (Llama-3.1-405B in bf16 needs 0.52 MB). */
const MAX_KV_BYTES_PER_TOKEN = 2 ** 30;
/** Longest config.json text accepted (the largest real one in hf-configs is 89 kB). */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

const fmtInt = (n: number): string => n.toLocaleString('en-US');

function intExpectation(what: string, min: number): string {
  if (min === 1) return `a positive integer (${what})`;
  if (min === 0) return `a non-negative integer (${what})`;
  return `an integer >= ${min} (${what})`;
}

// ---------------------------------------------------------------------------------------------
// Architecture table

type Family =
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
  | 'minimax_m2';

/** `architectures[0]` → family. */
const ARCHITECTURES: Record<string, Family> = {
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
};

/** `model_type` → family (used when `architectures` is absent, and for nested text configs). */
const MODEL_TYPES: Record<string, Family> = {
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
};

/** Multimodal wrappers whose `text_config` is imported (text decoder only). */
const WRAPPERS: Record<string, Family> = {
  Llama4ForConditionalGeneration: 'llama4',
  Qwen3VLForConditionalGeneration: 'qwen3',
  Qwen3VLMoeForConditionalGeneration: 'qwen3_moe',
  KimiK25ForConditionalGeneration: 'deepseek',
};

const FAMILY_LABEL: Record<Family, string> = {
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
};

/** Tie default when the config omits `tie_word_embeddings` (per-model HF config class default). */
const TIE_DEFAULT: Record<Family, boolean> = {
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
};

/** Architectures known and deliberately rejected, with the reason shown to the user. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  NemotronHForCausalLM: 'hybrid Mamba-2/attention model (Nemotron-H): Mamba layers are not supported',
  DeciLMForCausalLM: 'heterogeneous per-layer blocks (Nemotron-NAS) are not supported',
  Qwen3NextForCausalLM: 'Gated DeltaNet linear-attention layers (Qwen3-Next) are not supported',
  Step3p7FlashForCausalLM: 'Step-3.7 attention/MoE layout is not modeled',
  GlmMoeDsaForCausalLM: 'DeepSeek Sparse Attention (lightning indexer) is not supported',
  DeepseekV32ForCausalLM: 'DeepSeek Sparse Attention (lightning indexer) is not supported',
  DeepseekV4ForCausalLM: 'DeepSeek-V4 compressed attention / hyper-connections are not supported',
  MiniMaxM3ForCausalLM: 'block-sparse attention layers (MiniMax-M3) are not supported',
  MiMoV2FlashForCausalLM: 'per-layer-type attention shapes (MiMo-V2 hybrid sliding window) are not supported',
  Gemma4ForConditionalGeneration: 'Gemma-4 attention (shared K=V, separate global head dim/KV heads) is not supported',
  Qwen2MoeForCausalLM: 'Qwen2-MoE gated shared expert is not modeled',
  MambaForCausalLM: 'state-space (Mamba) layers are not supported',
  Mamba2ForCausalLM: 'state-space (Mamba) layers are not supported',
  JambaForCausalLM: 'hybrid Mamba/attention layers (Jamba) are not supported',
};

function unsupportedArch(field: string, name: string): ModelImportError {
  const why = ownEntry(KNOWN_UNSUPPORTED, name);
  return new ModelImportError(
    field,
    why
      ? `${JSON.stringify(name)}: ${why}; this model cannot be imported`
      : `${JSON.stringify(name)} is not a supported architecture; supported: ${SUPPORTED_ARCHITECTURES.join(', ')}`,
  );
}

export const SUPPORTED_ARCHITECTURES: readonly string[] = [...Object.keys(ARCHITECTURES), ...Object.keys(WRAPPERS)];

function firstArchitecture(c: Cfg): string | null {
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

/**
 * Features that change parameter or KV arithmetic in ways this importer does not model.
 * Checked before the architecture so the error names the actual reason.
 */
function rejectUnsupportedFeatures(c: Cfg): void {
  const reject = (key: string, why: string): never => {
    throw new ModelImportError(c.path(key), `${why}; this model cannot be imported`);
  };
  if (c.has('hybrid_override_pattern')) {
    reject(
      'hybrid_override_pattern',
      'hybrid Mamba/attention layer pattern (Nemotron-H): Mamba layers are not supported',
    );
  }
  if (c.has('layers_block_type')) {
    reject('layers_block_type', 'hybrid Mamba/attention layer types (Nemotron-H): Mamba layers are not supported');
  }
  if (c.has('ssm_state_size') || c.has('mamba_num_heads')) {
    reject(
      c.has('ssm_state_size') ? 'ssm_state_size' : 'mamba_num_heads',
      'state-space (Mamba) layers are not supported',
    );
  }
  if (c.has('linear_attn_config')) {
    reject('linear_attn_config', 'linear-attention (Kimi Delta Attention) layers are not supported');
  }
  if (c.has('block_configs')) {
    reject('block_configs', 'heterogeneous per-layer blocks (Nemotron-NAS / DeciLM) are not supported');
  }
  if (c.has('compress_ratios') || c.has('hc_mult')) {
    reject(
      c.has('compress_ratios') ? 'compress_ratios' : 'hc_mult',
      'DeepSeek-V4 compressed attention / hyper-connections are not supported',
    );
  }
  if (c.has('index_topk') || c.has('index_n_heads')) {
    reject(
      c.has('index_topk') ? 'index_topk' : 'index_n_heads',
      'DeepSeek Sparse Attention (lightning indexer with its own weights and key cache) is not supported',
    );
  }
  if (c.has('sparse_attention_config')) {
    reject('sparse_attention_config', 'block-sparse attention layers (MiniMax-M3) are not supported');
  }
  if (c.has('swa_num_key_value_heads') || c.has('hybrid_layer_pattern')) {
    reject(
      c.has('swa_num_key_value_heads') ? 'swa_num_key_value_heads' : 'hybrid_layer_pattern',
      'per-layer-type attention shapes (sliding layers with their own head counts, MiMo-V2) are not supported',
    );
  }
  if (c.has('attention_k_eq_v') || c.has('global_head_dim')) {
    reject(
      c.has('attention_k_eq_v') ? 'attention_k_eq_v' : 'global_head_dim',
      'Gemma-4 attention (shared K=V, separate global head dim/KV heads) is not supported',
    );
  }
  const lt = c.raw('layer_types');
  if (Array.isArray(lt)) {
    const odd = lt.find((t) => t !== 'full_attention' && t !== 'sliding_attention');
    if (odd !== undefined) {
      const why =
        odd === 'linear_attention'
          ? "'linear_attention' layers (Gated DeltaNet linear attention, Qwen3.5/Qwen3-Next) are not supported"
          : `layer type ${describe(odd)} is not supported (only full_attention and sliding_attention)`;
      reject('layer_types', why);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shared readers

interface Dims {
  hidden: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocab: number;
  maxContext: number;
}

function readDims(c: Cfg, family: Family): Dims {
  const hidden = c.int('hidden_size', 'model width');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  const numKvHeads = c.optInt('num_key_value_heads', 'number of KV heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new ModelImportError(
      c.path('num_key_value_heads'),
      `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`,
    );
  }
  let headDim: number;
  if (c.has('head_dim')) {
    headDim = c.int('head_dim', 'per-head dimension');
  } else if (family === 'gemma2') {
    throw new ModelImportError(
      c.path('head_dim'),
      'missing; expected a positive integer (Gemma-2 head_dim is not hidden_size/num_attention_heads)',
    );
  } else if (hidden % numHeads === 0) {
    headDim = hidden / numHeads;
  } else {
    throw new ModelImportError(
      c.path('head_dim'),
      `missing and hidden_size (${hidden}) is not divisible by num_attention_heads (${numHeads}); expected a positive integer`,
    );
  }
  const vocab = c.int('vocab_size', 'vocabulary size');
  const maxContext = c.int('max_position_embeddings', 'maximum context length in tokens');
  return { hidden, numLayers, numHeads, numKvHeads, headDim, vocab, maxContext };
}

function readLayerTypes(c: Cfg, numLayers: number): LayerAttention[] | null {
  const v = c.raw('layer_types');
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) {
    throw new ModelImportError(
      c.path('layer_types'),
      `expected an array of "full_attention"/"sliding_attention" (one per layer), got ${describe(v)}`,
    );
  }
  if (v.length !== numLayers) {
    throw new ModelImportError(
      c.path('layer_types'),
      `has ${v.length} entries; expected one per layer (num_hidden_layers = ${numLayers})`,
    );
  }
  return v.map((t, i) => {
    if (t === 'full_attention') return 'full';
    if (t === 'sliding_attention') return 'sliding';
    throw new ModelImportError(
      `${c.path('layer_types')}[${i}]`,
      `expected "full_attention" or "sliding_attention", got ${describe(t)}`,
    );
  });
}

/** Per-layer attention kind and the window. */
function readSliding(c: Cfg, family: Family, numLayers: number): { kinds: LayerAttention[]; window: number | null } {
  const window = c.optInt('sliding_window', 'sliding window in tokens', null);
  let kinds = readLayerTypes(c, numLayers);
  if (!kinds) {
    switch (family) {
      case 'mistral':
      case 'mixtral':
      case 'phi3':
        kinds = Array.from({ length: numLayers }, () => (window !== null ? 'sliding' : 'full'));
        break;
      case 'qwen2':
      case 'qwen3':
      case 'qwen3_moe': {
        const use = c.bool('use_sliding_window', false) && window !== null;
        const maxWindowLayers = use
          ? c.optInt('max_window_layers', 'layers before sliding starts', numLayers, 0)
          : numLayers;
        kinds = Array.from({ length: numLayers }, (_, i) => (use && i >= maxWindowLayers ? 'sliding' : 'full'));
        break;
      }
      case 'gemma2':
      case 'gpt_oss':
        // HF: even layers (0, 2, ...) slide, odd layers are global.
        kinds = Array.from({ length: numLayers }, (_, i) => (i % 2 === 0 ? 'sliding' : 'full'));
        break;
      default:
        kinds = Array.from({ length: numLayers }, () => 'full');
    }
  }
  const anySliding = kinds.includes('sliding');
  if (anySliding && window === null) {
    throw new ModelImportError(
      c.path('sliding_window'),
      'missing; expected a positive integer (sliding layers need a window size)',
    );
  }
  return { kinds, window: anySliding ? window : null };
}

function gqaAttention(
  d: Dims,
  o: { qkvBias: boolean; oBias: boolean; qkNorm: boolean; sinks: boolean; qkNormScope?: 'head' | 'layer' },
): AttentionSpec {
  const a: AttentionSpec = {
    kind: 'gqa',
    numHeads: d.numHeads,
    numKvHeads: d.numKvHeads,
    headDim: d.headDim,
    vHeadDim: d.headDim,
    qkvBias: o.qkvBias,
    oBias: o.oBias,
    qkNorm: o.qkNorm,
    sinks: o.sinks,
    qLoraRank: null,
    kvLoraRank: 0,
    qkNopeHeadDim: 0,
    qkRopeHeadDim: 0,
  };
  if (o.qkNorm && o.qkNormScope) a.qkNormScope = o.qkNormScope;
  return a;
}

function moeSpec(
  c: Cfg,
  numExperts: number,
  topK: number,
  topKField: string,
  expertIntermediateSize: number,
  shared: { count: number; width: number },
  routerBias: boolean,
): MoeSpec {
  if (topK > numExperts) {
    throw new ModelImportError(
      c.path(topKField),
      `experts per token (${topK}) exceeds the number of experts (${numExperts})`,
    );
  }
  return {
    numExperts,
    topK,
    expertIntermediateSize,
    numSharedExperts: shared.count,
    sharedIntermediateSize: shared.count > 0 ? shared.width : 0,
    routerBias,
  };
}

function quantNote(c: Cfg, top: Cfg): string | null {
  const q = c.raw('quantization_config') ?? top.raw('quantization_config');
  if (!isObj(q)) return null;
  const m = q['quant_method'] ?? q['quant_algo'] ?? q['format'];
  return `Checkpoint is quantized (${typeof m === 'string' ? m : 'quantization_config'}); counts are logical parameters, not stored bytes.`;
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Import a Hugging Face `config.json` object (already parsed). Throws `ModelImportError` for
 * unsupported architectures and invalid configs.
 */
export function fromHfConfig(config: unknown, meta: HfImportMeta): ModelSpec {
  if (!isObj(config)) {
    throw new ModelImportError('config', `expected a config.json object, got ${describe(config)}`);
  }
  const top = new Cfg(config, '');
  const topArch = firstArchitecture(top);
  const topType = top.optString('model_type');

  // Nested text model (multimodal wrappers): import the text decoder only.
  let c = top;
  let family: Family | undefined;
  let archName: string;
  const notes: string[] = [];
  const tc = config['text_config'];
  if (tc !== undefined && tc !== null) {
    if (!isObj(tc)) throw new ModelImportError('text_config', `expected an object, got ${describe(tc)}`);
    c = new Cfg(tc, 'text_config');
    rejectUnsupportedFeatures(c);
    const innerArch = firstArchitecture(c);
    const innerType = c.optString('model_type');
    family =
      (innerArch ? ownEntry(ARCHITECTURES, innerArch) : undefined) ??
      (innerType ? ownEntry(MODEL_TYPES, innerType) : undefined) ??
      (topArch && !innerArch && !innerType ? ownEntry(WRAPPERS, topArch) : undefined);
    const innerName = innerArch ?? innerType ?? topArch ?? 'unknown';
    if (!family) {
      throw unsupportedArch(
        innerArch ? 'text_config.architectures' : innerType ? 'text_config.model_type' : 'architectures',
        innerName,
      );
    }
    archName = topArch ?? innerName;
    notes.push(
      `Text decoder only (from text_config of ${topArch ?? topType ?? 'a multimodal wrapper'}); vision/audio towers are not counted.`,
    );
  } else {
    rejectUnsupportedFeatures(top);
    family =
      (topArch ? ownEntry(ARCHITECTURES, topArch) : undefined) ??
      (!topArch && topType ? ownEntry(MODEL_TYPES, topType) : undefined);
    archName = topArch ?? topType ?? '';
    if (!family) {
      if (!topArch && !topType) {
        throw new ModelImportError(
          'architectures',
          'missing; expected architectures[0] or model_type naming a supported architecture',
        );
      }
      throw unsupportedArch(topArch ? 'architectures' : 'model_type', archName);
    }
  }

  // Tied embeddings: the text config's value, else the wrapper's, else the architecture default.
  const tieInner = c !== top ? c.raw('tie_word_embeddings') : undefined;
  const tieTop = top.raw('tie_word_embeddings');
  if (c !== top && typeof tieInner === 'boolean' && typeof tieTop === 'boolean' && tieInner !== tieTop) {
    throw new ModelImportError(
      'tie_word_embeddings',
      `text_config says ${tieInner} but the top-level config says ${tieTop}; expected them to agree`,
    );
  }
  const tie =
    c !== top && c.has('tie_word_embeddings')
      ? c.bool('tie_word_embeddings', TIE_DEFAULT[family])
      : top.bool('tie_word_embeddings', TIE_DEFAULT[family]);

  const q = quantNote(c, top);
  if (q) notes.push(q);

  const body = buildFamily(c, family, notes);
  if (body.layers.some((l) => l.attention === 'sliding')) {
    notes.push(
      `Sliding-window layers keep at most ${body.window} tokens of KV (kvBytesForContext); engines that ignore the window allocate the full context (kvBytesPerToken).`,
    );
  }
  const hfId = meta.hfId ?? null;
  const spec: ModelSpec = {
    id: meta.id,
    name: meta.name ?? hfId ?? meta.id,
    hfId,
    architecture: archName,
    hiddenSize: body.dims.hidden,
    vocabSize: body.dims.vocab,
    tieWordEmbeddings: tie,
    maxContextTokens: body.dims.maxContext,
    slidingWindow: body.window,
    attention: body.attention,
    intermediateSize: body.intermediateSize,
    gatedMlp: true,
    mlpBias: body.mlpBias,
    moe: body.moe,
    layers: body.layers,
    source: `Hugging Face config.json${hfId ? ` of ${hfId}` : ''} (${archName})`,
    family: FAMILY_LABEL[family],
  };
  if (body.normsPerLayer !== 2) spec.normsPerLayer = body.normsPerLayer;
  if (body.mtp > 0) {
    spec.numMtpLayers = body.mtp;
    notes.push(`${body.mtp} multi-token-prediction layer(s) in the checkpoint are excluded from params and KV.`);
  }
  if (body.chunk !== null) spec.attentionChunkSize = body.chunk;
  if (notes.length > 0) spec.notes = notes;

  checkDerivedSizes(spec);
  return spec;
}

/**
 * Derived sizes of an imported model: every field is already bounded, but their products (experts ×
 * width × layers) can still describe 10¹⁹ parameters, which downstream memory and cost figures
 * cannot represent exactly. Runs on at most MAX layers (CONFIG_INT_LIMITS.num_hidden_layers).
 */
function checkDerivedSizes(spec: ModelSpec): void {
  const total = countParams(spec).totalParams;
  if (!Number.isFinite(total) || total > MAX_TOTAL_PARAMS) {
    throw new ModelImportError(
      'config',
      `${total.toPrecision(3)} total parameters exceeds ${MAX_TOTAL_PARAMS.toPrecision(3)}; the largest real model has about 1.0e12: check hidden_size, intermediate_size, the expert counts and num_hidden_layers`,
    );
  }
  const kvBytes = kvBytesPerToken(spec, 2);
  if (!Number.isFinite(kvBytes) || kvBytes > MAX_KV_BYTES_PER_TOKEN) {
    throw new ModelImportError(
      'config',
      `KV cache of ${fmtInt(kvBytes)} bytes per token (bf16) exceeds ${fmtInt(MAX_KV_BYTES_PER_TOKEN)}: check num_key_value_heads, head_dim and num_hidden_layers`,
    );
  }
}

interface Body {
  dims: Dims;
  attention: AttentionSpec;
  window: number | null;
  intermediateSize: number;
  mlpBias: boolean;
  moe: MoeSpec | null;
  layers: LayerSpec[];
  normsPerLayer: number;
  mtp: number;
  chunk: number | null;
}

function buildFamily(c: Cfg, family: Family, notes: string[]): Body {
  if (family === 'deepseek') return buildDeepseek(c, notes);
  const d = readDims(c, family);
  const { kinds, window } = readSliding(c, family, d.numLayers);
  const dense = (ffn: (i: number) => 'dense' | 'moe'): LayerSpec[] =>
    kinds.map((attention, i) => ({ attention, ffn: ffn(i) }));
  const attnBias = c.bool('attention_bias', false);
  const base = { window, normsPerLayer: 2, mtp: 0, chunk: null as number | null };

  switch (family) {
    case 'llama':
    case 'mistral':
    case 'phi3':
    case 'qwen2':
    case 'qwen3':
    case 'gemma2': {
      const isQwen2 = family === 'qwen2';
      const biasAll = (family === 'llama' || family === 'qwen3' || family === 'gemma2') && attnBias;
      const attention = gqaAttention(d, {
        qkvBias: isQwen2 || biasAll,
        oBias: biasAll,
        qkNorm: family === 'qwen3',
        sinks: false,
      });
      const mtp = isQwen2 ? c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0) : 0;
      return {
        ...base,
        dims: d,
        attention,
        intermediateSize: c.int('intermediate_size', 'dense FFN width'),
        mlpBias: family === 'llama' ? c.bool('mlp_bias', false) : false,
        moe: null,
        layers: dense(() => 'dense'),
        normsPerLayer: family === 'gemma2' ? 4 : 2,
        mtp,
      };
    }
    case 'mixtral': {
      const inter = c.int('intermediate_size', 'expert FFN width');
      const moe = moeSpec(
        c,
        c.int('num_local_experts', 'number of routed experts'),
        c.int('num_experts_per_tok', 'experts per token'),
        'num_experts_per_tok',
        inter,
        { count: 0, width: 0 },
        false,
      );
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, { qkvBias: false, oBias: false, qkNorm: false, sinks: false }),
        intermediateSize: inter,
        mlpBias: false,
        moe,
        layers: dense(() => 'moe'),
      };
    }
    case 'qwen3_moe': {
      if (
        c.optInt('shared_expert_intermediate_size', 'shared expert width', 0, 0) > 0 ||
        c.optInt('n_shared_experts', 'shared experts', 0, 0) > 0
      ) {
        throw new ModelImportError(
          c.path(c.has('n_shared_experts') ? 'n_shared_experts' : 'shared_expert_intermediate_size'),
          'Qwen3-MoE has no shared experts; a non-zero value means a different architecture (e.g. Qwen2-MoE) and is not supported',
        );
      }
      const numExperts = c.int('num_experts', 'number of routed experts');
      const step = c.optInt('decoder_sparse_step', 'MoE layer interval', 1);
      const mlpOnly = new Set(c.intList('mlp_only_layers', 'layer index', d.numLayers));
      const moe = moeSpec(
        c,
        numExperts,
        c.int('num_experts_per_tok', 'experts per token'),
        'num_experts_per_tok',
        c.int('moe_intermediate_size', 'routed expert FFN width'),
        { count: 0, width: 0 },
        false,
      );
      const layers = dense((i) => (!mlpOnly.has(i) && (i + 1) % step === 0 ? 'moe' : 'dense'));
      const needsDense = layers.some((l) => l.ffn === 'dense');
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, { qkvBias: attnBias, oBias: attnBias, qkNorm: true, sinks: false }),
        intermediateSize: needsDense
          ? c.int('intermediate_size', 'dense FFN width (mlp_only_layers)')
          : c.optInt('intermediate_size', 'dense FFN width', moe.expertIntermediateSize),
        mlpBias: false,
        moe,
        layers,
      };
    }
    case 'gpt_oss': {
      const inter = c.int('intermediate_size', 'expert FFN width');
      const topKField = c.has('num_experts_per_tok') ? 'num_experts_per_tok' : 'experts_per_token';
      const moe = moeSpec(
        c,
        c.int('num_local_experts', 'number of routed experts'),
        c.int(topKField, 'experts per token'),
        topKField,
        inter,
        { count: 0, width: 0 },
        true,
      );
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, { qkvBias: attnBias, oBias: attnBias, qkNorm: false, sinks: true }),
        intermediateSize: inter,
        mlpBias: true,
        moe,
        layers: dense(() => 'moe'),
      };
    }
    case 'llama4': {
      const expertWidth = c.int('intermediate_size', 'routed and shared expert FFN width');
      const numExperts = c.int('num_local_experts', 'number of routed experts');
      const step = c.optInt('interleave_moe_layer_step', 'MoE layer interval', 1);
      let moeLayers: Set<number>;
      if (c.has('moe_layers')) {
        moeLayers = new Set(c.intList('moe_layers', 'layer index', d.numLayers));
      } else {
        moeLayers = new Set<number>();
        for (let i = step - 1; i < d.numLayers; i += step) moeLayers.add(i);
      }
      const layers = dense((i) => (moeLayers.has(i) ? 'moe' : 'dense'));
      const needsDense = layers.some((l) => l.ffn === 'dense');
      const moe = moeSpec(
        c,
        numExperts,
        c.int('num_experts_per_tok', 'experts per token'),
        'num_experts_per_tok',
        expertWidth,
        { count: 1, width: expertWidth },
        false,
      );
      const chunk = c.optInt('attention_chunk_size', 'chunked-attention size', null);
      if (chunk !== null) {
        notes.push(
          `Chunked local attention (attention_chunk_size ${chunk}) on RoPE layers is modeled as full attention: KV sizing is a conservative upper bound.`,
        );
      }
      if (c.bool('use_qk_norm', false)) notes.push('Llama-4 qk-norm is a weightless L2 norm (no parameters).');
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, { qkvBias: attnBias, oBias: attnBias, qkNorm: false, sinks: false }),
        intermediateSize: needsDense
          ? c.int('intermediate_size_mlp', 'dense FFN width of non-MoE layers')
          : c.optInt('intermediate_size_mlp', 'dense FFN width', expertWidth),
        mlpBias: false,
        moe,
        layers,
        chunk,
      };
    }
    case 'minimax_m2': {
      if (c.optInt('shared_intermediate_size', 'shared expert width', 0, 0) > 0) {
        throw new ModelImportError(
          c.path('shared_intermediate_size'),
          'MiniMax-M2 shared experts are not supported; expected 0',
        );
      }
      if (attnBias)
        throw new ModelImportError(
          c.path('attention_bias'),
          'MiniMax-M2 attention biases are not supported; expected false',
        );
      const qkNorm = c.bool('use_qk_norm', false);
      const normType = c.optString('qk_norm_type') ?? 'per_head';
      if (normType !== 'per_layer' && normType !== 'per_head') {
        throw new ModelImportError(
          c.path('qk_norm_type'),
          `expected "per_layer" or "per_head", got ${describe(normType)}`,
        );
      }
      const inter = c.int('intermediate_size', 'routed expert FFN width');
      const moe = moeSpec(
        c,
        c.int('num_local_experts', 'number of routed experts'),
        c.int('num_experts_per_tok', 'experts per token'),
        'num_experts_per_tok',
        inter,
        { count: 0, width: 0 },
        false,
      );
      const mtp = c.bool('use_mtp', false) ? c.optInt('num_mtp_modules', 'MTP modules', 0, 0) : 0;
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, {
          qkvBias: false,
          oBias: false,
          qkNorm,
          sinks: false,
          qkNormScope: normType === 'per_layer' ? 'layer' : 'head',
        }),
        intermediateSize: inter,
        mlpBias: false,
        moe,
        layers: dense(() => 'moe'),
        mtp,
      };
    }
  }
}

/** DeepSeek-V2/V3 family (also Kimi-K2): MLA attention, shared + routed experts, first-k dense. */
function buildDeepseek(c: Cfg, notes: string[]): Body {
  const hidden = c.int('hidden_size', 'model width');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers (MTP excluded)');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  const vocab = c.int('vocab_size', 'vocabulary size');
  const maxContext = c.int('max_position_embeddings', 'maximum context length in tokens');
  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(c.path('attention_bias'), 'MLA projection biases are not supported; expected false');
  }
  const kvLoraRank = c.int('kv_lora_rank', 'MLA KV latent rank');
  const qLoraRank = c.optInt('q_lora_rank', 'MLA query latent rank (null = full q projection)', null);
  const nope = c.int('qk_nope_head_dim', 'MLA non-rotary q/k head dim');
  const rope = c.int('qk_rope_head_dim', 'MLA decoupled rotary key dim');
  const vHeadDim = c.int('v_head_dim', 'MLA value head dim');
  const numKvHeads = c.optInt('num_key_value_heads', 'number of KV heads', numHeads);

  const intermediateSize = c.int('intermediate_size', 'dense FFN width (first_k_dense layers)');
  const firstK = c.optInt('first_k_dense_replace', 'leading dense layers', 0, 0);
  if (firstK > numLayers) {
    throw new ModelImportError(c.path('first_k_dense_replace'), `${firstK} exceeds num_hidden_layers (${numLayers})`);
  }
  const freq = c.optInt('moe_layer_freq', 'MoE layer interval', 1);
  const routed = c.optInt('n_routed_experts', 'number of routed experts', null);
  let moe: MoeSpec | null = null;
  if (routed !== null) {
    const width = c.int('moe_intermediate_size', 'routed expert FFN width');
    moe = moeSpec(
      c,
      routed,
      c.int('num_experts_per_tok', 'experts per token'),
      'num_experts_per_tok',
      width,
      { count: c.optInt('n_shared_experts', 'shared experts', 0, 0), width },
      false,
    );
  }
  const layers: LayerSpec[] = Array.from({ length: numLayers }, (_, i) => ({
    attention: 'full',
    ffn: moe && i >= firstK && i % freq === 0 ? 'moe' : 'dense',
  }));
  notes.push(
    'MLA: KV cache is the compressed latent (kv_lora_rank + qk_rope_head_dim) per layer, as stored by absorbing engines.',
  );
  return {
    dims: { hidden, numLayers, numHeads, numKvHeads, headDim: nope + rope, vocab, maxContext },
    attention: {
      kind: 'mla',
      numHeads,
      numKvHeads,
      headDim: nope + rope,
      vHeadDim,
      qkvBias: false,
      oBias: false,
      qkNorm: false,
      sinks: false,
      qLoraRank,
      kvLoraRank,
      qkNopeHeadDim: nope,
      qkRopeHeadDim: rope,
    },
    window: null,
    intermediateSize,
    mlpBias: false,
    moe,
    layers,
    normsPerLayer: 2,
    mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
    chunk: null,
  };
}

/**
 * Rewrites the bare `Infinity`, `-Infinity` and `NaN` tokens that Python's json module writes
 * (outside strings) into JSON: `1e999` (parses as Infinity) and `null`. One pass over the text,
 * collecting slices (no per-character string concatenation); returns the text itself when there is
 * nothing to rewrite.
 */
function rewritePythonTokens(text: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x49 /* I */ && text.startsWith('Infinity', i)) {
      parts.push(text.slice(copiedTo, i), '1e999');
      i += 'Infinity'.length - 1;
      copiedTo = i + 1;
    } else if (c === 0x4e /* N */ && text.startsWith('NaN', i)) {
      parts.push(text.slice(copiedTo, i), 'null');
      i += 'NaN'.length - 1;
      copiedTo = i + 1;
    }
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/**
 * Parse pasted config.json text. Accepts the bare `Infinity`, `-Infinity` and `NaN` tokens that
 * Python's json module writes (seen in real Nemotron-H configs); they become 1e999/-1e999/null.
 * Size (MAX_CONFIG_CHARS) and nesting depth are checked before parsing (parseUntrustedJson), and
 * prototype keys are dropped. Throws `ModelImportError` (field 'config') for text that is not JSON.
 */
export function parseHfConfigText(text: string): unknown {
  if (text.length > MAX_CONFIG_CHARS) {
    throw new ModelImportError(
      'config',
      `the text is ${fmtInt(text.length)} characters; a config.json has at most ${fmtInt(MAX_CONFIG_CHARS)}: paste only config.json`,
    );
  }
  try {
    return parseUntrustedJson(rewritePythonTokens(text), { what: 'config.json', maxChars: MAX_CONFIG_CHARS * 2 });
  } catch (e) {
    if (!(e instanceof UntrustedJsonError)) throw e;
    throw new ModelImportError('config', `${e.message}; expected the text of a config.json`);
  }
}
