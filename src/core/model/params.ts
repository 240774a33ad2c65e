/**
 * Parameter counts and KV-cache sizes derived from a ModelSpec.
 *
 * Counting method (same as reference models.json `computed_params.method`): input embedding +
 * untied lm_head + per layer (attention projections [+ biases, qk-norm weights, attention sinks,
 * MLA latent norms] + the layer's RMSNorms + dense MLP or routed experts + shared experts + router)
 * + final norm. MoE active = all non-expert weights (input embedding included) + top-k routed
 * experts + shared experts. Multi-token-prediction layers are not in `layers` and are not counted.
 */
import {
  type AttentionSpec,
  holdsKv,
  holdsState,
  type LayerSpec,
  type LinearAttentionSpec,
  type ModelSpec,
} from './types.ts';

export interface LayerParams {
  /** Attention projections, their biases, qk-norm weights, sinks, MLA latent norms. */
  attention: number;
  /** Dense MLP, or all routed experts + shared experts + router for MoE layers. */
  ffn: number;
  /** The layer's hidden-size norms (2, or 4 for Gemma-2). */
  norms: number;
}

export interface ParamCounts {
  totalParams: number;
  /** Parameters touched per token; the input embedding is included (see method note above). */
  activeParams: number;
  embeddingParams: number;
  /** 0 when the embeddings are tied. */
  lmHeadParams: number;
  /** The final norm before the lm_head. */
  finalNormParams: number;
  perLayer: LayerParams[];
}

/**
 * The attention shape of one layer — the one resolver every per-layer cost reads (parameters, KV bytes,
 * step cost, TP sharding): `slidingAttention` for sliding layers when the model has one, else `attention`.
 */
export function attentionShapeOf(m: ModelSpec, layer: LayerSpec): AttentionSpec {
  return layer.attention === 'sliding' && m.slidingAttention ? m.slidingAttention : m.attention;
}

/** Attention parameters of one layer of shape `a` (default: the full-attention shape). */
export function attentionParamsPerLayer(m: ModelSpec, a: AttentionSpec = m.attention): number {
  const h = m.hiddenSize;
  if (a.kind === 'mla') {
    const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
    const q =
      a.qLoraRank === null ? h * a.numHeads * qHead : h * a.qLoraRank + a.qLoraRank + a.qLoraRank * a.numHeads * qHead;
    const kvA = h * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank; // kv_a_proj_with_mqa + kv_a_layernorm
    const kvB = a.kvLoraRank * a.numHeads * (a.qkNopeHeadDim + a.vHeadDim);
    const o = a.numHeads * a.vHeadDim * h;
    const gate = a.outputGate ? h * a.numHeads * a.vHeadDim : 0; // Kimi-K3 mla_use_output_gate
    return q + kvA + kvB + o + gate;
  }
  const qDim = a.numHeads * a.headDim;
  const kDim = a.numKvHeads * a.headDim;
  const vDim = a.kvShared ? 0 : a.numKvHeads * a.vHeadDim; // K = V: no v_proj
  const oIn = a.numHeads * a.vHeadDim;
  const qOut = a.outputGate ? 2 * qDim : qDim;
  let p = h * (qOut + kDim + vDim) + oIn * h;
  if (a.qkvBias) p += qDim + kDim + vDim;
  if (a.oBias) p += h;
  if (a.qkNorm) p += (a.qkNormScope ?? 'head') === 'layer' ? qDim + kDim : 2 * a.headDim;
  if (a.sinks) p += a.numHeads;
  return p;
}

/**
 * Gated DeltaNet parameters of one 'linear' layer (HF Qwen3NextGatedDeltaNet): in_proj_qkvz
 * h→2·keyDim+2·valueDim, in_proj_ba h→2·numValueHeads, the depthwise conv over q,k,v (no bias),
 * dt_bias and A_log (numValueHeads each), the gated RMSNorm (valueHeadDim), out_proj valueDim→h.
 */
export function linearAttentionParamsPerLayer(m: ModelSpec): number {
  const la = m.linearAttention;
  if (!la) throw new Error(`model ${m.id}: 'linear' layer without a linearAttention spec`);
  if (la.kind === 'kimi-delta') return kimiDeltaParamsPerLayer(m.hiddenSize, la);
  const h = m.hiddenSize;
  const keyDim = la.numKeyHeads * la.keyHeadDim;
  const valueDim = la.numValueHeads * la.valueHeadDim;
  const convDim = 2 * keyDim + valueDim;
  return (
    h * (2 * keyDim + 2 * valueDim) +
    h * 2 * la.numValueHeads +
    convDim * la.convKernel +
    2 * la.numValueHeads +
    la.valueHeadDim +
    valueDim * h
  );
}

/**
 * Kimi Delta Attention parameters of one 'linear' layer (fla-org flash-linear-attention
 * `fla/layers/kda.py` KimiDeltaAttention, as used by HF modeling_kimi_linear): q/k/v projections
 * h→keyDim, keyDim, valueDim; three depthwise short convs (no bias); the forget gate f (low rank
 * h→valueHeadDim→keyDim, or full rank h→keyDim); b_proj h→heads (β); A_log (heads) and dt_bias
 * (keyDim); the output gate g (low rank h→valueHeadDim→valueDim, with a bias); the gated RMSNorm
 * (valueHeadDim); o_proj valueDim→h.
 */
export function kimiDeltaParamsPerLayer(h: number, la: LinearAttentionSpec): number {
  const keyDim = la.numKeyHeads * la.keyHeadDim;
  const valueDim = la.numValueHeads * la.valueHeadDim;
  const qkv = h * (2 * keyDim + valueDim);
  const conv = (2 * keyDim + valueDim) * la.convKernel;
  const forget = la.fullRankGate ? h * keyDim : h * la.valueHeadDim + la.valueHeadDim * keyDim;
  const beta = h * la.numValueHeads;
  const decay = la.numValueHeads + keyDim; // A_log, dt_bias
  const outGate = h * la.valueHeadDim + la.valueHeadDim * valueDim + valueDim;
  return qkv + conv + forget + beta + decay + outGate + la.valueHeadDim + valueDim * h;
}

/**
 * Mamba-2 parameters of one 'mamba' layer (HF NemotronHMamba2Mixer): in_proj h→2·inner+2·nGroups·state+heads
 * (z, xBC, dt), the depthwise conv over xBC (+ bias), dt_bias, A_log and D (one per head), the gated
 * RMSNorm (inner), out_proj inner→h.
 */
export function mambaParamsPerLayer(m: ModelSpec): number {
  const mb = m.mamba;
  if (!mb) throw new Error(`model ${m.id}: 'mamba' layer without a mamba spec`);
  const h = m.hiddenSize;
  const inner = mb.numHeads * mb.headDim;
  const convDim = inner + 2 * mb.nGroups * mb.stateSize;
  const inProj = inner + convDim + mb.numHeads;
  return (
    h * inProj +
    (mb.projBias ? inProj + h : 0) +
    convDim * mb.convKernel +
    (mb.convBias ? convDim : 0) +
    3 * mb.numHeads +
    inner +
    inner * h
  );
}

/**
 * DSA lightning-indexer parameters of one attention layer (DeepSeek-V3.2 inference/model.py Indexer):
 * wq_b qLoraRank→heads·dim, wk h→dim, its LayerNorm on k (weight + bias), weights_proj h→heads.
 */
export function indexerParamsPerLayer(m: ModelSpec): number {
  const ix = m.sparseIndexer;
  if (!ix) return 0;
  // Block-sparse (MiniMax-M3): q and one shared key straight from the hidden state, no norm or weights.
  if (ix.kind === 'block') return m.hiddenSize * ix.indexHeads * ix.indexHeadDim + m.hiddenSize * ix.indexHeadDim;
  const qIn = m.attention.qLoraRank ?? m.hiddenSize;
  return (
    qIn * ix.indexHeads * ix.indexHeadDim +
    m.hiddenSize * ix.indexHeadDim +
    2 * ix.indexHeadDim +
    m.hiddenSize * ix.indexHeads
  );
}

/**
 * DeepSeek-V4 attention parameters of one layer (see CompressedAttentionSpec): q_a h→qLora + its
 * RMSNorm, q_b qLora→heads·headDim; the shared K = V projection h→headDim + its RMSNorm; the grouped
 * output o_a (block-diagonal, heads·headDim·oLora in all) and o_b oGroups·oLora→h. A compressed layer
 * adds its compressor: a KV and a gate projection h→headDim and a norm (headDim), and, where the layer
 * runs the indexer, the same for the index keys (h→indexHeadDim ×2). The compressor layout is not in
 * config.json: it follows the DeepSeek-V4 report's description (softmax-gated pooling of projected
 * tokens); it is < 0.3 % of either V4 model.
 */
export function compressedAttentionParamsPerLayer(m: ModelSpec, layer: LayerSpec): number {
  const ca = m.compressedAttention;
  if (!ca) throw new Error(`model ${m.id}: compressed layer without a compressedAttention spec`);
  const h = m.hiddenSize;
  const q = h * ca.qLoraRank + ca.qLoraRank + ca.qLoraRank * ca.numHeads * ca.headDim;
  const kv = h * ca.headDim + ca.headDim;
  const o = ca.numHeads * ca.headDim * ca.oLoraRank + ca.oGroups * ca.oLoraRank * h;
  let compressor = 0;
  if (layer.compressRatio) {
    compressor = 2 * h * ca.headDim + ca.headDim;
    if (m.sparseIndexer && ownsIndexer(layer)) compressor += 2 * h * m.sparseIndexer.indexHeadDim;
  }
  return q + kv + o + compressor;
}

/**
 * The DeepSeek-V4 attention weights that split over tp by heads: q_b (qLora → heads·headDim), the
 * grouped o_a (heads·headDim·oLora in all) and o_b (oGroups·oLora → h, row-parallel). q_a, the shared
 * K = V projection, their norms and the compressors are replicated on every rank, as MLA's down
 * projections are (an assumption: no V4 serving code is in the reference set).
 */
export function compressedAttentionShardedParams(m: ModelSpec): number {
  const ca = m.compressedAttention;
  if (!ca) return 0;
  return (
    ca.qLoraRank * ca.numHeads * ca.headDim +
    ca.numHeads * ca.headDim * ca.oLoraRank +
    ca.oGroups * ca.oLoraRank * m.hiddenSize
  );
}

/**
 * Manifold-constrained hyper-connection weights of one layer (DeepSeek mHC, `hc_mult` = n): before the
 * attention and before the FFN, a dynamic mapping from the n·h-wide residual stream to the n² + 2n
 * mixing coefficients (pre, post, residual), its bias and 3 scalar gates.
 */
export function hyperConnectionParamsPerLayer(m: ModelSpec): number {
  const n = m.compressedAttention?.hcMult ?? 1;
  if (n <= 1) return 0;
  const coeffs = n * n + 2 * n;
  return 2 * (n * m.hiddenSize * coeffs + coeffs + 3);
}

/** The head's hyper-connection merge (n·h → n weights, bias, scale) before the final norm; 0 without mHC. */
function hyperConnectionHeadParams(m: ModelSpec): number {
  const n = m.compressedAttention?.hcMult ?? 1;
  return n > 1 ? n * m.hiddenSize * n + n + 1 : 0;
}

/** An attention layer that runs its own sparse-attention indexer (when the model has one). */
export function ownsIndexer(layer: LayerSpec): boolean {
  return holdsKv(layer) && !layer.reusesIndexer && !layer.denseAttention;
}

/** Token-mixer parameters of one layer of the given kind. */
export function mixerParams(m: ModelSpec, layer: LayerSpec): number {
  switch (layer.attention) {
    case 'full':
    case 'sliding':
      return (
        (m.compressedAttention
          ? compressedAttentionParamsPerLayer(m, layer)
          : attentionParamsPerLayer(m, attentionShapeOf(m, layer))) +
        (ownsIndexer(layer) ? indexerParamsPerLayer(m) : 0)
      );
    case 'linear':
      return linearAttentionParamsPerLayer(m);
    case 'mamba':
      return mambaParamsPerLayer(m);
    case 'none':
      return 0;
  }
}

/** One MLP of width `width` (gate/up/down or up/down, with optional biases). */
export function mlpParams(m: ModelSpec, width: number): number {
  const h = m.hiddenSize;
  if (m.gatedMlp) return 3 * h * width + (m.mlpBias ? 2 * width + h : 0);
  return 2 * h * width + (m.mlpBias ? width + h : 0);
}

/** One routed expert: an MLP over hiddenSize, or over the latent width for latent MoE. */
export function routedExpertParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  const w = m.moe.expertIntermediateSize;
  const d = m.moe.latentSize ?? m.hiddenSize;
  if (m.gatedMlp) return 3 * d * w + (m.mlpBias ? 2 * w + d : 0);
  return 2 * d * w + (m.mlpBias ? w + d : 0);
}

/** Weights of an MoE layer outside the experts and the router: shared-expert gate, latent projections. */
function moeExtraParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  const gate = m.moe.sharedExpertGate ? m.hiddenSize : 0;
  const latent = m.moe.latentSize !== undefined ? 2 * m.hiddenSize * m.moe.latentSize : 0;
  const latentNorm = m.moe.latentNorm && m.moe.latentSize !== undefined ? m.moe.latentSize : 0;
  return gate + latent + latentNorm;
}

function routerParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  return m.moe.numExperts * m.hiddenSize + (m.moe.routerBias ? m.moe.numExperts : 0);
}

function sharedExpertParams(m: ModelSpec): number {
  if (!m.moe || m.moe.numSharedExperts === 0) return 0;
  return m.moe.numSharedExperts * mlpParams(m, m.moe.sharedIntermediateSize);
}

const paramCache = new WeakMap<ModelSpec, ParamCounts>();

/**
 * Parameter counts of `m`, memoised per spec object: a search asks them for every candidate (memory report, weight
 * floor, energy), and a ModelSpec is never changed once built (overrides make new objects).
 */
export function countParams(m: ModelSpec): ParamCounts {
  const hit = paramCache.get(m);
  if (hit) return hit;
  const p = computeParams(m);
  paramCache.set(m, p);
  return p;
}

function computeParams(m: ModelSpec): ParamCounts {
  const h = m.hiddenSize;
  const embeddingParams = m.vocabSize * h;
  const lmHeadParams = m.tieWordEmbeddings ? 0 : m.vocabSize * h;
  const finalNormParams = h + hyperConnectionHeadParams(m);
  // Hyper-connection weights (DeepSeek-V4) sit beside the norms: small, replicated, on every layer.
  const norms = (m.normsPerLayer ?? 2) * h + hyperConnectionParamsPerLayer(m);
  const dense = mlpParams(m, m.intermediateSize);
  const expert = routedExpertParams(m);
  const moeFixed = m.moe ? sharedExpertParams(m) + routerParams(m) + moeExtraParams(m) : 0;
  const moeTotal = m.moe ? m.moe.numExperts * expert + moeFixed : 0;
  const moeActive = m.moe ? m.moe.topK * expert + moeFixed : 0;

  const perLayer: LayerParams[] = [];
  let total = embeddingParams + lmHeadParams + finalNormParams;
  let active = total;
  for (const layer of m.layers) {
    if (layer.ffn === 'moe' && !m.moe) throw new Error(`model ${m.id}: MoE layer without a MoeSpec`);
    const attn = mixerParams(m, layer);
    const denseHere = layer.ffnWidth === undefined ? dense : mlpParams(m, layer.ffnWidth);
    const ffn = layer.ffn === 'moe' ? moeTotal : layer.ffn === 'dense' ? denseHere : 0;
    const normsHere = layer.norms === undefined ? norms : layer.norms * h;
    perLayer.push({ attention: attn, ffn, norms: normsHere });
    total += attn + ffn + normsHere;
    active += attn + normsHere + (layer.ffn === 'moe' ? moeActive : ffn);
  }
  return { totalParams: total, activeParams: active, embeddingParams, lmHeadParams, finalNormParams, perLayer };
}

/**
 * KV-cache bytes one layer stores per token. GQA/MQA/MHA: K and V for each KV head
 * (numKvHeads * (headDim + vHeadDim) elements). MLA: the compressed latent plus the decoupled rope
 * key (kvLoraRank + qkRopeHeadDim elements), one copy, as stored by weight-absorbing engines.
 */
export function attentionKvBytesPerLayerPerToken(
  m: ModelSpec,
  bytesPerElement: number,
  a: AttentionSpec = m.attention,
): number {
  const elements =
    a.kind === 'mla'
      ? a.kvLoraRank + a.qkRopeHeadDim
      : a.numKvHeads * (a.kvShared ? a.headDim : a.headDim + a.vHeadDim);
  return elements * bytesPerElement;
}

/** Layers that hold a KV cache (full or sliding attention); linear, Mamba and FFN-only blocks hold none. */
export function kvLayerCount(m: ModelSpec, layers: readonly LayerSpec[] = m.layers): number {
  let n = 0;
  for (const l of layers) if (holdsKv(l)) n++;
  return n;
}

/** KV-holding layers of each pipeline stage (`stageLayers` = layers per stage, in order). */
export function kvLayersPerStage(m: ModelSpec, stageLayers: readonly number[]): number[] {
  const out: number[] = [];
  let start = 0;
  for (const n of stageLayers) {
    out.push(kvLayerCount(m, m.layers.slice(start, start + n)));
    start += n;
  }
  return out;
}

/**
 * DSA indexer key-cache bytes per token summed over the attention layers (stored in FP8 + scale,
 * independent of the KV-cache dtype; 0 without an indexer).
 */
export function indexerKeyBytesPerToken(m: ModelSpec, layers: readonly LayerSpec[] = m.layers): number {
  if (!m.sparseIndexer) return 0;
  let n = 0;
  for (const l of layers) if (ownsIndexer(l)) n++;
  return n * m.sparseIndexer.keyBytesPerToken;
}

/**
 * KV entries a KV layer adds per context token: 1, or 1/compressRatio on a DeepSeek-V4 compressed layer
 * (one pooled entry per compressRatio tokens; its uncompressed window is bounded and not counted here).
 */
export function kvGrowthShare(layer: LayerSpec): number {
  return layer.compressRatio ? 1 / layer.compressRatio : 1;
}

/** A model whose KV layers differ in shape or growth (Gemma-4, MiMo-V2, DeepSeek-V4): per-layer sums needed. */
export function hasMixedKvLayers(m: ModelSpec): boolean {
  return m.slidingAttention !== undefined || m.compressedAttention !== undefined;
}

/** KV-cache bytes per token summed over the KV layers (sliding-window layers included, uncapped). */
export function kvBytesPerToken(m: ModelSpec, bytesPerElement: number): number {
  if (!hasMixedKvLayers(m)) return kvLayerCount(m) * attentionKvBytesPerLayerPerToken(m, bytesPerElement);
  let bytes = 0;
  for (const l of m.layers) {
    if (!holdsKv(l)) continue;
    bytes += kvGrowthShare(l) * attentionKvBytesPerLayerPerToken(m, bytesPerElement, attentionShapeOf(m, l));
  }
  return bytes;
}

/**
 * Recurrent-state bytes one sequence holds in one state layer, independent of context length:
 * - Gated DeltaNet: conv state (2·keyDim + valueDim)·(convKernel − 1) in bf16 + the delta-rule state
 *   numValueHeads·keyHeadDim·valueHeadDim at `stateBytesPerElement` (vLLM mamba_utils gated_delta_net_state_shape).
 * - Mamba-2: conv state (inner + 2·nGroups·stateSize)·(convKernel − 1) in bf16 + the SSM state
 *   numHeads·headDim·stateSize at `stateBytesPerElement` (vLLM mamba_utils mamba2_state_shape).
 */
export function stateBytesPerLayerPerSequence(m: ModelSpec, layer: LayerSpec): number {
  if (layer.attention === 'linear' && m.linearAttention) {
    const la = m.linearAttention;
    const convDim = 2 * la.numKeyHeads * la.keyHeadDim + la.numValueHeads * la.valueHeadDim;
    return (
      convDim * (la.convKernel - 1) * 2 + la.numValueHeads * la.keyHeadDim * la.valueHeadDim * la.stateBytesPerElement
    );
  }
  if (layer.attention === 'mamba' && m.mamba) {
    const mb = m.mamba;
    const inner = mb.numHeads * mb.headDim;
    const convDim = inner + 2 * mb.nGroups * mb.stateSize;
    return convDim * (mb.convKernel - 1) * 2 + mb.numHeads * mb.headDim * mb.stateSize * mb.stateBytesPerElement;
  }
  return 0;
}

/** Recurrent-state bytes per sequence over `layers` (default: the whole model); flat in context length. */
export function stateBytesPerSequence(m: ModelSpec, layers: readonly LayerSpec[] = m.layers): number {
  let bytes = 0;
  for (const l of layers) if (holdsState(l)) bytes += stateBytesPerLayerPerSequence(m, l);
  return bytes;
}

/**
 * KV-cache bytes for one sequence of `contextTokens` tokens: full-attention layers hold every
 * token, sliding-window layers hold min(contextTokens, slidingWindow), DeepSeek-V4 compressed layers
 * their window plus ⌈contextTokens / compressRatio⌉ pooled entries.
 */
export function kvBytesForContext(m: ModelSpec, contextTokens: number, bytesPerElement: number): number {
  let bytes = 0;
  for (const layer of m.layers) {
    if (!holdsKv(layer)) continue;
    const tokens = layer.compressRatio
      ? Math.min(contextTokens, m.compressedAttention?.window ?? contextTokens) +
        Math.ceil(contextTokens / layer.compressRatio)
      : layer.attention === 'sliding' && m.slidingWindow !== null
        ? Math.min(contextTokens, m.slidingWindow)
        : contextTokens;
    bytes += tokens * attentionKvBytesPerLayerPerToken(m, bytesPerElement, attentionShapeOf(m, layer));
  }
  return bytes;
}
