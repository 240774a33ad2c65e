/**
 * KV-cache strategies composed on a deployment (issue 6): footprint, the engine hook behind
 * cost/kv-hook.ts, decode step, effect, capacity curve, ranking. The per-family formulas are core/kv.
 */
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
