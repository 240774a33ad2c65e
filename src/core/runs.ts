/**
 * Handles of a search or a simulation that runs elsewhere (a Web Worker pool, or the main thread
 * after a tick): the one definition the worker pool returns and the store consumes. Cancelling
 * rejects the promise with an AbortError-named error.
 */
import type { SimulatedEvaluation } from './evaluate/simulated.ts';
import type { SearchResult } from './search/types.ts';

export interface SearchRun {
  promise: Promise<SearchResult>;
  cancel(): void;
}

/** Where a run executes, shown while it runs. */
export type RunPlace = 'worker' | 'main thread';

export interface SimulationRun {
  promise: Promise<SimulatedEvaluation>;
  cancel(): void;
  /** Absent when the caller handed in a bare promise (not cancellable, place unknown). */
  where?: RunPlace;
}
