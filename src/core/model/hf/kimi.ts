/**
 * Kimi Linear / Kimi-K3 (`KimiLinearForCausalLM`, the text decoder of `KimiK3ForConditionalGeneration`):
 * Kimi Delta Attention (KDA) layers interleaved with MLA full-attention layers, a first-k dense FFN,
 * then MoE layers of routed experts (in a latent space of `routed_expert_hidden_size` when set) plus
 * shared experts. Field semantics follow the Kimi Linear tech report (Moonshot AI, 2025, "Kimi Linear:
 * An Expressive, Efficient Attention Architecture") and its HF modeling_kimi_linear / configuration code:
 * `linear_attn_config.kda_layers` / `full_attn_layers` list 1-based layer numbers.
 */
import type { LayerSpec, LinearAttentionSpec } from '../types.ts';
import type { Body } from './body.ts';
import { moeSpec } from './dimensions.ts';
import { Cfg, describe, isObj, ModelImportError } from './reader.ts';

/** The 1-based layer numbers of `linear_attn_config[key]`, checked against num_hidden_layers. */
function layerNumbers(c: Cfg, key: string, numLayers: number): Set<number> {
  const v = c.raw(key);
  if (!Array.isArray(v))
    throw new ModelImportError(c.path(key), `expected an array of 1-based layer numbers, got ${describe(v)}`);
  const out = new Set<number>();
  v.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > numLayers) {
      throw new ModelImportError(
        `${c.path(key)}[${i}]`,
        `expected a layer number in 1..${numLayers}, got ${describe(n)}`,
      );
    }
    out.add(n);
  });
  return out;
}

export function buildKimiLinear(c: Cfg, notes: string[]): Body {
  const hidden = c.int('hidden_size', 'model width');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers');
  const numHeads = c.int('num_attention_heads', 'number of MLA query heads');
  const raw = c.raw('linear_attn_config');
  if (!isObj(raw)) {
    throw new ModelImportError(
      c.path('linear_attn_config'),
      `expected an object (kda_layers, full_attn_layers, num_heads, head_dim), got ${describe(raw)}`,
    );
  }
  const lc = new Cfg(raw, c.path('linear_attn_config'));
  const kda = layerNumbers(lc, 'kda_layers', numLayers);
  const full = layerNumbers(lc, 'full_attn_layers', numLayers);
  const layers: LayerSpec[] = [];
  const firstK = c.optInt('first_k_dense_replace', 'leading dense layers', 0, 0);
  const freq = c.optInt('moe_layer_freq', 'MoE layer interval', 1);
  for (let n = 1; n <= numLayers; n++) {
    if (kda.has(n) === full.has(n)) {
      throw new ModelImportError(
        lc.path(kda.has(n) ? 'full_attn_layers' : 'kda_layers'),
        `layer ${n} is ${kda.has(n) ? 'in both kda_layers and full_attn_layers' : 'in neither kda_layers nor full_attn_layers'}; expected each layer in exactly one`,
      );
    }
    const i = n - 1;
    layers.push({ attention: kda.has(n) ? 'linear' : 'full', ffn: i >= firstK && i % freq === 0 ? 'moe' : 'dense' });
  }
  const heads = lc.int('num_heads', 'KDA heads');
  const headDim = lc.int('head_dim', 'KDA head dim (keys and values)');
  const linearAttention: LinearAttentionSpec = {
    kind: 'kimi-delta',
    numKeyHeads: heads,
    numValueHeads: heads,
    keyHeadDim: headDim,
    valueHeadDim: headDim,
    convKernel: lc.int('short_conv_kernel_size', 'KDA short-conv taps'),
    // fla / vLLM keep the KDA recurrent state in float32 (vLLM mamba_utils kda_state_shape).
    stateBytesPerElement: 4,
  };
  if (lc.bool('use_full_rank_gate', false)) linearAttention.fullRankGate = true;

  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(c.path('attention_bias'), 'MLA projection biases are not supported; expected false');
  }
  const nope = c.int('qk_nope_head_dim', 'MLA non-rotary q/k head dim');
  const rope = c.int('qk_rope_head_dim', 'MLA decoupled rotary key dim');
  const numExperts = c.int('num_experts', 'number of routed experts');
  const topKField = c.has('num_experts_per_token') ? 'num_experts_per_token' : 'num_experts_per_tok';
  const width = c.int('moe_intermediate_size', 'routed expert FFN width');
  const moe = moeSpec(
    c,
    numExperts,
    c.int(topKField, 'experts per token'),
    topKField,
    width,
    { count: c.optInt('num_shared_experts', 'shared experts', 0, 0), width },
    false,
  );
  const latent = c.optInt('routed_expert_hidden_size', 'latent width of the routed experts', null);
  if (latent !== null && latent !== hidden) {
    moe.latentSize = latent;
    if (c.bool('latent_moe_use_norm', false)) moe.latentNorm = true;
  }
  const attention = {
    kind: 'mla' as const,
    numHeads,
    numKvHeads: c.optInt('num_key_value_heads', 'number of KV heads', numHeads),
    headDim: nope + rope,
    vHeadDim: c.int('v_head_dim', 'MLA value head dim'),
    qkvBias: false,
    oBias: false,
    qkNorm: false,
    sinks: false,
    qLoraRank: c.optInt('q_lora_rank', 'MLA query latent rank (null = full q projection)', null),
    kvLoraRank: c.int('kv_lora_rank', 'MLA KV latent rank'),
    qkNopeHeadDim: nope,
    qkRopeHeadDim: rope,
    ...(c.bool('mla_use_output_gate', false) ? { outputGate: true } : {}),
  };
  notes.push(
    `${kda.size} Kimi Delta Attention layers keep a fixed recurrent state per sequence (flat in context); only the ${full.size} MLA layers hold KV (the compressed latent).`,
  );
  if (c.has('attn_res_block_size')) {
    notes.push(
      `Block attention residuals (attn_res_block_size ${String(c.raw('attn_res_block_size'))}) add at most a hidden-size vector per layer (≤ ${((2 * numLayers * hidden) / 1e6).toFixed(1)}M parameters); not counted.`,
    );
  }
  return {
    dims: {
      hidden,
      numLayers,
      numHeads,
      numKvHeads: attention.numKvHeads,
      headDim: nope + rope,
      vocab: c.int('vocab_size', 'vocabulary size'),
      maxContext: c.int('max_position_embeddings', 'maximum context length in tokens'),
    },
    attention,
    window: null,
    intermediateSize: c.int('intermediate_size', 'dense FFN width (first_k_dense layers)'),
    mlpBias: false,
    moe,
    layers,
    normsPerLayer: 2,
    mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
    chunk: null,
    extra: { linearAttention },
  };
}
