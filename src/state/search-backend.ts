/**
 * How the store runs a plan search. The store only knows this interface; main.tsx picks the
 * implementation: the Web Worker pool (src/worker/pool.ts) in the browser, or the main-thread
 * adapter below where workers are unavailable (and in tests, with a fake).
 *
 * A run can be cancelled; a cancelled run rejects with an AbortError-named error. Progress
 * callbacks may arrive until the promise settles.
 */
import type { Scenario } from '../core/scenario/schema.ts';
import type { SearchOptions, SearchProgress, SearchResult } from '../core/search/types.ts';

export interface SearchRun {
  promise: Promise<SearchResult>;
  cancel(): void;
}

export interface SearchBackend {
  /** Shown in the UI ("4 workers", "main thread"). */
  readonly label: string;
  run(scenario: Scenario, options: Partial<SearchOptions>, onProgress: (p: SearchProgress) => void): SearchRun;
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
