import type { Dtype } from '../hardware/types.ts';

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
  /**
   * Sigmoid output gate (Qwen3-Next / Qwen3.5 `attn_output_gate`: q_proj emits 2·numHeads·headDim,
   * query + gate; MLA with `mla_use_output_gate`, Kimi-K3: a separate gate projection
   * hidden → numHeads·vHeadDim).
   */
  outputGate?: boolean;
  /**
   * K = V (Gemma-4 `attention_k_eq_v` on its full-attention layers): no v_proj, the values are the
   * keys, and one tensor per KV head is cached (numKvHeads·headDim elements per token).
   */
  kvShared?: boolean;
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
  /** A sigmoid gate (hidden → 1) scales the shared expert output (Qwen2-MoE, Qwen3-Next, Qwen3.5). */
  sharedExpertGate?: boolean;
  /**
   * Latent MoE (Nemotron-3 `moe_latent_size`): routed experts run at this width instead of hiddenSize,
   * between a down projection (hidden → latent) and an up projection (latent → hidden).
   */
  latentSize?: number;
  /** Latent MoE with an RMSNorm (latentSize weights) on the latent input (Kimi-K3 `latent_moe_use_norm`). */
  latentNorm?: boolean;
}

/**
 * The token mixer of a layer and the memory it holds: 'full' / 'sliding' attention keep KV bytes per
 * token (sliding: at most `slidingWindow` tokens); 'linear' (Gated DeltaNet, `ModelSpec.linearAttention`)
 * and 'mamba' (Mamba-2, `ModelSpec.mamba`) keep a fixed recurrent state per sequence, flat in context
 * length; 'none' is an FFN-only block (Nemotron-H `-` / `E` blocks).
 */
export type LayerAttention = 'full' | 'sliding' | 'linear' | 'mamba' | 'none';
/** 'none': a mixer-only block (Nemotron-H `M` / `*` blocks carry no FFN). */
export type LayerFfn = 'dense' | 'moe' | 'none';

export interface LayerSpec {
  attention: LayerAttention;
  ffn: LayerFfn;
  /**
   * DSA layer that reuses the previous layer's top-k selection (GLM-5.2 `indexer_types: "shared"`):
   * no indexer weights, no indexer key cache, no indexer scan. Absent = own indexer.
   */
  reusesIndexer?: boolean;
  /**
   * Attention layer of a sparse-attention model that reads the whole context (MiniMax-M3's first
   * `sparse_attention_freq` 0 layers): no indexer weights, no indexer key cache, no top-k selection.
   */
  denseAttention?: boolean;
  /**
   * DeepSeek-V4 compressed attention (`compress_ratios`): this layer caches one compressed KV entry
   * per `compressRatio` tokens, besides the uncompressed sliding window every V4 layer keeps. Absent
   * (or a 'sliding' layer) = window only.
   */
  compressRatio?: number;
  /** Dense FFN width of this layer when it differs per layer (Nemotron-NAS `block_configs`); default intermediateSize. */
  ffnWidth?: number;
  /** Hidden-size norms of this layer when they differ per layer (NAS no-op blocks drop theirs); default normsPerLayer. */
  norms?: number;
}

/** Layers whose memory is a KV cache that grows with context (full or sliding attention). */
export function holdsKv(layer: LayerSpec): boolean {
  return layer.attention === 'full' || layer.attention === 'sliding';
}

/** Layers whose memory is a recurrent state per sequence, flat in context length. */
export function holdsState(layer: LayerSpec): boolean {
  return layer.attention === 'linear' || layer.attention === 'mamba';
}

/**
 * Gated DeltaNet linear attention (Qwen3-Next / Qwen3.5, `linear_*` config keys; Yang et al. 2024,
 * "Gated Delta Networks"). Per layer: q/k over `numKeyHeads`·`keyHeadDim`, v and the output gate z over
 * `numValueHeads`·`valueHeadDim`, a depthwise causal conv of `convKernel` taps over q, k and v.
 */
export interface LinearAttentionSpec {
  /**
   * 'gated-deltanet' (default; Qwen3-Next / Qwen3.5) or 'kimi-delta' (Kimi Delta Attention, Kimi Linear
   * tech report 2025, fla-org `fla/layers/kda.py`): the same delta-rule state, but separate q/k/v
   * projections, a per-channel forget gate f (low-rank hidden → headDim → keyDim, or one full-rank
   * hidden → keyDim projection with `fullRankGate`), a per-channel dt_bias, and a low-rank output gate.
   */
  kind?: 'gated-deltanet' | 'kimi-delta';
  /** KDA only: the forget gate is one full-rank hidden → keyDim projection (config `use_full_rank_gate`). */
  fullRankGate?: boolean;
  numKeyHeads: number;
  numValueHeads: number;
  keyHeadDim: number;
  valueHeadDim: number;
  convKernel: number;
  /** Bytes of one recurrent-state element (config `mamba_ssm_dtype`: float32 → 4). */
  stateBytesPerElement: number;
}

/**
 * Mamba-2 mixer (Dao & Gu 2024, "Transformers are SSMs"; HF NemotronHMamba2Mixer). Inner width
 * numHeads·headDim; x, B and C pass a depthwise conv of `convKernel` taps (conv width
 * inner + 2·nGroups·stateSize); the SSM state per head is headDim × stateSize.
 */
export interface MambaSpec {
  numHeads: number;
  headDim: number;
  stateSize: number;
  nGroups: number;
  convKernel: number;
  convBias: boolean;
  projBias: boolean;
  /** Bytes of one SSM-state element (config `mamba_ssm_cache_dtype`: float32 → 4, else 2). */
  stateBytesPerElement: number;
}

/**
 * DeepSeek Sparse Attention (DeepSeek-V3.2-Exp tech report, 2025; GLM-5): a lightning indexer with
 * `indexHeads` heads of `indexHeadDim` scores every cached token from its own key cache, and the MLA
 * attention then reads only the `topK` best tokens per query.
 */
export interface SparseIndexerSpec {
  /**
   * 'dsa' (default): DeepSeek's lightning indexer (q from the low-rank query, one shared key, per-head
   * weights, FP8 keys). 'block': MiniMax-M3 block-sparse attention (`sparse_attention_config`), where
   * the indexer's q (hidden → indexHeads·indexHeadDim) and key (hidden → indexHeadDim, cached in bf16)
   * score every token, scores are max-pooled per block of `blockTokens`, and each query reads its
   * top blocks plus the local one; `topK` is then those blocks in tokens.
   */
  kind?: 'dsa' | 'block';
  /** Block-sparse only: tokens per selectable block (`sparse_block_size`). */
  blockTokens?: number;
  indexHeads: number;
  indexHeadDim: number;
  topK: number;
  /**
   * Bytes per token per layer of the indexer key cache: indexHeadDim fp8 values + one fp32 scale
   * (DeepSeek-V3.2 inference/model.py stores the index keys in FP8 with a per-128 block scale).
   */
  keyBytesPerToken: number;
}

/**
 * DeepSeek-V4 attention (config `DeepseekV4ForCausalLM`): a low-rank query (`q_lora_rank`) over
 * `numHeads` heads of `headDim`; one shared key = value head of `headDim` (MQA, K = V) whose last
 * `ropeDim` channels carry RoPE; a grouped low-rank output projection (`o_groups` groups of heads each
 * projected to `o_lora_rank`, then to hidden); on every layer an uncompressed window of `window`
 * tokens, and on compressed layers (LayerSpec.compressRatio) a learned compressor that pools
 * `compressRatio` tokens into one KV entry (ratio 4 layers also run the lightning indexer over
 * compressed index keys, i.e. compressed sparse attention; ratio 128 layers attend to every compressed
 * entry). Manifold-constrained hyper-connections widen the residual stream `hcMult`-fold.
 */
export interface CompressedAttentionSpec {
  numHeads: number;
  headDim: number;
  ropeDim: number;
  qLoraRank: number;
  oLoraRank: number;
  oGroups: number;
  window: number;
  hcMult: number;
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
  /**
   * Sliding window size in tokens for 'sliding' layers (null when no layer slides); DeepSeek-V4: the
   * uncompressed window every layer keeps beside its pooled entries.
   */
  slidingWindow: number | null;
  attention: AttentionSpec;
  /**
   * Shape of the 'sliding' layers when it differs from `attention` (Gemma-4: more KV heads of a smaller
   * head dim; MiMo-V2: own KV head count and sinks). Parameters, KV bytes and the serving cost of each
   * layer read it through model/params.ts `attentionShapeOf`.
   */
  slidingAttention?: AttentionSpec;
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
  /** Gated DeltaNet shape of the 'linear' layers (required when any layer is 'linear'). */
  linearAttention?: LinearAttentionSpec;
  /** Mamba-2 shape of the 'mamba' layers (required when any layer is 'mamba'). */
  mamba?: MambaSpec;
  /** DeepSeek-V4 compressed attention and hyper-connections (layers carry compressRatio). */
  compressedAttention?: CompressedAttentionSpec;
  /** DSA lightning indexer on every 'full' attention layer (DeepSeek-V3.2, GLM-5). */
  sparseIndexer?: SparseIndexerSpec;
  /**
   * Precision the checkpoint ships in, from config.json `quantization_config` (fp8, fp8 block, nvfp4,
   * mxfp4, AWQ/GPTQ int4, compressed-tensors). Sets the default weight precision of a scenario.
   */
  checkpointQuantization?: { method: string; weightsDtype: Dtype; activationsDtype?: Dtype };
  /** Vision/audio tower parameters of a multimodal checkpoint (held in memory, not in the decoder count). */
  encoderParams?: number;
  /** Display family, e.g. "Llama 3.1", "DeepSeek-V3". */
  family?: string;
  /** Import notes worth showing a user (text model only, MTP excluded, conservative KV, ...). */
  notes?: string[];
}
