/**
 * Per-family builders: one config (already routed to its family) → the decoder body of a ModelSpec.
 */
import type { LayerSpec, MoeSpec, SparseIndexerSpec } from '../types.ts';
import type { Family } from './architectures.ts';
import type { Body } from './body.ts';

export type { Body } from './body.ts';
import { gqaAttention, moeSpec, readDims, readSliding } from './dimensions.ts';
import type { Cfg } from './reader.ts';
import { describe, isObj, ModelImportError } from './reader.ts';
import { buildNemotronH, buildNemotronNas, buildQwen35 } from './hybrid.ts';
import { buildKimiLinear } from './kimi.ts';
import { buildMiniMaxM3 } from './minimax.ts';
import { buildGemma4, buildMiMoV2 } from './per-layer-shapes.ts';
import { buildDeepseekV4 } from './deepseek-v4.ts';

export function buildFamily(c: Cfg, family: Family, notes: string[]): Body {
  if (family === 'deepseek') return buildDeepseek(c, notes);
  if (family === 'qwen3_5' || family === 'qwen3_5_moe') return buildQwen35(c, family, notes);
  if (family === 'nemotron_h') return buildNemotronH(c, notes);
  if (family === 'nemotron_nas') return buildNemotronNas(c);
  if (family === 'kimi_linear') return buildKimiLinear(c, notes);
  if (family === 'minimax_m3') return buildMiniMaxM3(c, notes);
  if (family === 'gemma4') return buildGemma4(c, notes);
  if (family === 'mimo_v2') return buildMiMoV2(c, notes);
  if (family === 'deepseek_v4') return buildDeepseekV4(c, notes);
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
    case 'step3p7': {
      // Step-3.7-Flash: GQA with `layer_types` full/sliding, `first_k_dense_replace` dense layers, then MoE
      // layers of routed experts + `n_shared_experts` of width `share_expert_dim`. `use_moe_router_bias`
      // is a selection bias (like DeepSeek's e_score_correction_bias), not counted.
      const firstK = c.optInt('first_k_dense_replace', 'leading dense layers', 0, 0);
      if (firstK > d.numLayers) {
        throw new ModelImportError(
          c.path('first_k_dense_replace'),
          `${firstK} exceeds num_hidden_layers (${d.numLayers})`,
        );
      }
      const shared = c.optInt('n_shared_experts', 'shared experts', 0, 0);
      const moe = moeSpec(
        c,
        c.int('num_experts', 'number of routed experts'),
        c.int('num_experts_per_tok', 'experts per token'),
        'num_experts_per_tok',
        c.int('moe_intermediate_size', 'routed expert FFN width'),
        { count: shared, width: shared > 0 ? c.int('share_expert_dim', 'shared expert width') : 0 },
        false,
      );
      return {
        ...base,
        dims: d,
        attention: gqaAttention(d, { qkvBias: attnBias, oBias: attnBias, qkNorm: false, sinks: false }),
        intermediateSize: c.int('intermediate_size', 'dense FFN width (first_k_dense layers)'),
        mlpBias: false,
        moe,
        layers: dense((i) => (i >= firstK ? 'moe' : 'dense')),
        mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
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
  const sparseIndexer = readSparseIndexer(c, notes);
  if (sparseIndexer) applyIndexerTypes(c, layers);
  if (sparseIndexer && qLoraRank === null) {
    throw new ModelImportError(
      c.path('q_lora_rank'),
      'missing; the DSA indexer reads the low-rank query (expected a positive integer)',
    );
  }
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
    ...(sparseIndexer ? { extra: { sparseIndexer } } : {}),
  };
}

/**
 * DeepSeek Sparse Attention (DeepSeek-V3.2, GLM-5): `index_n_heads` × `index_head_dim` lightning
 * indexer selecting `index_topk` tokens per query; null when the config has none. The indexer key
 * cache holds index_head_dim FP8 values + one fp32 scale per 128 values per token and layer
 * (vLLM DeepseekV32IndexerCache: head_dim + head_dim / 128 · 4 bytes).
 */
function readSparseIndexer(c: Cfg, notes: string[]): SparseIndexerSpec | null {
  if (!c.has('index_topk') && !c.has('index_n_heads') && !c.has('index_head_dim')) return null;
  const indexHeadDim = c.int('index_head_dim', 'DSA indexer head dim');
  const spec: SparseIndexerSpec = {
    indexHeads: c.int('index_n_heads', 'DSA indexer heads'),
    indexHeadDim,
    topK: c.int('index_topk', 'tokens each query attends to (DSA top-k)'),
    keyBytesPerToken: indexHeadDim + Math.ceil(indexHeadDim / 128) * 4,
  };
  notes.push(
    `DeepSeek Sparse Attention: each query reads its top ${spec.topK} tokens; the lightning indexer (${spec.indexHeads} heads × ${indexHeadDim}) scans every cached token from its own FP8 key cache (${spec.keyBytesPerToken} B per token per layer).`,
  );
  return spec;
}

/**
 * GLM-5.2 `indexer_types`: "full" layers run their own indexer, "shared" layers reuse the previous
 * layer's top-k (no indexer weights or key cache). The first layer must run its own.
 */
function applyIndexerTypes(c: Cfg, layers: LayerSpec[]): void {
  const v = c.raw('indexer_types');
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || v.length !== layers.length) {
    throw new ModelImportError(
      c.path('indexer_types'),
      `expected an array of "full"/"shared", one per layer (num_hidden_layers = ${layers.length}), got ${describe(v)}`,
    );
  }
  v.forEach((t, i) => {
    if (t === 'shared' && i > 0) layers[i]!.reusesIndexer = true;
    else if (t !== 'full') {
      throw new ModelImportError(
        `${c.path('indexer_types')}[${i}]`,
        `expected "full"${i > 0 ? ' or "shared"' : ' (layer 0 has no earlier selection to share)'}, got ${describe(t)}`,
      );
    }
  });
}

export function quantNote(c: Cfg, top: Cfg): string | null {
  const q = c.raw('quantization_config') ?? top.raw('quantization_config');
  if (!isObj(q)) return null;
  const m = q['quant_method'] ?? q['quant_algo'] ?? q['format'];
  return `Checkpoint is quantized (${typeof m === 'string' ? m : 'quantization_config'}); counts are logical parameters, not stored bytes.`;
}
