/**
 * The second-pass evaluator: the discrete-event simulator (core/evaluate/simulated.ts) when this
 * build has it, else null (the closed-form first pass is then final). Loaded lazily so the search
 * and the UI's first paint do not pay for the simulator's code until a search asks for it.
 */
import type { Evaluator } from './types.ts';

/**
 * Requests simulated per plan in the second pass: enough for stable p99s (≥ 1,000 samples) while a
 * search over large workloads stays interactive. Evaluating one plan alone simulates the full workload.
 */
export const SEARCH_SIM_MAX_REQUESTS = 2000;

let loading: Promise<Evaluator | null> | null = null;

export function loadSimulator(): Promise<Evaluator | null> {
  loading ??= import('../evaluate/simulated.ts').then(
    (m): Evaluator =>
      (s) =>
        m.evaluateSimulated(s, { maxRequests: SEARCH_SIM_MAX_REQUESTS }),
    () => null,
  );
  return loading;
}
