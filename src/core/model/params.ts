/**
 * Parameter counts and KV-cache sizes derived from a ModelSpec.
 *
 * Counting method (same as reference models.json `computed_params.method`): input embedding +
 * untied lm_head + per layer (attention projections [+ biases, qk-norm weights, attention sinks,
 * MLA latent norms] + the layer's RMSNorms + dense MLP or routed experts + shared experts + router)
 * + final norm. MoE active = all non-expert weights (input embedding included) + top-k routed
 * experts + shared experts. Multi-token-prediction layers are not in `layers` and are not counted.
 */
import type { ModelSpec } from './types.ts';

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

/** Attention parameters of one layer. */
export function attentionParamsPerLayer(m: ModelSpec): number {
  const a = m.attention;
  const h = m.hiddenSize;
  if (a.kind === 'mla') {
    const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
    const q =
      a.qLoraRank === null ? h * a.numHeads * qHead : h * a.qLoraRank + a.qLoraRank + a.qLoraRank * a.numHeads * qHead;
    const kvA = h * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank; // kv_a_proj_with_mqa + kv_a_layernorm
    const kvB = a.kvLoraRank * a.numHeads * (a.qkNopeHeadDim + a.vHeadDim);
    const o = a.numHeads * a.vHeadDim * h;
    return q + kvA + kvB + o;
  }
  const qDim = a.numHeads * a.headDim;
  const kDim = a.numKvHeads * a.headDim;
  const vDim = a.numKvHeads * a.vHeadDim;
  const oIn = a.numHeads * a.vHeadDim;
  let p = h * (qDim + kDim + vDim) + oIn * h;
  if (a.qkvBias) p += qDim + kDim + vDim;
  if (a.oBias) p += h;
  if (a.qkNorm) p += (a.qkNormScope ?? 'head') === 'layer' ? qDim + kDim : 2 * a.headDim;
  if (a.sinks) p += a.numHeads;
  return p;
}

/** One MLP of width `width` (gate/up/down or up/down, with optional biases). */
export function mlpParams(m: ModelSpec, width: number): number {
  const h = m.hiddenSize;
  if (m.gatedMlp) return 3 * h * width + (m.mlpBias ? 2 * width + h : 0);
  return 2 * h * width + (m.mlpBias ? width + h : 0);
}

function routerParams(m: ModelSpec): number {
  if (!m.moe) return 0;
  return m.moe.numExperts * m.hiddenSize + (m.moe.routerBias ? m.moe.numExperts : 0);
}

function sharedExpertParams(m: ModelSpec): number {
  if (!m.moe || m.moe.numSharedExperts === 0) return 0;
  return m.moe.numSharedExperts * mlpParams(m, m.moe.sharedIntermediateSize);
}

export function countParams(m: ModelSpec): ParamCounts {
  const h = m.hiddenSize;
  const embeddingParams = m.vocabSize * h;
  const lmHeadParams = m.tieWordEmbeddings ? 0 : m.vocabSize * h;
  const finalNormParams = h;
  const attn = attentionParamsPerLayer(m);
  const norms = (m.normsPerLayer ?? 2) * h;
  const dense = mlpParams(m, m.intermediateSize);
  const expert = m.moe ? mlpParams(m, m.moe.expertIntermediateSize) : 0;
  const moeTotal = m.moe ? m.moe.numExperts * expert + sharedExpertParams(m) + routerParams(m) : 0;
  const moeActive = m.moe ? m.moe.topK * expert + sharedExpertParams(m) + routerParams(m) : 0;

  const perLayer: LayerParams[] = [];
  let total = embeddingParams + lmHeadParams + finalNormParams;
  let active = total;
  for (const layer of m.layers) {
    if (layer.ffn === 'moe' && !m.moe) throw new Error(`model ${m.id}: MoE layer without a MoeSpec`);
    const ffn = layer.ffn === 'moe' ? moeTotal : dense;
    perLayer.push({ attention: attn, ffn, norms });
    total += attn + ffn + norms;
    active += attn + norms + (layer.ffn === 'moe' ? moeActive : dense);
  }
  return { totalParams: total, activeParams: active, embeddingParams, lmHeadParams, finalNormParams, perLayer };
}

/**
 * KV-cache bytes one layer stores per token. GQA/MQA/MHA: K and V for each KV head
 * (numKvHeads * (headDim + vHeadDim) elements). MLA: the compressed latent plus the decoupled rope
 * key (kvLoraRank + qkRopeHeadDim elements), one copy, as stored by weight-absorbing engines.
 */
export function attentionKvBytesPerLayerPerToken(m: ModelSpec, bytesPerElement: number): number {
  const a = m.attention;
  const elements = a.kind === 'mla' ? a.kvLoraRank + a.qkRopeHeadDim : a.numKvHeads * (a.headDim + a.vHeadDim);
  return elements * bytesPerElement;
}

/** KV-cache bytes per token summed over all layers (sliding-window layers included, uncapped). */
export function kvBytesPerToken(m: ModelSpec, bytesPerElement: number): number {
  return m.layers.length * attentionKvBytesPerLayerPerToken(m, bytesPerElement);
}

/**
 * KV-cache bytes for one sequence of `contextTokens` tokens: full-attention layers hold every
 * token, sliding-window layers hold min(contextTokens, slidingWindow).
 */
export function kvBytesForContext(m: ModelSpec, contextTokens: number, bytesPerElement: number): number {
  const perLayer = attentionKvBytesPerLayerPerToken(m, bytesPerElement);
  let tokens = 0;
  for (const layer of m.layers) {
    tokens +=
      layer.attention === 'sliding' && m.slidingWindow !== null
        ? Math.min(contextTokens, m.slidingWindow)
        : contextTokens;
  }
  return tokens * perLayer;
}
