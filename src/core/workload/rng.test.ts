import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRng, detExp, detLog, hashSeed, xoshiro128ss } from './rng.ts';

function meanVar(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe('xoshiro128**', () => {
  it('matches the reference outputs for state [1, 2, 3, 4]', () => {
    // Reference C implementation (prng.di.unimi.it/xoshiro128starstar.c), first 8 outputs.
    const next = xoshiro128ss(new Uint32Array([1, 2, 3, 4]));
    const got = Array.from({ length: 8 }, next);
    expect(got).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });
});

describe('createRng', () => {
  it('same seed → same sequence; different seed or stream → different sequence', () => {
    const seq = (seed: number, stream = 0) => {
      const r = createRng(seed, stream);
      return [r.next(), r.normal(), r.exponential(2), r.gamma(0.3, 1), r.gamma(3, 2), r.lognormal(1, 0.5), r.int(1, 6)];
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq(42)).not.toEqual(seq(42, 1));
    expect(seq(0)).toEqual(seq(-0));
    expect(seq(1.5)).not.toEqual(seq(1));
    expect(seq(2 ** 40)).not.toEqual(seq(2 ** 40 + 1));
  });

  it('is pinned: these exact values must not change (share links and saved results depend on them)', () => {
    const r = createRng(12345);
    const u = Array.from({ length: 3 }, () => r.nextUint32());
    const x = r.next();
    const g = r.gamma(0.5, 2);
    // Computed once with this implementation; only IEEE + - * / and sqrt are involved, so every
    // engine must reproduce them bit for bit.
    expect({ u, x, g }).toMatchInlineSnapshot(`
      {
        "g": 0.18224013294815494,
        "u": [
          57369055,
          3110847884,
          991345905,
        ],
        "x": 0.9101254135077375,
      }
    `);
  });

  it('rejects non-finite seeds', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(Infinity)).toThrow(/seed must be a finite number/);
  });

  it('next() stays in [0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (seed) => {
        const r = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const v = r.next();
          if (!(v >= 0 && v < 1)) return false;
        }
        return true;
      }),
    );
  });

  it('hashSeed spreads small integer seeds', () => {
    const hs = new Set(Array.from({ length: 10_000 }, (_, i) => hashSeed(i)));
    expect(hs.size).toBe(10_000);
  });

  it('normal() has mean 0 and variance 1', () => {
    const r = createRng(7);
    const { mean, variance } = meanVar(Array.from({ length: 50_000 }, () => r.normal()));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('exponential(rate) has mean 1/rate', () => {
    const r = createRng(8);
    const { mean } = meanVar(Array.from({ length: 50_000 }, () => r.exponential(4)));
    expect(mean).toBeGreaterThan(0.25 * 0.97);
    expect(mean).toBeLessThan(0.25 * 1.03);
  });

  it.each([0.05, 0.5, 1, 2.5, 16])('gamma(shape=%s, scale=3) has mean k·θ and variance k·θ²', (shape) => {
    const r = createRng(9);
    const xs = Array.from({ length: 60_000 }, () => r.gamma(shape, 3));
    expect(xs.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    const { mean, variance } = meanVar(xs);
    expect(mean / (shape * 3)).toBeGreaterThan(0.95);
    expect(mean / (shape * 3)).toBeLessThan(1.05);
    const cv = Math.sqrt(variance) / mean;
    expect(cv * Math.sqrt(shape)).toBeGreaterThan(0.9);
    expect(cv * Math.sqrt(shape)).toBeLessThan(1.1);
  });

  it('lognormal(mu, sigma) has median e^mu', () => {
    const r = createRng(10);
    const xs = Array.from({ length: 20_001 }, () => r.lognormal(Math.log(500), 0.8)).sort((a, b) => a - b);
    expect(xs[10_000]! / 500).toBeGreaterThan(0.97);
    expect(xs[10_000]! / 500).toBeLessThan(1.03);
  });

  it('int(min, max) covers both ends and nothing else', () => {
    const r = createRng(11);
    const seen = new Set(Array.from({ length: 2000 }, () => r.int(3, 7)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('detLog / detExp', () => {
  it('agree with Math.log / Math.exp to a few ulp', () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true }), (x) => {
        const a = detLog(x);
        const b = Math.log(x);
        return Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(1, Math.abs(b));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -745, max: 709, noNaN: true }), (x) => {
        const a = detExp(x);
        const b = Math.exp(x);
        if (b < 1e-300) return Math.abs(a - b) <= 1e-300;
        return Math.abs(a - b) <= 4 * Number.EPSILON * b;
      }),
      { numRuns: 5000 },
    );
  });

  it('handles the edges', () => {
    expect(detLog(0)).toBe(-Infinity);
    expect(detLog(1)).toBe(0);
    expect(detLog(-1)).toBeNaN();
    expect(detLog(Infinity)).toBe(Infinity);
    expect(detLog(5e-324)).toBeCloseTo(Math.log(5e-324), 10);
    expect(detExp(0)).toBe(1);
    expect(detExp(800)).toBe(Infinity);
    expect(detExp(-800)).toBe(0);
    expect(Math.abs(detExp(-740) - Math.exp(-740))).toBeLessThanOrEqual(1e-323); // subnormal result
  });
});
