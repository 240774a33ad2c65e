/**
 * Length-distribution helpers for the workload editor: a seeded sample for the histogram preview,
 * the largest length a distribution can produce (for engine limits such as vLLM's
 * --max-model-len), and building a distribution from the editor's few numbers.
 */
import { lengthSampler, lognormalFromMeanCv } from '../workload/generate.ts';
import { createRng } from '../workload/rng.ts';
import type { LengthDist } from '../workload/types.ts';
import { MAX_TOKENS } from '../workload/types.ts';

/** `n` samples from `dist`, reproducible for a given seed (the scenario's workload seed). */
export function sampleLengths(dist: LengthDist, n = 2000, seed = 1): number[] {
  const next = lengthSampler(dist, createRng(seed, 7));
  return Array.from({ length: n }, () => next());
}

/** Upper bound on a sampled length: the clamp, the uniform max, the largest empirical value, or null (unbounded). */
export function distUpper(d: LengthDist): number | null {
  switch (d.kind) {
    case 'fixed':
      return d.tokens;
    case 'uniform':
      return d.max;
    case 'empirical':
      return d.values.reduce((a, b) => Math.max(a, b), 1);
    default:
      return d.max ?? null;
  }
}

export type LengthMode = 'fixed' | 'lognormal' | 'uniform' | 'normal';

/** The editor's parameters → a distribution. Lognormal takes the mean and coefficient of variation; bounds are optional. */
export function makeDist(mode: LengthMode, p: { mean: number; cv: number; min: number; max: number }): LengthDist {
  const mean = Math.max(1, Math.round(p.mean));
  const max = Math.min(MAX_TOKENS, Math.max(1, Math.round(p.max)));
  const min = Math.min(max, Math.max(1, Math.round(p.min)));
  switch (mode) {
    case 'fixed':
      return { kind: 'fixed', tokens: mean };
    case 'uniform':
      return { kind: 'uniform', min, max };
    case 'normal':
      return { kind: 'normal', mean, std: Math.max(0, p.cv * mean), min, max };
    case 'lognormal':
      return lognormalFromMeanCv(mean, Math.max(0.01, p.cv), { min, max });
  }
}
