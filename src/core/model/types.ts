/**
 * A transformer decoder in the normalized form every cost formula reads. It is built from a catalog
 * entry or from a Hugging Face config.json (`fromHfConfig`), so all architectures share one shape.
 */
export interface AttentionSpec {
  /** 'gqa' covers MHA (kv = heads), GQA and MQA (kv = 1); 'mla' is DeepSeek's multi-head latent attention. */
  kind: 'gqa' | 'mla';
  numHeads: number;
  numKvHeads: number;
  /** Per-head dimension of Q and K (for MLA: qkNopeHeadDim + qkRopeHeadDim). */
  headDim: number;
  /** Per-head dimension of V (equals headDim except in MLA). */
  vHeadDim: number;
  /** q/k/v/o projection biases present (Qwen2: qkv bias; gpt-oss: all). */
  qkvBias: boolean;
  oBias: boolean;
  /** Per-head RMSNorm on q and k (Qwen3, Gemma-3). */
  qkNorm: boolean;
  /**
   * Width of the learned q/k-norm weights when `qkNorm`: 'head' (default) = one headDim-wide weight
   * each for q and k, shared by all heads (Qwen3); 'layer' = one weight over all heads,
   * numHeads*headDim for q and numKvHeads*headDim for k (MiniMax-M2 `qk_norm_type: per_layer`).
   */
  qkNormScope?: 'head' | 'layer';
  /** Learned per-head attention-sink logits (gpt-oss). */
  sinks: boolean;
  /** MLA only: low-rank q (null = full q projection), the KV latent and the decoupled rope key. */
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
}

export interface MoeSpec {
  numExperts: number;
  topK: number;
  /** FFN width of one routed expert. */
  expertIntermediateSize: number;
  numSharedExperts: number;
  /** FFN width of one shared expert (DeepSeek: = moe_intermediate_size). */
  sharedIntermediateSize: number;
  /**
   * Router has a bias term (gpt-oss). DeepSeek-V3-style `e_score_correction_bias` (used only for
   * expert selection) is not a router bias and is not counted (matches the reference method).
   */
  routerBias: boolean;
}

export type LayerAttention = 'full' | 'sliding';
export type LayerFfn = 'dense' | 'moe';

export interface LayerSpec {
  attention: LayerAttention;
  ffn: LayerFfn;
}

export interface ModelSpec {
  id: string;
  name: string;
  /** Hugging Face repository this spec was read from, when known. */
  hfId: string | null;
  architecture: string;
  hiddenSize: number;
  vocabSize: number;
  tieWordEmbeddings: boolean;
  maxContextTokens: number;
  /** Sliding window size in tokens for 'sliding' layers (null when no layer slides). */
  slidingWindow: number | null;
  attention: AttentionSpec;
  /**
   * Width of the dense FFN (dense layers, and DeepSeek's first_k_dense layers; Llama-4:
   * `intermediate_size_mlp`). Models whose layers are all MoE keep the config's value; it is unused.
   */
  intermediateSize: number;
  /** SwiGLU/GeGLU (gate+up+down, 3 matrices) vs plain 2-matrix MLP. */
  gatedMlp: boolean;
  /** FFN projections carry biases; applies to dense FFNs and to routed/shared experts (gpt-oss). */
  mlpBias: boolean;
  moe: MoeSpec | null;
  /** One entry per decoder layer, in order. */
  layers: LayerSpec[];
  /** Where the numbers came from (config source, model card). */
  source: string;
  /**
   * Hidden-size-wide norm weight vectors per decoder layer: 2 for pre-norm blocks (default),
   * 4 for Gemma-2's sandwich norms (pre/post attention, pre/post FFN).
   */
  normsPerLayer?: number;
  /**
   * Multi-token-prediction layers shipped in the checkpoint (DeepSeek `num_nextn_predict_layers`,
   * MiniMax `num_mtp_modules`). They are NOT in `layers` and are not counted in params or KV.
   */
  numMtpLayers?: number;
  /**
   * Llama-4 chunked local attention (`attention_chunk_size`). Those layers are listed as 'full'
   * here, so KV sizing is the conservative full-context upper bound.
   */
  attentionChunkSize?: number | null;
  /** Display family, e.g. "Llama 3.1", "DeepSeek-V3". */
  family?: string;
  /** Import notes worth showing a user (text model only, MTP excluded, conservative KV, ...). */
  notes?: string[];
}
