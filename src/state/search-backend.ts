/**
 * How the store runs a plan search. The store only knows this interface; main.tsx picks the
 * implementation: the Web Worker pool (src/worker/pool.ts) in the browser, or the main-thread
 * adapter below where workers are unavailable (and in tests, with a fake).
 *
 * A run can be cancelled; a cancelled run rejects with an AbortError-named error. Progress
 * callbacks may arrive until the promise settles.
 */
import type { SimulatedEvaluation } from '../core/evaluate/simulated.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { SearchRun, SimulationRun } from '../core/runs.ts';
import type { SearchOptions, SearchProgress } from '../core/search/types.ts';

export type { SearchRun, SimulationRun } from '../core/runs.ts';

export interface SearchBackend {
  /** Shown in the UI ("4 workers", "main thread"). */
  readonly label: string;
  run(scenario: Scenario, options: Partial<SearchOptions>, onProgress: (p: SearchProgress) => void): SearchRun;
}

/** A simulate function may return a bare promise (not cancellable) or a run. */
export function asSimulationRun(x: SimulationRun | Promise<SimulatedEvaluation>): SimulationRun {
  return x instanceof Promise ? { promise: x, cancel: () => undefined } : x;
}

export class SearchCancelled extends Error {
  constructor() {
    super('Search cancelled');
    this.name = 'AbortError';
  }
}

export const isCancelled = (e: unknown): boolean => e instanceof Error && e.name === 'AbortError';

/** A backend for environments without a search implementation: every run fails with `message`. */
export function unavailableBackend(message: string): SearchBackend {
  return {
    label: 'unavailable',
    run: () => ({ promise: Promise.reject(new Error(message)), cancel: () => undefined }),
  };
}
