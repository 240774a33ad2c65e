/**
 * DeepSeek-V4 (`DeepseekV4ForCausalLM`: V4-Flash, V4-Pro and their FP8 / NVFP4 exports). Read from the
 * config keys and the DeepSeek-V4 technical report (DeepSeek-AI, 2026): per layer `compress_ratios[i]`
 * 0 = sliding-window attention only (`sliding_window` tokens), 4 = compressed sparse attention (KV
 * pooled 4:1, the lightning indexer `index_*` picks `index_topk` compressed entries), 128 = heavily
 * compressed attention (KV pooled 128:1, every entry read); every layer also keeps the uncompressed
 * window. One shared K = V head of `head_dim` (MQA), low-rank query (`q_lora_rank`), grouped low-rank
 * output (`o_groups`, `o_lora_rank`), manifold-constrained hyper-connections (`hc_mult`), MoE on every
 * layer (the first `num_hash_layers` route by token hash: no router weights, 0.001 % of the model, still
 * counted). `compress_ratios` has one more entry than `num_hidden_layers` (the MTP layer, excluded).
 */
import type { AttentionSpec, CompressedAttentionSpec, LayerSpec, SparseIndexerSpec } from '../types.ts';
import type { Body } from './body.ts';
import { moeSpec } from './dimensions.ts';
import { type Cfg, describe, ModelImportError } from './reader.ts';

/** Compression ratios this importer models: window only, compressed sparse, heavily compressed. */
const RATIOS = new Set([0, 4, 128]);
const CSA_RATIO = 4;

export function buildDeepseekV4(c: Cfg, notes: string[]): Body {
  const hidden = c.int('hidden_size', 'model width');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers (MTP excluded)');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(
      c.path('attention_bias'),
      'DeepSeek-V4 projection biases are not supported; expected false',
    );
  }
  const kvHeads = c.optInt('num_key_value_heads', 'KV heads', 1);
  if (kvHeads !== 1) {
    throw new ModelImportError(c.path('num_key_value_heads'), `expected 1 (one shared K = V head), got ${kvHeads}`);
  }
  const raw = c.raw('compress_ratios');
  if (!Array.isArray(raw) || raw.length < numLayers || raw.some((r) => typeof r !== 'number' || !RATIOS.has(r))) {
    throw new ModelImportError(
      c.path('compress_ratios'),
      `expected at least num_hidden_layers (${numLayers}) entries of 0, 4 or 128, got ${describe(raw)}`,
    );
  }
  const ratios = (raw as number[]).slice(0, numLayers);
  const headDim = c.int('head_dim', 'shared K = V head dim');
  const ca: CompressedAttentionSpec = {
    numHeads,
    headDim,
    ropeDim: c.int('qk_rope_head_dim', 'rotary channels of the K = V head'),
    qLoraRank: c.int('q_lora_rank', 'query latent rank'),
    oLoraRank: c.int('o_lora_rank', 'output latent rank per group'),
    oGroups: c.int('o_groups', 'output projection groups'),
    window: c.int('sliding_window', 'uncompressed window in tokens'),
    hcMult: c.optInt('hc_mult', 'hyper-connection streams', 1),
  };
  if (numHeads % ca.oGroups !== 0) {
    throw new ModelImportError(
      c.path('o_groups'),
      `num_attention_heads (${numHeads}) must be a multiple of o_groups (${ca.oGroups})`,
    );
  }
  const indexHeadDim = c.int('index_head_dim', 'indexer head dim');
  const ix: SparseIndexerSpec = {
    indexHeads: c.int('index_n_heads', 'indexer heads'),
    indexHeadDim,
    topK: c.int('index_topk', 'compressed entries each query attends to') * CSA_RATIO,
    // FP8 index keys + one fp32 scale per 128 (as DeepSeek-V3.2), one per 4 pooled tokens.
    keyBytesPerToken: (indexHeadDim + Math.ceil(indexHeadDim / 128) * 4) / CSA_RATIO,
  };
  const width = c.int('moe_intermediate_size', 'routed expert FFN width');
  const moe = moeSpec(
    c,
    c.int('n_routed_experts', 'number of routed experts'),
    c.int('num_experts_per_tok', 'experts per token'),
    'num_experts_per_tok',
    width,
    { count: c.optInt('n_shared_experts', 'shared experts', 0, 0), width },
    false,
  );
  const layers: LayerSpec[] = ratios.map((r) => {
    if (r === 0) return { attention: 'sliding', ffn: 'moe', denseAttention: true };
    const l: LayerSpec = { attention: 'full', ffn: 'moe', compressRatio: r };
    if (r !== CSA_RATIO) l.denseAttention = true;
    return l;
  });
  const attention: AttentionSpec = {
    kind: 'gqa',
    numHeads,
    numKvHeads: 1,
    headDim,
    vHeadDim: headDim,
    kvShared: true,
    qkvBias: false,
    oBias: false,
    qkNorm: false,
    sinks: false,
    qLoraRank: ca.qLoraRank,
    kvLoraRank: 0,
    qkNopeHeadDim: headDim - ca.ropeDim,
    qkRopeHeadDim: ca.ropeDim,
  };
  const count = (r: number) => ratios.filter((x) => x === r).length;
  const expertDtype = c.optString('expert_dtype');
  if (expertDtype) {
    notes.push(
      `The checkpoint stores routed experts in ${expertDtype} (config expert_dtype) and the rest as quantization_config says; weight memory at a single precision is an upper bound.`,
    );
  }
  notes.push(
    `DeepSeek-V4 attention: ${count(4)} compressed sparse layers (KV pooled 4:1, top ${ix.topK / CSA_RATIO} entries by the indexer), ${count(128)} heavily compressed layers (128:1), ${count(0)} window-only layers; every layer keeps a ${ca.window}-token window of one ${headDim}-wide K = V entry per token.`,
    `Hyper-connections widen the residual stream ${ca.hcMult}×; their mixing weights are counted with the norms. The first ${c.optInt('num_hash_layers', 'hash-routed MoE layers', 0, 0)} MoE layers route by token hash (their router weights, counted, are unused).`,
  );
  return {
    dims: {
      hidden,
      numLayers,
      numHeads,
      numKvHeads: 1,
      headDim,
      vocab: c.int('vocab_size', 'vocabulary size'),
      maxContext: c.int('max_position_embeddings', 'maximum context length in tokens'),
    },
    attention,
    // Every V4 layer keeps the uncompressed window (the step cost reads it on compressed layers too).
    window: ca.window,
    intermediateSize: c.optInt('intermediate_size', 'dense FFN width', width),
    mlpBias: false,
    moe,
    layers,
    normsPerLayer: 2,
    mtp: c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0),
    chunk: null,
    extra: { compressedAttention: ca, sparseIndexer: ix },
  };
}
