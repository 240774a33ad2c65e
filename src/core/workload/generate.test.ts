import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import type { z } from 'zod';
import { generateRequests, lognormalFromMeanCv, MAX_GENERATED_REQUESTS } from './generate.ts';
import { arrivalSchema, formatZodError, lengthDistSchema } from './schema.ts';
import { MAX_TOKENS } from './types.ts';
import type { Arrival, LengthDist, RequestSpec } from './types.ts';

const gaps = (reqs: RequestSpec[]): number[] => reqs.slice(1).map((r, i) => r.arrivalS - reqs[i]!.arrivalS);

function meanCv(xs: number[]): { mean: number; cv: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

const base = {
  input: { kind: 'uniform', min: 10, max: 1000 } as LengthDist,
  output: { kind: 'lognormal', median: 200, sigma: 0.7, max: 2000 } as LengthDist,
};

describe('generateRequests', () => {
  it('is deterministic: same seed → identical requests; another seed → different ones', () => {
    const opts = { ...base, count: 500, arrival: { kind: 'gamma', ratePerSec: 3, cv: 2 } as Arrival, seed: 2024 };
    expect(generateRequests(opts)).toEqual(generateRequests(opts));
    expect(generateRequests({ ...opts, seed: 2025 })).not.toEqual(generateRequests(opts));
  });

  it('lengths do not depend on the arrival process (independent sub-streams)', () => {
    const a = generateRequests({ ...base, count: 200, arrival: { kind: 'poisson', ratePerSec: 5 }, seed: 1 });
    const b = generateRequests({ ...base, count: 200, arrival: { kind: 'offline' }, seed: 1 });
    expect(a.map((r) => [r.inputTokens, r.outputTokens])).toEqual(b.map((r) => [r.inputTokens, r.outputTokens]));
  });

  it('ids are 0..n-1 and arrivals are non-decreasing from 0', () => {
    const reqs = generateRequests({ ...base, count: 1000, arrival: { kind: 'gamma', ratePerSec: 10, cv: 5 }, seed: 3 });
    expect(reqs.map((r) => r.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(reqs[0]!.arrivalS).toBe(0);
    expect(gaps(reqs).every((g) => g >= 0)).toBe(true);
  });

  it('Poisson: mean inter-arrival ≈ 1/rate and cv ≈ 1 over 20k requests', () => {
    for (const rate of [0.5, 7, 2000]) {
      const reqs = generateRequests({
        ...base,
        count: 20_001,
        arrival: { kind: 'poisson', ratePerSec: rate },
        seed: 77,
      });
      const { mean, cv } = meanCv(gaps(reqs));
      expect(Math.abs(mean * rate - 1)).toBeLessThan(0.03); // σ of the mean is 0.7% here
      expect(Math.abs(cv - 1)).toBeLessThan(0.03);
    }
  });

  it.each([0.25, 0.5, 1, 2, 4])('gamma arrivals: mean gap ≈ 1/rate and cv ≈ %s', (cv) => {
    const rate = 4;
    const reqs = generateRequests({
      ...base,
      count: 50_001,
      arrival: { kind: 'gamma', ratePerSec: rate, cv },
      seed: 5,
    });
    const got = meanCv(gaps(reqs));
    expect(Math.abs(got.mean * rate - 1)).toBeLessThan(0.05);
    expect(Math.abs(got.cv / cv - 1)).toBeLessThan(0.1);
  });

  it('offline and concurrency put every arrival at 0 (concurrency: placeholder re-timed by the simulator)', () => {
    for (const arrival of [{ kind: 'offline' }, { kind: 'concurrency', users: 8 }] as Arrival[]) {
      const reqs = generateRequests({ ...base, count: 50, arrival, seed: 9 });
      expect(reqs.every((r) => r.arrivalS === 0)).toBe(true);
    }
  });

  it('lengths are integers within [max(1, min), max] for any valid distribution (property)', () => {
    const tok = fc.integer({ min: 1, max: MAX_TOKENS });
    const dist: fc.Arbitrary<LengthDist> = fc.oneof(
      tok.map((tokens) => ({ kind: 'fixed', tokens }) as LengthDist),
      fc.tuple(tok, tok).map(([a, b]) => ({ kind: 'uniform', min: Math.min(a, b), max: Math.max(a, b) }) as LengthDist),
      fc
        .record({
          mean: fc.double({ min: 1, max: MAX_TOKENS, noNaN: true }),
          std: fc.double({ min: 0, max: 1e6, noNaN: true }),
          a: fc.option(tok),
          b: fc.option(tok),
        })
        .map(({ mean, std, a, b }) => {
          const d: LengthDist = { kind: 'normal', mean, std };
          if (a !== null && b !== null) Object.assign(d, { min: Math.min(a, b), max: Math.max(a, b) });
          else if (a !== null) Object.assign(d, { min: a });
          return d;
        }),
      fc
        .record({
          median: fc.double({ min: 1, max: MAX_TOKENS, noNaN: true }),
          sigma: fc.double({ min: 0, max: 5, noNaN: true }),
          a: tok,
          b: tok,
        })
        .map(
          ({ median, sigma, a, b }) =>
            ({ kind: 'lognormal', median, sigma, min: Math.min(a, b), max: Math.max(a, b) }) as LengthDist,
        ),
      fc.array(tok, { minLength: 1, maxLength: 30 }).map((values) => ({ kind: 'empirical', values }) as LengthDist),
    );
    fc.assert(
      fc.property(dist, fc.integer(), (d, seed) => {
        expect(lengthDistSchema.safeParse(d).success).toBe(true);
        const reqs = generateRequests({ count: 40, input: d, output: d, arrival: { kind: 'offline' }, seed });
        const lo = 'min' in d && d.min !== undefined ? d.min : d.kind === 'fixed' ? d.tokens : 1;
        const hi = 'max' in d && d.max !== undefined ? d.max : d.kind === 'fixed' ? d.tokens : MAX_TOKENS;
        for (const r of reqs) {
          for (const v of [r.inputTokens, r.outputTokens]) {
            expect(Number.isInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(Math.max(1, lo));
            expect(v).toBeLessThanOrEqual(hi);
            if (d.kind === 'empirical') expect(d.values).toContain(v);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('normal lengths clamp to min/max and keep the mean when far from the bounds', () => {
    const reqs = generateRequests({
      count: 20_000,
      input: { kind: 'normal', mean: 1000, std: 100 },
      output: { kind: 'normal', mean: 50, std: 200, min: 20, max: 100 },
      arrival: { kind: 'offline' },
      seed: 4,
    });
    const m = meanCv(reqs.map((r) => r.inputTokens));
    expect(Math.abs(m.mean - 1000)).toBeLessThan(5);
    expect(Math.abs(m.cv - 0.1)).toBeLessThan(0.005);
    const outs = reqs.map((r) => r.outputTokens);
    expect(Math.min(...outs)).toBe(20);
    expect(Math.max(...outs)).toBe(100);
  });

  it('uniform covers both inclusive ends', () => {
    const reqs = generateRequests({
      count: 3000,
      input: { kind: 'uniform', min: 5, max: 9 },
      output: { kind: 'fixed', tokens: 1 },
      arrival: { kind: 'offline' },
      seed: 1,
    });
    expect(new Set(reqs.map((r) => r.inputTokens))).toEqual(new Set([5, 6, 7, 8, 9]));
  });

  it('lognormal is parameterised by its median; lognormalFromMeanCv hits mean and cv', () => {
    const reqs = generateRequests({
      count: 40_001,
      input: { kind: 'lognormal', median: 800, sigma: 1 },
      output: lognormalFromMeanCv(300, 0.8),
      arrival: { kind: 'offline' },
      seed: 6,
    });
    const ins = reqs.map((r) => r.inputTokens).sort((a, b) => a - b);
    expect(Math.abs(ins[20_000]! / 800 - 1)).toBeLessThan(0.03);
    const out = meanCv(reqs.map((r) => r.outputTokens));
    expect(Math.abs(out.mean / 300 - 1)).toBeLessThan(0.03);
    expect(Math.abs(out.cv / 0.8 - 1)).toBeLessThan(0.06);
  });

  it('count 0 gives no requests; invalid options throw RangeError naming the field', () => {
    expect(generateRequests({ ...base, count: 0, arrival: { kind: 'offline' }, seed: 1 })).toEqual([]);
    const bad = (o: object) => () =>
      generateRequests({ ...base, count: 10, arrival: { kind: 'offline' }, seed: 1, ...o });
    expect(bad({ count: -1 })).toThrow(/count must be an integer in \[0, 1000000\]/);
    expect(bad({ count: MAX_GENERATED_REQUESTS + 1 })).toThrow(RangeError);
    expect(bad({ count: 1.5 })).toThrow(RangeError);
    expect(bad({ seed: Number.NaN })).toThrow(/seed must be a finite number/);
    expect(bad({ input: { kind: 'uniform', min: 10, max: 5 } })).toThrow(
      /input: max: uniform.min must be ≤ uniform.max/,
    );
    expect(bad({ output: { kind: 'empirical', values: [] } })).toThrow(
      /output: values: empirical.values must have between 1 and 200000 entries/,
    );
    expect(bad({ arrival: { kind: 'poisson', ratePerSec: 1e6 } })).toThrow(
      /arrival: ratePerSec: poisson.ratePerSec must be a number in \(0, 100000\]/,
    );
  });
});

describe('schemas', () => {
  it('infer exactly the hand-written types', () => {
    expectTypeOf<z.infer<typeof lengthDistSchema>>().toEqualTypeOf<LengthDist>();
    expectTypeOf<z.infer<typeof arrivalSchema>>().toEqualTypeOf<Arrival>();
  });

  it.each([
    [{ kind: 'fixed', tokens: 0 }, 'tokens: fixed.tokens must be an integer in [1, 2097152]'],
    [{ kind: 'fixed', tokens: 2 ** 21 + 1 }, 'tokens: fixed.tokens must be an integer in [1, 2097152]'],
    [{ kind: 'uniform', min: 1, max: 0.5 }, 'max: uniform.max must be an integer in [1, 2097152]'],
    [{ kind: 'normal', mean: 100, std: -1 }, 'std: normal.std must be a number in [0, 2097152]'],
    [{ kind: 'lognormal', median: 100, sigma: 9 }, 'sigma: lognormal.sigma must be a number in [0, 5]'],
    [{ kind: 'lognormal', median: 100, sigma: 1, min: 50, max: 10 }, 'max: lognormal.min must be ≤ lognormal.max'],
    [{ kind: 'empirical', values: [1, 2, 1.5] }, 'values.2: empirical.values[i] must be an integer in [1, 2097152]'],
    [
      { kind: 'zipf' },
      "kind: length distribution kind must be one of 'fixed', 'uniform', 'normal', 'lognormal', 'empirical'",
    ],
  ])('lengthDistSchema rejects %j with a message naming field and range', (v, msg) => {
    const r = lengthDistSchema.safeParse(v);
    expect(r.success).toBe(false);
    if (!r.success) expect(formatZodError(r.error)).toBe(msg);
  });

  it('lengthDistSchema caps empirical values at 200000 entries', () => {
    expect(lengthDistSchema.safeParse({ kind: 'empirical', values: new Array(200_000).fill(5) }).success).toBe(true);
    expect(lengthDistSchema.safeParse({ kind: 'empirical', values: new Array(200_001).fill(5) }).success).toBe(false);
  });

  it.each([
    [{ kind: 'poisson', ratePerSec: 0 }, 'ratePerSec: poisson.ratePerSec must be a number in (0, 100000]'],
    [{ kind: 'gamma', ratePerSec: 1, cv: 0 }, 'cv: gamma.cv must be a number in (0, 20]'],
    [{ kind: 'gamma', ratePerSec: 1, cv: 20.5 }, 'cv: gamma.cv must be a number in (0, 20]'],
    [{ kind: 'concurrency', users: 100_001 }, 'users: concurrency.users must be an integer in [1, 100000]'],
    [{ kind: 'concurrency', users: 2.5 }, 'users: concurrency.users must be an integer in [1, 100000]'],
    [{ kind: 'poisson', ratePerSec: Infinity }, 'ratePerSec: poisson.ratePerSec must be a number in (0, 100000]'],
    [{ kind: 'closed' }, "kind: arrival kind must be one of 'offline', 'poisson', 'gamma', 'concurrency'"],
  ])('arrivalSchema rejects %j with a message naming field and range', (v, msg) => {
    const r = arrivalSchema.safeParse(v);
    expect(r.success).toBe(false);
    if (!r.success) expect(formatZodError(r.error)).toBe(msg);
  });

  it('accepts the documented extremes', () => {
    for (const v of [
      { kind: 'poisson', ratePerSec: 1e5 },
      { kind: 'gamma', ratePerSec: 1e-6, cv: 20 },
      { kind: 'concurrency', users: 100_000 },
      { kind: 'offline' },
    ]) {
      expect(arrivalSchema.safeParse(v).success).toBe(true);
    }
  });
});

describe('gamma arrivals at the extreme cv', () => {
  it('cv = 20 still gives finite, ordered arrivals with mean gap ≈ 1/rate order of magnitude', () => {
    const reqs = generateRequests({
      ...base,
      count: 20_001,
      arrival: { kind: 'gamma', ratePerSec: 2, cv: 20 },
      seed: 12,
    });
    const g = gaps(reqs);
    expect(g.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    // shape 1/400: almost every gap is ~0 and a few are huge, so only the order of magnitude is stable.
    const { mean } = meanCv(g);
    expect(mean * 2).toBeGreaterThan(0.3);
    expect(mean * 2).toBeLessThan(3);
  });
});
