/** Plan search: enumerate the space, screen and bound, evaluate, merge shards, second pass. */
export * from './types.ts';
export * from './objectives.ts';
export * from './space.ts';
export { evaluateFast, PlanEvaluator } from './evaluate-plan.ts';
export { evaluateDisaggregatedSteadyState } from './disagg.ts';
export { steadyView, estimatorWorkload, workloadFromRequests } from './workload-view.ts';
export {
  searchShard,
  searchShardOf,
  searchPrepared,
  unrankableReason,
  mergeShards,
  refinePlans,
  applyRefinement,
  plansToRefine,
  paretoFront,
  search,
  PROGRESS_INTERVAL_MS,
} from './search.ts';
