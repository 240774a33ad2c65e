/**
 * ParaKV's engine as a library (`import { evaluate, simulate, search } from 'parakv'`): the same
 * scenario schema, catalogs, closed-form estimator, simulator and plan search that the app and the
 * CLI use. Every entry point takes untrusted input and validates it with the scenario schema first.
 */
import { evaluateFast } from './search/evaluate-plan.ts';
import { search as searchPlans } from './search/search.ts';
import type { SearchOptions, SearchResult } from './search/types.ts';
import { evaluateSimulated, type SimulatedEvaluation, type SimulateOptions } from './evaluate/simulated.ts';
import type { EvaluationResult } from './evaluate/evaluate.ts';
import type { Scenario } from './scenario/schema.ts';
import { parseScenario } from './scenario/validate.ts';

export { scenarioSchema, SCENARIO_VERSION, ENGINE_NAMES } from './scenario/schema.ts';
export type { Scenario, ScenarioInput, EngineName, EngineChoice } from './scenario/schema.ts';
export { parseScenario } from './scenario/validate.ts';
export { GPUS } from './hardware/gpus.ts';
export { MODELS } from './model/catalog.ts';
export { countParams, kvBytesPerToken } from './model/params.ts';
export type { EvaluationResult } from './evaluate/evaluate.ts';
export type { SimulatedEvaluation, SimulateOptions } from './evaluate/simulated.ts';
export type { SearchOptions, SearchResult } from './search/types.ts';

/** A scenario the schema refused: `errors` holds one line per problem, each naming the field. */
export class ScenarioError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid scenario: ${errors.join('; ')}`);
    this.name = 'ScenarioError';
  }
}

/** Validates `input` (a parsed scenario JSON) and fills the defaults; throws ScenarioError. */
export function toScenario(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new ScenarioError(parsed.errors);
  return parsed.scenario;
}

/** The closed-form steady-state estimate of the scenario's plan (what `parakv evaluate --fast` prints). */
export function evaluate(input: unknown): EvaluationResult {
  return evaluateFast(toScenario(input));
}

/** The discrete-event simulation of the scenario's workload on its plan (what `parakv evaluate` prints). */
export function simulate(input: unknown, options: SimulateOptions = {}): SimulatedEvaluation {
  return evaluateSimulated(toScenario(input), options);
}

/** Ranks the plans of the scenario's cluster for its workload (closed form; single thread). */
export function search(input: unknown, options: Partial<SearchOptions> = {}): SearchResult {
  return searchPlans(toScenario(input), options);
}
