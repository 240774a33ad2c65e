/** Messages and shared slots between the fuzz harness (harness.ts) and its worker (worker.ts). */

export interface WorkerJob {
  entry: string;
  surface: string;
  /** Module exporting the surface as `surface` (absolute path); absent = the registry (surfaces/index.ts). */
  module: string | null;
  seed: number;
  /** Inputs `from` … `to - 1`. */
  from: number;
  to: number;
  skipKnown: boolean;
  /** Float64 slots, see SLOT. */
  shared: SharedArrayBuffer;
}

/** Indices into the shared Float64Array: the harness reads them to detect hangs and after a kill. */
export const SLOT = {
  /** Index of the input being run, -1 between calls. */
  current: 0,
  /** Date.now() when that call started. */
  startedAtMs: 1,
  /** Largest heapTotal + external seen after any call (bytes). */
  peakBytes: 2,
  longestCallMs: 3,
  longestCallIndex: 4,
  /** Calls that returned / refused with a documented error, over all workers of the run. */
  ok: 5,
  refused: 6,
  count: 7,
} as const;

export type FailureKind = 'crash' | 'hang' | 'memory';

export interface Failure {
  kind: FailureKind;
  index: number;
  error: string;
  input: string;
}

export type WorkerMessage =
  | { type: 'failure'; failure: Failure }
  | { type: 'skipped'; reason: string }
  | { type: 'end' }
  | { type: 'setup-error'; error: string };
