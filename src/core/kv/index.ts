/**
 * KV-cache strategies (issue 6): schema, per-family formulas, composed effect, capacity curve, ranking.
 * See README.md in this folder for the modelled effect of each strategy on a reference scenario.
 */
export * from './types.ts';
export * from './quant.ts';
export * from './evict.ts';
export * from './offload.ts';
export * from './share.ts';
export * from './paging.ts';
export * from './distributed.ts';
export {
  resolveKv,
  layerKv,
  modelFootprint,
  stageFootprints,
  freeKvBytesPerGpu,
  shortLabel,
  type ResolvedKv,
  type LayerKv,
  type Footprint,
} from './footprint.ts';
export {
  strategyDecodeStep,
  equivalentBf16Context,
  bf16KvDeployment,
  vectorFlopsPerS,
  exposedExtraComputeS,
  CUDA_CORE_FRACTION_OF_BF16_TENSOR,
  type DecodeStep,
  type SpillPerGpu,
} from './decode.ts';
export {
  kvEffect,
  effectOf,
  quantEffect,
  evictEffect,
  offloadEffect,
  shareEffect,
  pagingEffect,
  distributedEffect,
  type KvEffect,
  type TransferCost,
} from './effect.ts';
export {
  kvCapacityCurve,
  capacityPoint,
  tierPlacement,
  schedulerGroups,
  DEFAULT_CONTEXTS,
  type KvCapacityCurve,
  type KvCapacityPoint,
} from './capacity.ts';
export {
  compareStrategies,
  concurrencyPhrase,
  type CompareOptions,
  type StrategyScore,
  type StrategyComparison,
} from './compare.ts';
