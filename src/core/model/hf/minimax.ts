/**
 * MiniMax-M3 (`MiniMaxM3ForCausalLM`): GQA with per-head q/k norms, dense FFNs in the first
 * `first_k_dense_replace` layers (width `dense_intermediate_size`), then MoE layers of routed experts
 * plus a shared expert, and block-sparse attention (`sparse_attention_config`) on the layers its
 * `sparse_attention_freq` marks: an indexer scores every cached token, scores are max-pooled per block
 * of `sparse_block_size` tokens, and each query reads `sparse_topk_blocks` blocks plus
 * `sparse_local_block` local and `sparse_init_block` initial blocks.
 *
 * The indexer's weight layout is not published with the config: it is modeled as DSA's without the
 * low-rank query or per-head weights (q hidden → heads·dim, one shared key hidden → dim, key cached in
 * bf16). Those weights are < 0.1 % of the model; the key cache adds 256 B per token per sparse layer.
 */
import type { LayerSpec, SparseIndexerSpec } from '../types.ts';
import type { Body } from './body.ts';
import { gqaAttention, moeSpec, readDims } from './dimensions.ts';
import { Cfg, describe, isObj, ModelImportError } from './reader.ts';

/** A per-layer 0/1 list (`moe_layer_freq`, `sparse_attention_freq`), one entry per layer. */
function layerFlags(c: Cfg, key: string, numLayers: number): boolean[] | null {
  const v = c.raw(key);
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length !== numLayers || v.some((x) => x !== 0 && x !== 1)) {
    throw new ModelImportError(
      c.path(key),
      `expected an array of 0/1, one per layer (num_hidden_layers = ${numLayers}), got ${describe(v)}`,
    );
  }
  return v.map((x) => x === 1);
}

function blockSparse(c: Cfg, numLayers: number, notes: string[]): { ix: SparseIndexerSpec; sparse: boolean[] } | null {
  const raw = c.raw('sparse_attention_config');
  if (raw === undefined || raw === null) return null;
  if (!isObj(raw))
    throw new ModelImportError(c.path('sparse_attention_config'), `expected an object, got ${describe(raw)}`);
  const s = new Cfg(raw, c.path('sparse_attention_config'));
  if (!s.bool('use_sparse_attention', true)) return null;
  const sparse = layerFlags(s, 'sparse_attention_freq', numLayers) ?? Array.from({ length: numLayers }, () => true);
  const block = s.int('sparse_block_size', 'tokens per block');
  const blocks =
    s.int('sparse_topk_blocks', 'selected blocks per query') +
    s.optInt('sparse_local_block', 'local blocks per query', 0, 0) +
    s.optInt('sparse_init_block', 'initial blocks per query', 0, 0);
  const dim = s.int('sparse_index_dim', 'indexer head dim');
  const ix: SparseIndexerSpec = {
    kind: 'block',
    blockTokens: block,
    indexHeads: s.int('sparse_num_index_heads', 'indexer heads'),
    indexHeadDim: dim,
    topK: blocks * block,
    keyBytesPerToken: dim * 2,
  };
  notes.push(
    `Block-sparse attention on ${sparse.filter(Boolean).length} layers: each query reads ${blocks} blocks of ${block} tokens (${ix.topK} tokens) chosen by an indexer (${ix.indexHeads} heads × ${dim}) that scans every cached key; the indexer layout is an assumption (see hf/minimax.ts).`,
  );
  return { ix, sparse };
}

export function buildMiniMaxM3(c: Cfg, notes: string[]): Body {
  const d = readDims(c, 'minimax_m2');
  if (c.bool('attention_bias', false)) {
    throw new ModelImportError(c.path('attention_bias'), 'MiniMax attention biases are not supported; expected false');
  }
  const firstK = c.optInt('first_k_dense_replace', 'leading dense layers', 0, 0);
  if (firstK > d.numLayers) {
    throw new ModelImportError(c.path('first_k_dense_replace'), `${firstK} exceeds num_hidden_layers (${d.numLayers})`);
  }
  const moeFlags = layerFlags(c, 'moe_layer_freq', d.numLayers);
  const isMoe = (i: number) => i >= firstK && (moeFlags ? moeFlags[i]! : true);
  const width = c.int('moe_intermediate_size', 'routed expert FFN width');
  const shared = c.optInt('n_shared_experts', 'shared experts', 0, 0);
  const moe = moeSpec(
    c,
    c.int('num_local_experts', 'number of routed experts'),
    c.int('num_experts_per_tok', 'experts per token'),
    'num_experts_per_tok',
    width,
    { count: shared, width: shared > 0 ? c.int('shared_intermediate_size', 'shared expert width') : 0 },
    false,
  );
  const bs = blockSparse(c, d.numLayers, notes);
  const layers: LayerSpec[] = Array.from({ length: d.numLayers }, (_, i) => {
    const l: LayerSpec = { attention: 'full', ffn: isMoe(i) ? 'moe' : 'dense' };
    if (bs && !bs.sparse[i]) l.denseAttention = true;
    return l;
  });
  const normType = c.optString('qk_norm_type') ?? 'per_head';
  if (normType !== 'per_layer' && normType !== 'per_head') {
    throw new ModelImportError(c.path('qk_norm_type'), `expected "per_layer" or "per_head", got ${describe(normType)}`);
  }
  const qkNorm = c.bool('use_qk_norm', false);
  const attention = gqaAttention(d, {
    qkvBias: false,
    oBias: false,
    qkNorm,
    sinks: false,
    qkNormScope: normType === 'per_layer' ? 'layer' : 'head',
  });
  if (c.bool('attention_output_gate', false)) attention.outputGate = true;
  const needsDense = layers.some((l) => l.ffn === 'dense');
  const mtp = c.bool('use_mtp', false)
    ? c.optInt('num_mtp_modules', 'MTP modules', 0, 0)
    : c.optInt('num_nextn_predict_layers', 'MTP layers', 0, 0);
  return {
    dims: d,
    attention,
    window: null,
    intermediateSize: needsDense ? c.int('dense_intermediate_size', 'dense FFN width (first_k_dense layers)') : width,
    mlpBias: false,
    moe,
    layers,
    normsPerLayer: 2,
    mtp,
    chunk: null,
    ...(bs ? { extra: { sparseIndexer: bs.ix } } : {}),
  };
}
