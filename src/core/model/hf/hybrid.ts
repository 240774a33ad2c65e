/**
 * Builders of the hybrid families whose layers keep a recurrent state instead of (or besides) a KV
 * cache: Qwen3-Next / Qwen3.5 (Gated DeltaNet + gated full attention) and Nemotron-H / Nemotron-3
 * (Mamba-2 + attention + MLP/MoE blocks). Field semantics follow the HF `transformers` modeling code
 * (qwen3_next / qwen3_5 and nemotron_h).
 */
import type { LayerAttention, LayerSpec, LinearAttentionSpec, MambaSpec } from '../types.ts';
import type { Family } from './architectures.ts';
import { gqaAttention, moeSpec, readDims, readLayerTypes } from './dimensions.ts';
import type { Body } from './body.ts';
import { Cfg, describe, ModelImportError } from './reader.ts';

/** Bytes of one recurrent-state element from a config dtype name (vLLM mamba_ssm_cache_dtype; default bf16). */
function stateDtypeBytes(c: Cfg, key: string): number {
  const v = c.optString(key);
  if (v === null || v === 'auto' || v === 'bfloat16' || v === 'float16') return 2;
  if (v === 'float32') return 4;
  throw new ModelImportError(c.path(key), `expected "float32", "bfloat16", "float16" or "auto", got ${describe(v)}`);
}

/**
 * Qwen3-Next / Qwen3.5: `layer_types` (or every `full_attention_interval`-th layer) is full attention
 * with a sigmoid output gate and per-head q/k norms; the rest are Gated DeltaNet layers.
 */
export function buildQwen35(c: Cfg, family: Extract<Family, 'qwen3_5' | 'qwen3_5_moe'>, notes: string[]): Body {
  const d = readDims(c, family);
  let kinds: LayerAttention[] | null = readLayerTypes(c, d.numLayers);
  if (!kinds) {
    const every = c.int('full_attention_interval', 'one full-attention layer every N layers (no layer_types given)');
    kinds = Array.from({ length: d.numLayers }, (_, i) => ((i + 1) % every === 0 ? 'full' : 'linear'));
  }
  if (kinds.includes('sliding')) {
    throw new ModelImportError(
      c.path('layer_types'),
      'Qwen3.5 has no sliding-window layers; expected "full_attention" or "linear_attention" only',
    );
  }
  const linearAttention: LinearAttentionSpec = {
    numKeyHeads: c.int('linear_num_key_heads', 'Gated DeltaNet key heads'),
    numValueHeads: c.int('linear_num_value_heads', 'Gated DeltaNet value heads'),
    keyHeadDim: c.int('linear_key_head_dim', 'Gated DeltaNet key head dim'),
    valueHeadDim: c.int('linear_value_head_dim', 'Gated DeltaNet value head dim'),
    convKernel: c.int('linear_conv_kernel_dim', 'Gated DeltaNet causal-conv taps'),
    stateBytesPerElement: stateDtypeBytes(c, 'mamba_ssm_dtype'),
  };
  if (linearAttention.numValueHeads % linearAttention.numKeyHeads !== 0) {
    throw new ModelImportError(
      c.path('linear_num_value_heads'),
      `${linearAttention.numValueHeads} must be a multiple of linear_num_key_heads (${linearAttention.numKeyHeads})`,
    );
  }
  const attention = gqaAttention(d, {
    qkvBias: c.bool('attention_bias', false),
    oBias: c.bool('attention_bias', false),
    qkNorm: true,
    sinks: false,
  });
  if (c.bool('attn_output_gate', true)) attention.outputGate = true;
  const mtp = c.optInt('mtp_num_hidden_layers', 'MTP layers', 0, 0);
  notes.push(
    `${kinds.filter((k) => k === 'linear').length} Gated DeltaNet layers keep a fixed recurrent state per sequence (flat in context); only the ${kinds.filter((k) => k === 'full').length} full-attention layers hold KV.`,
  );
  const base = { dims: d, attention, window: null, mlpBias: false, normsPerLayer: 2, mtp, chunk: null };
  const extra = { linearAttention };
  if (family === 'qwen3_5') {
    return {
      ...base,
      intermediateSize: c.int('intermediate_size', 'dense FFN width'),
      moe: null,
      layers: kinds.map((attention) => ({ attention, ffn: 'dense' })),
      extra,
    };
  }
  const sharedWidth = c.optInt('shared_expert_intermediate_size', 'shared expert width', 0, 0);
  const moe = moeSpec(
    c,
    c.int('num_experts', 'number of routed experts'),
    c.int('num_experts_per_tok', 'experts per token'),
    'num_experts_per_tok',
    c.int('moe_intermediate_size', 'routed expert FFN width'),
    { count: sharedWidth > 0 ? 1 : 0, width: sharedWidth },
    false,
  );
  if (sharedWidth > 0) moe.sharedExpertGate = true;
  const step = c.optInt('decoder_sparse_step', 'MoE layer interval', 1);
  const mlpOnly = new Set(c.intList('mlp_only_layers', 'layer index', d.numLayers));
  const layers: LayerSpec[] = kinds.map((attention, i) => ({
    attention,
    ffn: !mlpOnly.has(i) && (i + 1) % step === 0 ? 'moe' : 'dense',
  }));
  const needsDense = layers.some((l) => l.ffn === 'dense');
  return {
    ...base,
    intermediateSize: needsDense
      ? c.int('intermediate_size', 'dense FFN width (mlp_only_layers)')
      : c.optInt('intermediate_size', 'dense FFN width', moe.expertIntermediateSize),
    moe,
    layers,
    extra,
  };
}

const NEMOTRON_BLOCKS: Readonly<Record<string, LayerSpec>> = {
  M: { attention: 'mamba', ffn: 'none' },
  '*': { attention: 'full', ffn: 'none' },
  '-': { attention: 'none', ffn: 'dense' },
  E: { attention: 'none', ffn: 'moe' },
};
const NEMOTRON_BLOCK_NAMES: Readonly<Record<string, string>> = { mamba: 'M', attention: '*', mlp: '-', moe: 'E' };

/** The block pattern: `hybrid_override_pattern` ("M-M*E…") or `layers_block_type` (["mamba", "moe", …]). */
function nemotronPattern(c: Cfg): { field: string; codes: string[] } {
  const maxLayers = 4096;
  if (c.has('hybrid_override_pattern')) {
    const p = c.optString('hybrid_override_pattern') ?? '';
    if (p.length === 0 || p.length > maxLayers) {
      throw new ModelImportError(
        c.path('hybrid_override_pattern'),
        `expected 1..${maxLayers} block codes (M mamba, * attention, - MLP, E MoE), got ${p.length}`,
      );
    }
    return { field: 'hybrid_override_pattern', codes: [...p] };
  }
  const v = c.raw('layers_block_type');
  if (!Array.isArray(v) || v.length === 0 || v.length > maxLayers) {
    throw new ModelImportError(
      c.path('layers_block_type'),
      `expected an array of 1..${maxLayers} of "mamba"/"attention"/"mlp"/"moe" (or hybrid_override_pattern), got ${describe(v)}`,
    );
  }
  return {
    field: 'layers_block_type',
    codes: v.map((t, i) => {
      const code = typeof t === 'string' ? NEMOTRON_BLOCK_NAMES[t] : undefined;
      if (code === undefined) {
        throw new ModelImportError(
          `${c.path('layers_block_type')}[${i}]`,
          `expected "mamba", "attention", "mlp" or "moe", got ${describe(t)}`,
        );
      }
      return code;
    }),
  };
}

/**
 * Nemotron-H / Nemotron-3: a sequence of single-mixer blocks, each with one pre-norm. Mamba-2 and
 * attention blocks have no FFN; MLP blocks are relu² (2 matrices); MoE blocks route to relu² experts
 * (in a latent space of `moe_latent_size` when set) plus shared experts.
 */
export function buildNemotronH(c: Cfg, notes: string[]): Body {
  const { field, codes } = nemotronPattern(c);
  const layers = codes.map((code, i) => {
    const l = NEMOTRON_BLOCKS[code];
    if (!l) {
      throw new ModelImportError(
        `${c.path(field)}[${i}]`,
        `unknown block code ${JSON.stringify(code)}; expected M (Mamba-2), * (attention), - (MLP) or E (MoE)`,
      );
    }
    return { ...l };
  });
  const declared = c.optInt('num_hidden_layers', 'number of blocks', null);
  if (declared !== null && declared !== layers.length) {
    throw new ModelImportError(
      c.path('num_hidden_layers'),
      `${declared} disagrees with the ${layers.length} blocks of ${field}; expected them to match`,
    );
  }
  const hidden = c.int('hidden_size', 'model width');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  const numKvHeads = c.optInt('num_key_value_heads', 'number of KV heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new ModelImportError(
      c.path('num_key_value_heads'),
      `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`,
    );
  }
  const headKey = c.has('head_dim') ? 'head_dim' : c.has('attention_head_dim') ? 'attention_head_dim' : null;
  const headDim = headKey ? c.int(headKey, 'per-head dimension') : hidden / numHeads;
  if (!Number.isInteger(headDim)) {
    throw new ModelImportError(
      c.path('head_dim'),
      `missing and hidden_size (${hidden}) is not divisible by num_attention_heads (${numHeads}); expected a positive integer`,
    );
  }
  const dims = {
    hidden,
    numLayers: layers.length,
    numHeads,
    numKvHeads,
    headDim,
    vocab: c.int('vocab_size', 'vocabulary size'),
    maxContext: c.int('max_position_embeddings', 'maximum context length in tokens'),
  };
  const mamba: MambaSpec = {
    numHeads: c.int('mamba_num_heads', 'Mamba-2 heads'),
    headDim: c.int('mamba_head_dim', 'Mamba-2 head dim'),
    stateSize: c.int('ssm_state_size', 'Mamba-2 SSM state size'),
    nGroups: c.int('n_groups', 'Mamba-2 B/C groups'),
    convKernel: c.int('conv_kernel', 'Mamba-2 causal-conv taps'),
    convBias: c.bool('use_conv_bias', true),
    projBias: c.bool('use_bias', false),
    stateBytesPerElement: stateDtypeBytes(c, 'mamba_ssm_cache_dtype'),
  };
  if (mamba.numHeads % mamba.nGroups !== 0) {
    throw new ModelImportError(
      c.path('n_groups'),
      `mamba_num_heads (${mamba.numHeads}) must be a multiple of n_groups (${mamba.nGroups})`,
    );
  }
  const hasMoe = layers.some((l) => l.ffn === 'moe');
  let moe = null;
  if (hasMoe) {
    moe = moeSpec(
      c,
      c.int('n_routed_experts', 'number of routed experts'),
      c.int('num_experts_per_tok', 'experts per token'),
      'num_experts_per_tok',
      c.int('moe_intermediate_size', 'routed expert FFN width'),
      {
        count: c.optInt('n_shared_experts', 'shared experts', 1, 0),
        width: c.int('moe_shared_expert_intermediate_size', 'shared expert width'),
      },
      false,
    );
    const latent = c.optInt('moe_latent_size', 'latent width of the routed experts', null);
    if (latent !== null) moe.latentSize = latent;
  }
  const attnBias = c.bool('attention_bias', false);
  const nMamba = layers.filter((l) => l.attention === 'mamba').length;
  notes.push(
    `${nMamba} Mamba-2 blocks keep a fixed SSM + conv state per sequence (flat in context); only the ${layers.filter((l) => l.attention === 'full').length} attention blocks hold KV.`,
  );
  return {
    dims,
    attention: gqaAttention(dims, { qkvBias: attnBias, oBias: attnBias, qkNorm: false, sinks: false }),
    window: null,
    intermediateSize: c.int('intermediate_size', 'MLP block width'),
    mlpBias: c.bool('mlp_bias', false),
    moe,
    layers,
    normsPerLayer: 1,
    mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
    chunk: null,
    gatedMlp: false,
    extra: { mamba },
  };
}

/** DeciLM `_ffn_mult_to_intermediate_size`: int(2·mult·hidden/3) rounded up to a multiple of 256. */
export function nasFfnWidth(ffnMult: number, hidden: number): number {
  const raw = Math.trunc((2 * ffnMult * hidden) / 3);
  return Math.ceil(raw / 256) * 256;
}

/**
 * Llama-Nemotron NAS (DeciLMForCausalLM, `block_configs`): Llama layers where attention may be a
 * no-op (no weights, no KV, no input norm) and each FFN has its own width from `ffn_mult`. Attention
 * layers must share one `n_heads_in_group` (KV heads = heads / group); linear replacements, sink
 * tokens, windows and sparsification are refused.
 */
export function buildNemotronNas(c: Cfg): Body {
  const raw = c.raw('block_configs');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers');
  if (!Array.isArray(raw) || raw.length !== numLayers) {
    throw new ModelImportError(
      c.path('block_configs'),
      `expected an array of ${numLayers} { attention, ffn } blocks (one per layer), got ${describe(raw)}`,
    );
  }
  const hidden = c.int('hidden_size', 'model width');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  let group: number | null = null;
  let maxWidth = 0;
  const layers: LayerSpec[] = raw.map((b, i) => {
    const at = `${c.path('block_configs')}[${i}]`;
    const blk = new Cfg(isObjOrThrow(b, at), at);
    const a = new Cfg(isObjOrThrow(blk.raw('attention'), `${at}.attention`), `${at}.attention`);
    const f = new Cfg(isObjOrThrow(blk.raw('ffn'), `${at}.ffn`), `${at}.ffn`);
    for (const [part, key] of [
      [a, 'replace_with_linear'],
      [f, 'replace_with_linear'],
    ] as const) {
      if (part.bool(key, false))
        throw new ModelImportError(part.path(key), 'linear-replacement blocks are not supported; expected false');
    }
    for (const key of ['num_sink_tokens', 'window_length', 'sparsify']) {
      if (a.has(key))
        throw new ModelImportError(a.path(key), 'sink / window / sparse NAS attention is not supported; expected null');
    }
    if (f.has('sparsify'))
      throw new ModelImportError(f.path('sparsify'), 'sparse NAS FFNs are not supported; expected null');
    const attnOff = a.bool('no_op', false);
    if (!attnOff) {
      const g = a.int('n_heads_in_group', 'query heads per KV head');
      if (group !== null && g !== group) {
        throw new ModelImportError(
          a.path('n_heads_in_group'),
          `${g} differs from ${group} in an earlier layer; per-layer KV head counts are not supported`,
        );
      }
      group = g;
    }
    const ffnOff = f.bool('no_op', false);
    const layer: LayerSpec = { attention: attnOff ? 'none' : 'full', ffn: ffnOff ? 'none' : 'dense' };
    if (!ffnOff) {
      const mult = f.raw('ffn_mult');
      if (typeof mult !== 'number' || !(mult > 0) || mult > 64) {
        throw new ModelImportError(
          f.path('ffn_mult'),
          `expected a number in (0, 64] (FFN width = 2·mult·hidden/3), got ${describe(mult)}`,
        );
      }
      layer.ffnWidth = nasFfnWidth(mult, hidden);
      maxWidth = Math.max(maxWidth, layer.ffnWidth);
    }
    const norms = (attnOff ? 0 : 1) + (ffnOff ? 0 : 1);
    if (norms !== 2) layer.norms = norms;
    return layer;
  });
  if (group === null || numHeads % group !== 0) {
    throw new ModelImportError(
      c.path('block_configs'),
      group === null
        ? 'no layer has attention; expected at least one block with attention.no_op false'
        : `num_attention_heads (${numHeads}) must be a multiple of n_heads_in_group (${group})`,
    );
  }
  const headDim = hidden / numHeads;
  if (!Number.isInteger(headDim)) {
    throw new ModelImportError(
      c.path('num_attention_heads'),
      `hidden_size (${hidden}) must be divisible by num_attention_heads (${numHeads})`,
    );
  }
  const dims = {
    hidden,
    numLayers,
    numHeads,
    numKvHeads: numHeads / group,
    headDim,
    vocab: c.int('vocab_size', 'vocabulary size'),
    maxContext: c.int('max_position_embeddings', 'maximum context length in tokens'),
  };
  const bias = c.bool('attention_bias', false);
  return {
    dims,
    attention: gqaAttention(dims, { qkvBias: bias, oBias: bias, qkNorm: false, sinks: false }),
    window: null,
    intermediateSize: maxWidth,
    mlpBias: c.bool('mlp_bias', false),
    moe: null,
    layers,
    normsPerLayer: 2,
    mtp: 0,
    chunk: null,
  };
}

function isObjOrThrow(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ModelImportError(field, `expected an object, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}
