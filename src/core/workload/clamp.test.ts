import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { clampedMean, clampLengths, limitDist, longestLength, massBeyond, normCdf, workloadLengths } from './clamp.ts';
import { generateRequests } from './generate.ts';
import { MAX_TOKENS, type LengthDist } from './types.ts';

/** Mean of `n` draws of the real sampler (generate.ts) for `d`. */
function sampledMean(d: LengthDist, n = 100_000, seed = 7): number {
  const reqs = generateRequests({
    count: n,
    input: d,
    output: { kind: 'fixed', tokens: 1 },
    arrival: { kind: 'offline' },
    seed,
  });
  return reqs.reduce((s, r) => s + r.inputTokens, 0) / n;
}

/** E[clamp(X)] by the midpoint rule over z ∈ [−12, 12] (normal / lognormal), or the exact sum (uniform). */
function quadratureMean(d: LengthDist): number {
  if (d.kind === 'uniform') return (d.min + d.max) / 2;
  if (d.kind !== 'normal' && d.kind !== 'lognormal') throw new Error('unsupported');
  const lo = Math.max(1, d.min ?? 1);
  const hi = Math.min(MAX_TOKENS, d.max ?? MAX_TOKENS);
  const n = 200_000;
  const dz = 24 / n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const z = -12 + (i + 0.5) * dz;
    const x = d.kind === 'normal' ? d.mean + d.std * z : d.median * Math.exp(d.sigma * z);
    s += Math.min(hi, Math.max(lo, x)) * (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * dz;
  }
  return s;
}

describe('normCdf keeps relative precision in the tails', () => {
  it('matches tabulated values', () => {
    expect(normCdf(0)).toBeCloseTo(0.5, 7);
    expect(normCdf(1.959963985)).toBeCloseTo(0.975, 6);
    // Φ(−5) = 2.866515718791939e-7 (Abramowitz & Stegun table 26.1).
    expect(normCdf(-5) / 2.866515718791939e-7).toBeCloseTo(1, 5);
    expect(normCdf(-10) / 7.619853024160527e-24).toBeCloseTo(1, 5);
  });
});

describe('clamp, then compute (issue 16 item 1)', () => {
  const huge: LengthDist = { kind: 'lognormal', median: 2_097_152, sigma: 5 };

  it('the issue case: a 5.6e11-token mean becomes the clamped mean at the context window', () => {
    // Unclamped mean = median · e^(σ²/2) = 2^21 · e^12.5 ≈ 5.6e11 tokens.
    expect(2_097_152 * Math.exp(12.5)).toBeGreaterThan(5.5e11);
    const c = clampLengths(huge, 'input', 131_072, "Llama 3.1 8B's context window");
    // P(X > 2^17) = Φ(ln(2^21 / 2^17) / 5) = Φ(0.5545) = 0.7104.
    expect(c.massBeyond).toBeCloseTo(0.7104, 3);
    expect(c.warning).toBe(
      "lognormal input truncated at 131,072 tokens (Llama 3.1 8B's context window): 71 % of its mass lay beyond",
    );
    const mean = clampedMean(c.dist);
    expect(mean).toBeLessThan(131_072);
    expect(mean).toBeGreaterThan(0.71 * 131_072);
    expect(mean / sampledMean(c.dist)).toBeCloseTo(1, 2);
  });

  it('the exact clamped mean agrees with the sampler for every bounded kind', () => {
    const dists: LengthDist[] = [
      { kind: 'lognormal', median: 2000, sigma: 1.5, min: 64, max: 20_000 },
      { kind: 'lognormal', median: 700, sigma: 0.9 },
      { kind: 'normal', mean: 1000, std: 800, min: 10, max: 2500 },
      { kind: 'normal', mean: 300, std: 400 },
      { kind: 'uniform', min: 10, max: 5000 },
    ];
    for (const d of dists) {
      // Exact against a fine quadrature of the clamped variable; within Monte Carlo noise of the sampler.
      expect(clampedMean(d) / quadratureMean(d), JSON.stringify(d)).toBeCloseTo(1, 6);
      expect(Math.abs(clampedMean(d) / sampledMean(d) - 1), JSON.stringify(d)).toBeLessThan(0.015);
    }
    // A limit cuts uniform and empirical values too.
    const u = limitDist({ kind: 'uniform', min: 100, max: 1000 }, 400);
    expect(u).toEqual({ kind: 'uniform', min: 100, max: 400 });
    expect(massBeyond({ kind: 'uniform', min: 100, max: 1000 }, 400)).toBeCloseTo(600 / 901, 6);
    expect(limitDist({ kind: 'empirical', values: [10, 500, 900] }, 600)).toEqual({
      kind: 'empirical',
      values: [10, 500, 600],
    });
    expect(limitDist({ kind: 'fixed', tokens: 9000 }, 4096)).toEqual({ kind: 'fixed', tokens: 4096 });
  });

  it('no warning when nothing lay beyond, and the same object back', () => {
    const d: LengthDist = { kind: 'lognormal', median: 500, sigma: 0.5, max: 4000 };
    const c = clampLengths(d, 'output', 131_072, 'x');
    expect(c.dist).toBe(d);
    expect(c.warning).toBeNull();
  });

  test.prop([
    fc.double({ min: 1, max: MAX_TOKENS, noNaN: true }),
    fc.double({ min: 0, max: 5, noNaN: true }),
    fc.integer({ min: 1, max: MAX_TOKENS }),
    fc.integer({ min: 1, max: MAX_TOKENS }),
  ])('the clamped lognormal mean lies in [1, limit] and never falls as the limit rises', (median, sigma, l1, l2) => {
    const d: LengthDist = { kind: 'lognormal', median, sigma };
    const [lo, hi] = l1 <= l2 ? [l1, l2] : [l2, l1];
    const a = clampedMean(limitDist(d, lo));
    const b = clampedMean(limitDist(d, hi));
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(a).toBeGreaterThanOrEqual(1 - 1e-9);
    expect(a).toBeLessThanOrEqual(lo * (1 + 1e-9));
    expect(b).toBeGreaterThanOrEqual(a * (1 - 1e-6));
  });

  it('longest request: largest value of bounded kinds, p99.9 of normal and lognormal tails, clamped', () => {
    expect(longestLength({ kind: 'uniform', min: 3, max: 90 })).toBe(90);
    expect(longestLength({ kind: 'empirical', values: [5, 70, 12] })).toBe(70);
    // 1000 · e^(3.0902 · 0.5) = 4,688.5 → 4,689.
    expect(longestLength({ kind: 'lognormal', median: 1000, sigma: 0.5 })).toBe(4689);
    expect(longestLength(limitDist(huge, 131_072))).toBe(131_072);
    const w = workloadLengths({ inputTokens: 1, outputTokens: 64, input: huge }, 131_072, 'M');
    expect(w.longestTokens).toBe(131_072 + 64);
    expect(w.meanOutputTokens).toBe(64);
    expect(w.warnings).toHaveLength(1);
  });
});
