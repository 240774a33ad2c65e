/** Plan search: enumerate the space, screen and bound, evaluate, merge shards, second pass. */
export * from './types.ts';
export * from './objectives.ts';
export * from './space.ts';
export { PlanEvaluator } from './evaluate-plan.ts';
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
export * from './budget.ts';
export * from './spec-choices.ts';
