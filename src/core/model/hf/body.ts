/** The decoder body a per-family builder returns; hf.ts turns it into a ModelSpec. */
import type { AttentionSpec, LayerSpec, ModelSpec, MoeSpec } from '../types.ts';
import type { Dims } from './dimensions.ts';

export interface Body {
  dims: Dims;
  attention: AttentionSpec;
  window: number | null;
  intermediateSize: number;
  mlpBias: boolean;
  moe: MoeSpec | null;
  layers: LayerSpec[];
  normsPerLayer: number;
  mtp: number;
  chunk: number | null;
  /** Plain 2-matrix MLP (Nemotron-H relu²) instead of the default gated one. */
  gatedMlp?: boolean;
  /** State-layer and indexer shapes of hybrid / sparse families. */
  extra?: Pick<ModelSpec, 'linearAttention' | 'mamba' | 'sparseIndexer' | 'slidingAttention' | 'compressedAttention'>;
}
