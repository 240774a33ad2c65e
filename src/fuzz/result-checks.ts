/**
 * Invariants every engine result obeys (issues 10 and 16), shared by the estimator, simulator and
 * search surfaces: finite numbers, `fits` means at least one sequence fits, a plan that does not fit
 * says why, and every absent metric has a reason.
 */
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import { assertFinite } from './finite.ts';
import { FuzzInvariantError } from './types.ts';

export function checkEvaluation(r: EvaluationResult, what: string): void {
  assertFinite(r, what);
  if (r.memory.fits) {
    if (r.memory.maxConcurrentSeqs < 1)
      throw new FuzzInvariantError(`${what}: fits: true but maxConcurrentSeqs = ${r.memory.maxConcurrentSeqs}`);
  } else if (r.bottleneck.trim().length === 0) {
    throw new FuzzInvariantError(`${what}: fits: false without a reason (empty bottleneck)`);
  }
  for (const [field, reason] of Object.entries(r.metrics.absent ?? {})) {
    if (typeof reason !== 'string' || reason.length === 0)
      throw new FuzzInvariantError(`${what}: metrics.${field} is absent without a reason`);
  }
}
