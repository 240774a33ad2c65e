/**
 * The second-pass evaluator: the discrete-event simulator (core/evaluate/simulated.ts) when this
 * build has it, else null (the closed-form first pass is then final). Loaded lazily so the search
 * and the UI's first paint do not pay for the simulator's code until a search asks for it.
 */
import type { Evaluator } from './types.ts';

let loading: Promise<Evaluator | null> | null = null;

export function loadSimulator(): Promise<Evaluator | null> {
  loading ??= import('../evaluate/simulated.ts').then(
    (m): Evaluator => (s) => m.evaluateSimulated(s),
    () => null,
  );
  return loading;
}
