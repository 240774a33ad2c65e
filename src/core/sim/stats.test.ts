import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsampleSteps, IntDeque, LogHistogram, percentileSorted, statsOf } from './stats.ts';

describe('percentiles', () => {
  it('interpolates linearly between ranks (NumPy "linear")', () => {
    const s = Float64Array.from([1, 2, 3, 4]);
    expect(percentileSorted(s, 0)).toBe(1);
    expect(percentileSorted(s, 50)).toBe(2.5);
    expect(percentileSorted(s, 100)).toBe(4);
    expect(percentileSorted(s, 90)).toBeCloseTo(3.7, 12);
  });
  it('statsOf skips NaN and scales', () => {
    const st = statsOf(Float64Array.from([NaN, 0.001, 0.003, NaN]), 1e3);
    expect(st.mean).toBeCloseTo(2, 12);
    expect(st.p50).toBeCloseTo(2, 12);
    expect(statsOf(new Float64Array(0)).mean).toBeNaN();
  });
  it('statsOf selects the same percentiles a full sort gives, bit for bit', () => {
    // Few distinct values (ties) and sorted or reversed runs are the cases a selection gets wrong.
    const sample = fc.oneof(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 }),
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }), { maxLength: 2000 }),
      fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => i * 0.5)),
      fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => n - i)),
    );
    fc.assert(
      fc.property(sample, (xs) => {
        const sorted = Float64Array.from(xs.filter(Number.isFinite)).sort();
        const st = statsOf(Float64Array.from(xs));
        for (const [p, got] of [
          [50, st.p50],
          [90, st.p90],
          [99, st.p99],
        ] as const) {
          expect(Object.is(got, percentileSorted(sorted, p)) || (got === 0 && percentileSorted(sorted, p) === 0)).toBe(
            true,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('LogHistogram', () => {
  it('keeps the mean exact and percentiles within a bin (0.27 %)', () => {
    const h = new LogHistogram();
    const values: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const v = 0.001 * (1 + ((i * 7919) % 1000) / 100);
      values.push(v);
      h.add(v);
    }
    values.sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(h.stats().mean).toBeCloseTo(mean, 12);
    for (const p of [50, 90, 99]) {
      const exact = percentileSorted(values, p);
      expect(Math.abs(h.percentile(p) / exact - 1)).toBeLessThan(0.004);
    }
  });
  it('addLinear matches adding every value of the run', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const first = 0.0101;
    const last = 0.0119;
    const count = 5000;
    for (let j = 0; j < count; j++) a.add(first + ((last - first) * j) / (count - 1), 3);
    b.addLinear(first, last, count, 3);
    expect(b.weight).toBe(a.weight);
    expect(b.sum).toBeCloseTo(a.sum, 9);
    for (const p of [10, 50, 90, 99]) expect(Math.abs(b.percentile(p) / a.percentile(p) - 1)).toBeLessThan(0.006);
  });
});

describe('IntDeque', () => {
  it('pushes and pops at both ends across growth', () => {
    const d = new IntDeque();
    for (let i = 0; i < 100; i++) d.pushBack(i);
    d.pushFront(-1);
    expect(d.length).toBe(101);
    expect(d.popFront()).toBe(-1);
    for (let i = 0; i < 100; i++) expect(d.popFront()).toBe(i);
    expect(d.popFront()).toBe(-1);
    expect(d.length).toBe(0);
  });
});

describe('downsampleSteps', () => {
  it('returns at most the requested bins with time-weighted means and maxima', () => {
    const n = 10_000;
    const t = Float64Array.from({ length: n }, (_, i) => i);
    const v = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const s = downsampleSteps(t, v, n, 500);
    expect(s.tS.length).toBe(500);
    for (const m of s.mean) expect(m).toBeCloseTo(0.5, 9);
    for (const m of s.max) expect(m).toBe(1);
  });
  it('handles a single point', () => {
    const s = downsampleSteps(Float64Array.from([2]), Float64Array.from([0.3]), 2);
    expect(s.mean).toEqual([0.3]);
  });
});
