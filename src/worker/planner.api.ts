/**
 * The planner's worker API: plain functions over core, exposed with comlink by planner.worker.ts
 * and imported directly by unit tests and the main-thread fallback. Inputs are untrusted
 * (structured-cloned from the page): scenarios are re-validated here, and errors carry the field.
 * Only plain data crosses the boundary; a progress callback is a comlink proxy.
 */
import * as Comlink from 'comlink';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import type { SimulatedEvaluation, SimulateOptions } from '../core/evaluate/simulated.ts';
import { WORKER_SIM_WALL_MS } from '../core/sim/budget.ts';
import type { Scenario, ScenarioInput } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { applyRefinement, mergeShards, plansToRefine, refinePlans, searchShard } from '../core/search/search.ts';
import { loadSimulator } from '../core/search/simulator.ts';
import { preloadKernelsFor } from '../core/kernels/registry.ts';
import { countCandidates, resolveOptions } from '../core/search/space.ts';
import type {
  CandidateCount,
  RankedPlan,
  RejectedPlan,
  SearchOptions,
  SearchProgress,
  SearchResult,
  ShardResult,
} from '../core/search/types.ts';

/** A scenario that fails validation; the message lists every problem with its field path. */
export class ScenarioInputError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '));
    this.name = 'ScenarioInputError';
  }
}

export function parseOrThrow(input: ScenarioInput | Scenario | unknown): Scenario {
  const r = parseScenario(input);
  if (!r.ok) throw new ScenarioInputError(r.errors);
  return r.scenario;
}

/** What a caller may ask of one on-demand simulation (the rest of SimulateOptions stays internal). */
export type SimulateRequest = Pick<SimulateOptions, 'timeline' | 'maxRequests'>;

/** Untrusted options → the simulator's: booleans stay booleans, the request cap a positive integer. */
function simulateOptions(o: unknown): SimulateOptions {
  const r = (o !== null && typeof o === 'object' ? o : {}) as Record<string, unknown>;
  // A hostile link never keeps the worker busy for long: 1 s of simulation, then partial results.
  const out: SimulateOptions = { timeline: r.timeline === true, budget: { maxWallMs: WORKER_SIM_WALL_MS } };
  if (r.maxRequests !== undefined) {
    const n = r.maxRequests;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      throw new ScenarioInputError([`maxRequests: expected a positive integer, got ${JSON.stringify(n)}`]);
    out.maxRequests = n;
  }
  return out;
}

/**
 * The ArrayBuffers behind a simulation's timeline, each once (two views of one buffer would make
 * postMessage throw). Transferring them moves the typed arrays to the page without a copy.
 */
export function timelineBuffers(r: SimulatedEvaluation): ArrayBuffer[] {
  const tl = r.simulation.timeline;
  if (!tl) return [];
  const seen = new Set<ArrayBuffer>();
  const x = tl.tierTransfers;
  const views = [
    ...Object.values(tl.requests),
    tl.iterations.startS,
    tl.iterations.durationS,
    tl.iterations.instance,
    tl.iterations.prefillTokens,
    tl.iterations.decodeSeqs,
    tl.iterations.steps,
    x.startS,
    x.durationS,
    x.instance,
    x.kind,
    x.bytes,
    x.cause,
  ];
  for (const v of views) if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0) seen.add(v.buffer);
  return [...seen];
}

export const plannerApi = {
  /** Size of the space (and whether it is over maxCandidates) without listing it. */
  countCandidates(scenario: ScenarioInput, options: Partial<SearchOptions> = {}): CandidateCount {
    return countCandidates(parseOrThrow(scenario), options);
  },

  /** Evaluate shard `shard` of `of` (candidate index % of === shard) with the closed-form estimator. */
  async searchShard(
    scenario: ScenarioInput,
    options: Partial<SearchOptions>,
    shard: number,
    of: number,
    onProgress?: (p: SearchProgress) => void,
  ): Promise<ShardResult> {
    const s = parseOrThrow(scenario);
    await preloadKernelsFor(s);
    // Each call over comlink is a postMessage: the core already throttles to one per ~50 ms.
    return searchShard(s, options, shard, of, onProgress ? (p) => void onProgress(p) : undefined);
  },

  /**
   * Second pass: re-evaluate `plans` with the simulator (closed form when this build has none, in
   * which case `simulated` is false and the plans come back unchanged).
   */
  async refine(
    scenario: ScenarioInput,
    plans: RankedPlan[],
    options: Partial<SearchOptions> = {},
  ): Promise<{ refined: RankedPlan[]; rejected: RejectedPlan[]; simulated: boolean }> {
    const s = parseOrThrow(scenario);
    const o = resolveOptions(s, options);
    await preloadKernelsFor(s);
    const sim = await loadSimulator();
    if (!sim) return { refined: plans, rejected: [], simulated: false };
    return { ...refinePlans(s, plans, sim, o.objective, o.secondary), simulated: true };
  },

  /**
   * Merge the shards (core mergeShards: top-k, sort, Pareto front) and pick the plans for the
   * simulator's pass. In a worker, so the page's main thread never sorts candidates or computes the
   * front (issue 14 §7).
   */
  merge(shards: ShardResult[], options: SearchOptions): { merged: SearchResult; toRefine: RankedPlan[] } {
    const merged = mergeShards(shards, options);
    return { merged, toRefine: plansToRefine(merged, options.simulateTop) };
  },

  /** Fold the simulated plans back in: re-rank and recompute the front (core applyRefinement), in a worker. */
  applyRefinement(
    merged: SearchResult,
    refined: RankedPlan[],
    rejected: RejectedPlan[],
    options: SearchOptions,
  ): SearchResult {
    return applyRefinement(merged, refined, rejected, options);
  },

  /** One scenario: simulated when the simulator is available, else closed form. */
  async evaluate(scenario: ScenarioInput, method: 'auto' | 'steady-state' = 'auto'): Promise<EvaluationResult> {
    const s = parseOrThrow(scenario);
    await preloadKernelsFor(s);
    const sim = method === 'auto' ? await loadSimulator() : null;
    return sim ? sim(s) : evaluateFast(s);
  },

  /**
   * Simulate one scenario on its own plan (the full workload, up to the simulator's request cap),
   * optionally with the per-request / per-iteration timeline. Over comlink the timeline's typed
   * arrays are transferred, not copied (this side's views are detached afterwards). Throws when this
   * build has no simulator.
   */
  async simulate(scenario: ScenarioInput, options: SimulateRequest = {}): Promise<SimulatedEvaluation> {
    const s = parseOrThrow(scenario);
    const o = simulateOptions(options);
    await preloadKernelsFor(s);
    const m = await import('../core/evaluate/simulated.ts');
    const r = m.evaluateSimulated(s, o);
    return Comlink.transfer(r, timelineBuffers(r));
  },

  async hasSimulator(): Promise<boolean> {
    return (await loadSimulator()) !== null;
  },
};

export type PlannerApi = typeof plannerApi;
