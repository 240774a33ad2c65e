import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareKeys, nonDominated } from './search.ts';
import { isReplicaCount, replicaCounts } from './space.ts';

type K = { s1: number; s2: number; out: number; index: number };

/** The definition: a point stays unless another is at least as good on both scores and better on one. */
function bruteForce(points: readonly K[]): K[] {
  const dom = (a: K, b: K) => a.s1 >= b.s1 && a.s2 >= b.s2 && (a.s1 > b.s1 || a.s2 > b.s2);
  return points.filter((p) => !points.some((q) => dom(q, p))).sort(compareKeys);
}

const score = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(-Infinity));

describe('nonDominated (the Pareto sweep)', () => {
  it('keeps exactly the points no other point dominates, ties and absent (−∞) scores included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ s1: score, s2: score, out: fc.integer({ min: 0, max: 3 }) }), { maxLength: 60 }),
        (raw) => {
          const pts = raw.map((p, index) => ({ ...p, index }));
          expect(nonDominated(pts)).toEqual(bruteForce(pts));
        },
      ),
      { numRuns: 500, seed: 10 },
    );
  });

  it('on a hand-made set: the staircase (3,1) (2,2) (2,2) (1,3) survives, (1,1) (2,1) (0,3) do not', () => {
    const pts = [
      [1, 1],
      [3, 1],
      [2, 2],
      [2, 1],
      [2, 2],
      [1, 3],
      [0, 3],
    ].map(([s1, s2], index) => ({ s1: s1!, s2: s2!, out: 0, index }));
    expect(nonDominated(pts).map((p) => p.index)).toEqual([1, 2, 4, 5]);
  });
});

describe('isReplicaCount', () => {
  it('agrees with the listed replicaCounts for every dp, shape and mode on small clusters', () => {
    for (const mode of ['all', 'max'] as const)
      for (let cluster = 1; cluster <= 24; cluster++)
        for (let gpus = 1; gpus <= 9; gpus++) {
          const listed = replicaCounts(gpus, cluster, mode);
          for (let dp = -1; dp <= 26; dp++) expect(isReplicaCount(dp, gpus, cluster, mode)).toBe(listed.includes(dp));
          expect(isReplicaCount(1.5, gpus, cluster, mode)).toBe(false);
        }
  });
});
