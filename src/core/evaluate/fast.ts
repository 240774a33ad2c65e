/** The closed-form evaluation of one plan: what `parakv evaluate --fast`, the app and the library call. */
import type { Scenario } from '../scenario/schema.ts';
import { evaluateDisaggregatedSteadyState, poolsOf } from './disagg.ts';
import { evaluateSteadyState, finiteResult, type EvaluationResult } from './evaluate.ts';
import type { ProfileCache } from './profile.ts';
import { steadyView } from './workload-view.ts';

/** Closed-form evaluation of any scenario (colocated or disaggregated), trace summarised. */
export function evaluateFast(scenario: Scenario, cache?: ProfileCache): EvaluationResult {
  const view = steadyView(scenario);
  return poolsOf(view) ? finiteResult(evaluateDisaggregatedSteadyState(view, cache)) : evaluateSteadyState(view);
}
