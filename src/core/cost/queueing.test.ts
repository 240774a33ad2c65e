import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { dampedFixedPoint, kingmanWaitS } from './queueing.ts';

describe('queueing', () => {
  it('Kingman with Poisson arrivals and deterministic service is the M/D/1 wait ρ/(2(1−ρ))·S', () => {
    // M/D/1 (Pollaczek–Khinchine): W = ρ S / (2 (1 − ρ)); at ρ = 0.5, S = 10 ms → 5 ms.
    expect(kingmanWaitS(1, 0, 0.5, 0.01)).toBeCloseTo(0.005, 12);
    expect(kingmanWaitS(1, 1, 0.5, 0.01)).toBeCloseTo(0.01, 12); // M/M/1: ρ S / (1 − ρ)
    expect(Number.isFinite(kingmanWaitS(1, 0, 5, 0.01))).toBe(true); // capped below 1, never Infinity
  });

  fcTest.prop([fc.double({ min: 0.1, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true })])(
    'the damped fixed point solves c = a + b·c (slope ≤ 0.5, as step time vs batch) within the tolerance',
    (a, b) => {
      const c = dampedFixedPoint((x) => a + b * x, 1);
      expect(Math.abs(c - a / (1 - b))).toBeLessThanOrEqual(0.02 * Math.max(a / (1 - b), 1));
    },
  );

  it('always stops, even when g has no fixed point', () => {
    let calls = 0;
    dampedFixedPoint((x) => {
      calls++;
      return x + 10;
    }, 0);
    expect(calls).toBe(40);
  });
});
