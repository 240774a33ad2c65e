/**
 * Shared dimension readers: heads, head dims, the per-layer attention pattern (sliding / full) and
 * the MoE block, each checked against the config fields they come from.
 */
import type { AttentionSpec, LayerAttention, MoeSpec } from '../types.ts';
import type { Family } from './architectures.ts';
import type { Cfg } from './reader.ts';
import { describe, ModelImportError } from './reader.ts';

// Shared readers

export interface Dims {
  hidden: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  vocab: number;
  maxContext: number;
}

export function readDims(c: Cfg, family: Family): Dims {
  const hidden = c.int('hidden_size', 'model width');
  const numLayers = c.int('num_hidden_layers', 'number of decoder layers');
  const numHeads = c.int('num_attention_heads', 'number of query heads');
  const numKvHeads = c.optInt('num_key_value_heads', 'number of KV heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new ModelImportError(
      c.path('num_key_value_heads'),
      `num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`,
    );
  }
  let headDim: number;
  if (c.has('head_dim')) {
    headDim = c.int('head_dim', 'per-head dimension');
  } else if (family === 'gemma2') {
    throw new ModelImportError(
      c.path('head_dim'),
      'missing; expected a positive integer (Gemma-2 head_dim is not hidden_size/num_attention_heads)',
    );
  } else if (hidden % numHeads === 0) {
    headDim = hidden / numHeads;
  } else {
    throw new ModelImportError(
      c.path('head_dim'),
      `missing and hidden_size (${hidden}) is not divisible by num_attention_heads (${numHeads}); expected a positive integer`,
    );
  }
  const vocab = c.int('vocab_size', 'vocabulary size');
  const maxContext = c.int('max_position_embeddings', 'maximum context length in tokens');
  return { hidden, numLayers, numHeads, numKvHeads, headDim, vocab, maxContext };
}

export function readLayerTypes(c: Cfg, numLayers: number): LayerAttention[] | null {
  const v = c.raw('layer_types');
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) {
    throw new ModelImportError(
      c.path('layer_types'),
      `expected an array of "full_attention"/"sliding_attention" (one per layer), got ${describe(v)}`,
    );
  }
  if (v.length !== numLayers) {
    throw new ModelImportError(
      c.path('layer_types'),
      `has ${v.length} entries; expected one per layer (num_hidden_layers = ${numLayers})`,
    );
  }
  return v.map((t, i) => {
    if (t === 'full_attention') return 'full';
    if (t === 'sliding_attention') return 'sliding';
    // Only families that model Gated DeltaNet get here with it (architectures.ts refuses it elsewhere).
    if (t === 'linear_attention') return 'linear';
    throw new ModelImportError(
      `${c.path('layer_types')}[${i}]`,
      `expected "full_attention" or "sliding_attention", got ${describe(t)}`,
    );
  });
}

/** Per-layer attention kind and the window. */
export function readSliding(
  c: Cfg,
  family: Family,
  numLayers: number,
): { kinds: LayerAttention[]; window: number | null } {
  const window = c.optInt('sliding_window', 'sliding window in tokens', null);
  let kinds = readLayerTypes(c, numLayers);
  if (!kinds) {
    switch (family) {
      case 'mistral':
      case 'mixtral':
      case 'phi3':
        kinds = Array.from({ length: numLayers }, () => (window !== null ? 'sliding' : 'full'));
        break;
      case 'qwen2':
      case 'qwen3':
      case 'qwen3_moe': {
        const use = c.bool('use_sliding_window', false) && window !== null;
        const maxWindowLayers = use
          ? c.optInt('max_window_layers', 'layers before sliding starts', numLayers, 0)
          : numLayers;
        kinds = Array.from({ length: numLayers }, (_, i) => (use && i >= maxWindowLayers ? 'sliding' : 'full'));
        break;
      }
      case 'gemma2':
      case 'gpt_oss':
        // HF: even layers (0, 2, ...) slide, odd layers are global.
        kinds = Array.from({ length: numLayers }, (_, i) => (i % 2 === 0 ? 'sliding' : 'full'));
        break;
      default:
        kinds = Array.from({ length: numLayers }, () => 'full');
    }
  }
  const anySliding = kinds.includes('sliding');
  if (anySliding && window === null) {
    throw new ModelImportError(
      c.path('sliding_window'),
      'missing; expected a positive integer (sliding layers need a window size)',
    );
  }
  return { kinds, window: anySliding ? window : null };
}

export function gqaAttention(
  d: Dims,
  o: { qkvBias: boolean; oBias: boolean; qkNorm: boolean; sinks: boolean; qkNormScope?: 'head' | 'layer' },
): AttentionSpec {
  const a: AttentionSpec = {
    kind: 'gqa',
    numHeads: d.numHeads,
    numKvHeads: d.numKvHeads,
    headDim: d.headDim,
    vHeadDim: d.headDim,
    qkvBias: o.qkvBias,
    oBias: o.oBias,
    qkNorm: o.qkNorm,
    sinks: o.sinks,
    qLoraRank: null,
    kvLoraRank: 0,
    qkNopeHeadDim: 0,
    qkRopeHeadDim: 0,
  };
  if (o.qkNorm && o.qkNormScope) a.qkNormScope = o.qkNormScope;
  return a;
}

export function moeSpec(
  c: Cfg,
  numExperts: number,
  topK: number,
  topKField: string,
  expertIntermediateSize: number,
  shared: { count: number; width: number },
  routerBias: boolean,
): MoeSpec {
  if (topK > numExperts) {
    throw new ModelImportError(
      c.path(topKField),
      `experts per token (${topK}) exceeds the number of experts (${numExperts})`,
    );
  }
  return {
    numExperts,
    topK,
    expertIntermediateSize,
    numSharedExperts: shared.count,
    sharedIntermediateSize: shared.count > 0 ? shared.width : 0,
    routerBias,
  };
}
