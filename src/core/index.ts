/**
 * ParaKV's engine as a library (`import { evaluate, simulate, search } from 'parakv'`): the same
 * scenario schema, catalogs, closed-form estimator, simulator and plan search that the app and the
 * CLI use. Every entry point takes untrusted input and validates it with the scenario schema first.
 */
import { evaluateFast } from './evaluate/fast.ts';
import { search as searchPlans } from './search/search.ts';
import type { SearchOptions, SearchResult } from './search/types.ts';
import { evaluateSimulated, type SimulatedEvaluation, type SimulateOptions } from './evaluate/simulated.ts';
import type { EvaluationResult } from './evaluate/evaluate.ts';
import type { Scenario } from './scenario/schema.ts';
import { parseScenario } from './scenario/validate.ts';
import { ScenarioError } from './cost/deployment.ts';

export { scenarioSchema, SCENARIO_VERSION, ENGINE_NAMES } from './scenario/schema.ts';
export type { Scenario, ScenarioInput, EngineName, EngineChoice } from './scenario/schema.ts';
export { parseScenario } from './scenario/validate.ts';
export { GPUS } from './hardware/gpus.ts';
export { MODELS } from './model/catalog.ts';
export { countParams, kvBytesPerToken } from './model/params.ts';
export type { EvaluationResult } from './evaluate/evaluate.ts';
export type { SimulatedEvaluation, SimulateOptions } from './evaluate/simulated.ts';
export type { SearchOptions, SearchResult } from './search/types.ts';

/**
 * A scenario the library cannot run: the schema refused it, or it names something that does not
 * exist (an unknown model or GPU id, an unreadable trace). `errors` has one line per problem, each
 * naming the field and the fix.
 */
export class InvalidScenarioError extends Error {
  constructor(readonly errors: string[]) {
    super(`invalid scenario: ${errors.join('; ')}`);
    this.name = 'InvalidScenarioError';
  }
}

/** Validates `input` (a parsed scenario JSON) and fills the defaults; throws InvalidScenarioError. */
export function toScenario(input: unknown): Scenario {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new InvalidScenarioError(parsed.errors);
  return parsed.scenario;
}

/** Runs `fn` on the validated scenario; the engine's field errors become InvalidScenarioError too. */
function run<T>(input: unknown, fn: (s: Scenario) => T): T {
  const scenario = toScenario(input);
  try {
    return fn(scenario);
  } catch (e) {
    if (e instanceof ScenarioError) throw new InvalidScenarioError([e.message]);
    throw e;
  }
}

/** The closed-form steady-state estimate of the scenario's plan (what `parakv evaluate --fast` prints). */
export function evaluate(input: unknown): EvaluationResult {
  return run(input, evaluateFast);
}

/** The discrete-event simulation of the scenario's workload on its plan (what `parakv evaluate` prints). */
export function simulate(input: unknown, options: SimulateOptions = {}): SimulatedEvaluation {
  return run(input, (s) => evaluateSimulated(s, options));
}

/** Ranks the plans of the scenario's cluster for its workload (closed form; single thread). */
export function search(input: unknown, options: Partial<SearchOptions> = {}): SearchResult {
  return run(input, (s) => searchPlans(s, options));
}
