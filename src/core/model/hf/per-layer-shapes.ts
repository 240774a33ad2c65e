/**
 * Families whose sliding and full-attention layers have different attention shapes:
 * - Gemma-4 (`Gemma4ForConditionalGeneration` → `text_config`, HF transformers gemma4): sliding layers
 *   use `num_key_value_heads` × `head_dim`; full layers `num_global_key_value_heads` ×
 *   `global_head_dim` with K = V (`attention_k_eq_v`: no v_proj, one cached tensor). Gemma-3 layer
 *   layout otherwise: per-head q/k norms, four norms per layer, GeGLU MLP, tied embeddings. With
 *   `enable_moe_block` the dense MLP (`intermediate_size`) runs beside `num_experts` routed experts
 *   (`moe_intermediate_size`, top `top_k_experts`) on every token: it is counted as one shared expert.
 * - MiMo-V2-Flash (`MiMoV2FlashForCausalLM`): `hybrid_layer_pattern` 1 = sliding-window layer with its
 *   own `swa_*` heads and head dims and attention sinks (`add_swa_attention_sink_bias`), 0 = full
 *   attention; q/k head dim `head_dim`, value head dim `v_head_dim`; `moe_layer_freq` 0 = dense FFN.
 */
import type { AttentionSpec, LayerAttention, LayerSpec } from '../types.ts';
import type { Body } from './body.ts';
import { gqaAttention, moeSpec, readDims, readSliding } from './dimensions.ts';
import { type Cfg, describe, ModelImportError } from './reader.ts';

/** A per-layer 0/1 list, one entry per layer. */
function flags(c: Cfg, key: string, numLayers: number): boolean[] {
  const v = c.raw(key);
  if (!Array.isArray(v) || v.length !== numLayers || v.some((x) => x !== 0 && x !== 1)) {
    throw new ModelImportError(
      c.path(key),
      `expected an array of 0/1, one per layer (num_hidden_layers = ${numLayers}), got ${describe(v)}`,
    );
  }
  return v.map((x) => x === 1);
}

export function buildGemma4(c: Cfg, notes: string[]): Body {
  const d = readDims(c, 'gemma4');
  const { kinds, window } = readSliding(c, 'gemma4', d.numLayers);
  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(c.path('attention_bias'), 'Gemma-4 attention biases are not supported; expected false');
  }
  if (c.optInt('hidden_size_per_layer_input', 'per-layer input width', 0, 0) > 0) {
    throw new ModelImportError(
      c.path('hidden_size_per_layer_input'),
      'per-layer input embeddings (Gemma-3n style) are not supported; expected 0',
    );
  }
  if (c.optInt('num_kv_shared_layers', 'layers sharing an earlier KV cache', 0, 0) > 0) {
    throw new ModelImportError(c.path('num_kv_shared_layers'), 'cross-layer KV sharing is not supported; expected 0');
  }
  const opts = { qkvBias: false, oBias: false, qkNorm: true, sinks: false };
  const sliding = gqaAttention(d, opts);
  const globalKv = c.optInt('num_global_key_value_heads', 'KV heads of the full-attention layers', d.numKvHeads);
  const globalDim = c.optInt('global_head_dim', 'head dim of the full-attention layers', d.headDim);
  if (d.numHeads % globalKv !== 0) {
    throw new ModelImportError(
      c.path('num_global_key_value_heads'),
      `num_attention_heads (${d.numHeads}) must be a multiple of num_global_key_value_heads (${globalKv})`,
    );
  }
  const full: AttentionSpec = { ...gqaAttention({ ...d, numKvHeads: globalKv, headDim: globalDim }, opts) };
  if (c.bool('attention_k_eq_v', false)) full.kvShared = true;
  const moeOn = c.bool('enable_moe_block', false);
  const dense = c.int('intermediate_size', 'dense MLP width');
  const moe = moeOn
    ? moeSpec(
        c,
        c.int('num_experts', 'number of routed experts'),
        c.int('top_k_experts', 'experts per token'),
        'top_k_experts',
        c.int('moe_intermediate_size', 'routed expert FFN width'),
        { count: 1, width: dense },
        false,
      )
    : null;
  notes.push(
    `Gemma-4 attention: ${kinds.filter((k) => k === 'sliding').length} sliding layers of ${d.numKvHeads} KV heads × ${d.headDim}, ${kinds.filter((k) => k === 'full').length} full layers of ${globalKv} KV heads × ${globalDim}${full.kvShared ? ' with K = V (one cached tensor)' : ''}.`,
  );
  if (moe) notes.push('The dense MLP beside the routed experts runs on every token: counted as one shared expert.');
  return {
    dims: d,
    attention: full,
    window,
    intermediateSize: dense,
    mlpBias: false,
    moe,
    layers: kinds.map((attention) => ({ attention, ffn: moe ? 'moe' : 'dense' })),
    normsPerLayer: 4,
    mtp: 0,
    chunk: null,
    ...(kinds.includes('sliding') ? { extra: { slidingAttention: sliding } } : {}),
  };
}

export function buildMiMoV2(c: Cfg, notes: string[]): Body {
  const d = readDims(c, 'mimo_v2');
  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(c.path('attention_bias'), 'MiMo-V2 attention biases are not supported; expected false');
  }
  const swa = flags(c, 'hybrid_layer_pattern', d.numLayers);
  const kinds: LayerAttention[] = swa.map((s) => (s ? 'sliding' : 'full'));
  const window = kinds.includes('sliding') ? c.int('sliding_window', 'sliding window in tokens') : null;
  const vFull = c.optInt('v_head_dim', 'value head dim', d.headDim);
  const full: AttentionSpec = {
    ...gqaAttention(d, {
      qkvBias: false,
      oBias: false,
      qkNorm: false,
      sinks: c.bool('add_full_attention_sink_bias', false),
    }),
    vHeadDim: vFull,
  };
  const swaHeads = c.optInt('swa_num_attention_heads', 'sliding-layer query heads', d.numHeads);
  const swaKv = c.optInt('swa_num_key_value_heads', 'sliding-layer KV heads', d.numKvHeads);
  if (swaHeads % swaKv !== 0) {
    throw new ModelImportError(
      c.path('swa_num_key_value_heads'),
      `swa_num_attention_heads (${swaHeads}) must be a multiple of swa_num_key_value_heads (${swaKv})`,
    );
  }
  const sliding: AttentionSpec = {
    ...gqaAttention(
      {
        ...d,
        numHeads: swaHeads,
        numKvHeads: swaKv,
        headDim: c.optInt('swa_head_dim', 'sliding-layer head dim', d.headDim),
      },
      { qkvBias: false, oBias: false, qkNorm: false, sinks: c.bool('add_swa_attention_sink_bias', false) },
    ),
    vHeadDim: c.optInt('swa_v_head_dim', 'sliding-layer value head dim', vFull),
  };
  const moeFlags = flags(c, 'moe_layer_freq', d.numLayers);
  const moe = moeSpec(
    c,
    c.int('n_routed_experts', 'number of routed experts'),
    c.int('num_experts_per_tok', 'experts per token'),
    'num_experts_per_tok',
    c.int('moe_intermediate_size', 'routed expert FFN width'),
    {
      count: c.optInt('n_shared_experts', 'shared experts', 0, 0),
      width: c.int('moe_intermediate_size', 'shared expert width'),
    },
    false,
  );
  const layers: LayerSpec[] = kinds.map((attention, i) => ({ attention, ffn: moeFlags[i] ? 'moe' : 'dense' }));
  notes.push(
    `MiMo-V2 hybrid attention: ${swa.filter(Boolean).length} sliding-window layers (${window} tokens, ${swaKv} KV heads, sinks) and ${swa.filter((x) => !x).length} full layers (${d.numKvHeads} KV heads); q/k head dim ${d.headDim}, v ${vFull}.`,
  );
  return {
    dims: d,
    attention: full,
    window,
    intermediateSize: c.int('intermediate_size', 'dense FFN width'),
    mlpBias: false,
    moe,
    layers,
    normsPerLayer: 2,
    mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
    chunk: null,
    extra: { slidingAttention: sliding },
  };
}
