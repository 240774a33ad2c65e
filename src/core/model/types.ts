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
  /** Router has a bias term (gpt-oss). */
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
  /** Width of the dense FFN (dense layers, and DeepSeek's first_k_dense layers). */
  intermediateSize: number;
  /** SwiGLU/GeGLU (gate+up+down, 3 matrices) vs plain 2-matrix MLP. */
  gatedMlp: boolean;
  mlpBias: boolean;
  moe: MoeSpec | null;
  /** One entry per decoder layer, in order. */
  layers: LayerSpec[];
  /** Where the numbers came from (config source, model card). */
  source: string;
}
