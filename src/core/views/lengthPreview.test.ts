import { describe, expect, it } from 'vitest';
import { distMean } from '../evaluate/workload-view.ts';
import { lengthDistSchema } from '../workload/schema.ts';
import { distUpper, makeDist, sampleLengths } from './lengthPreview.ts';

describe('length distributions for the editor', () => {
  it('builds valid distributions whose mean is the one asked for', () => {
    for (const mode of ['fixed', 'lognormal', 'uniform', 'normal'] as const) {
      const d = makeDist(mode, { mean: 1000, cv: 0.8, min: 10, max: 1990 });
      expect(lengthDistSchema.safeParse(d).success, mode).toBe(true);
      // The shape has the asked mean; distMean is the exact mean of what is sampled, clamped to
      // [min, max], which pulls a right-skewed lognormal below it (917 here).
      const shape = d.kind === 'lognormal' ? { ...d, min: undefined, max: undefined } : d;
      expect(distMean(shape), mode).toBeCloseTo(1000, -1);
    }
    expect(distMean(makeDist('lognormal', { mean: 1000, cv: 0.8, min: 10, max: 1990 }))).toBeCloseTo(917.16, 1);
  });

  it('samples reproducibly within the bounds', () => {
    const d = makeDist('lognormal', { mean: 500, cv: 1.5, min: 1, max: 4000 });
    const a = sampleLengths(d, 500, 3);
    expect(a).toEqual(sampleLengths(d, 500, 3));
    expect(Math.max(...a)).toBeLessThanOrEqual(4000);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(1);
  });

  it('knows the largest length a distribution produces', () => {
    expect(distUpper({ kind: 'fixed', tokens: 7 })).toBe(7);
    expect(distUpper({ kind: 'lognormal', median: 100, sigma: 1 })).toBeNull();
    expect(distUpper({ kind: 'empirical', values: [3, 90, 12] })).toBe(90);
  });
});
