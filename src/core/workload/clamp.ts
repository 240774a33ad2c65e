/**
 * Clamp, then compute: a length distribution is limited to the model's context window and the
 * schema's MAX_TOKENS before any mean, percentile or sample is taken.
 *
 * The sampler (generate.ts) rounds a raw draw and CLAMPS it to [lo, hi] (mass beyond a bound piles
 * up at the bound; it is not resampled), so the mean the estimator needs is the mean of that
 * censored variable, E[min(max(X, lo), hi)], computed exactly here from Φ (no sampling):
 *   E = lo·P(X ≤ lo) + E[X; lo < X < hi] + hi·P(X ≥ hi),
 * with the partial expectations
 *   normal N(m, s²):        E[X; a < X < b] = m·(Φ(β) − Φ(α)) − s·(φ(β) − φ(α)),  α = (a−m)/s, β = (b−m)/s
 *   lognormal ln X ~ N(μ, σ²): E[X; a < X < b] = e^(μ+σ²/2)·(Φ(β−σ) − Φ(α−σ)),   α = (ln a−μ)/σ, β = (ln b−μ)/σ
 * (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, 2nd ed. 1994: §13.10
 * truncated normal moments, §14.3 lognormal incomplete moments). Integer rounding of samples is
 * ignored (it moves the mean by < 0.5 token).
 */
import { MAX_TOKENS } from './types.ts';
import type { LengthDist } from './types.ts';

/**
 * erfc(x) with fractional error < 1.2·10⁻⁷ everywhere, so tail probabilities keep their relative
 * precision (Numerical Recipes in C, 2nd ed., §6.2, `erfcc`: Chebyshev fit).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2 (relative precision in the lower tail). */
export function normCdf(x: number): number {
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Φ(b) − Φ(a) for a ≤ b, taken from the upper tail when both are above 0 (no cancellation near 1). */
function normMass(a: number, b: number): number {
  if (a > 0) return normCdf(-a) - normCdf(-b);
  return normCdf(b) - normCdf(a);
}

/** Standard normal density φ(x) (0 at ±∞). */
function normPdf(x: number): number {
  return Number.isFinite(x) ? Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) : 0;
}

/** z with Φ(z) = 0.999: the quantile that stands for the "longest request" of an unbounded tail. */
export const Z_P999 = 3.090232306167813;

/** The [lo, hi] token range the sampler clamps `d` to, with hi further limited to `limitTokens`. */
export function clampRange(d: LengthDist, limitTokens = MAX_TOKENS): { lo: number; hi: number } {
  const cap = Math.max(1, Math.min(MAX_TOKENS, Math.floor(limitTokens)));
  const bounded = d.kind === 'normal' || d.kind === 'lognormal';
  const lo = Math.min(cap, Math.max(1, bounded ? (d.min ?? 1) : 1));
  const hi = Math.max(lo, Math.min(cap, bounded ? (d.max ?? MAX_TOKENS) : MAX_TOKENS));
  return { lo, hi };
}

/**
 * `d` limited to `limitTokens`: every sample of the result is in [1, min(limitTokens, MAX_TOKENS)].
 * Normal and lognormal keep their shape and get (or lower) `max`; fixed, uniform and empirical
 * values beyond the limit become the limit. Returns `d` itself when nothing changes.
 */
export function limitDist(d: LengthDist, limitTokens: number): LengthDist {
  const cap = Math.max(1, Math.min(MAX_TOKENS, Math.floor(limitTokens)));
  switch (d.kind) {
    case 'fixed':
      return d.tokens > cap ? { kind: 'fixed', tokens: cap } : d;
    case 'uniform':
      return d.max > cap ? { kind: 'uniform', min: Math.min(d.min, cap), max: cap } : d;
    case 'normal':
    case 'lognormal': {
      if ((d.max ?? MAX_TOKENS) <= cap) return d;
      const min = d.min !== undefined ? Math.min(d.min, cap) : undefined;
      return { ...d, max: cap, ...(min !== undefined ? { min } : {}) };
    }
    case 'empirical':
      return d.values.some((v) => v > cap) ? { kind: 'empirical', values: d.values.map((v) => Math.min(v, cap)) } : d;
  }
}

/** P(raw sample > limitTokens): the share of `d`'s mass that `limitDist` moves to the limit. */
export function massBeyond(d: LengthDist, limitTokens: number): number {
  const L = limitTokens;
  switch (d.kind) {
    case 'fixed':
      return Math.round(d.tokens) > L ? 1 : 0;
    case 'uniform': {
      const n = d.max - d.min + 1;
      return Math.min(1, Math.max(0, (d.max - Math.max(Math.floor(L), d.min - 1)) / n));
    }
    case 'normal':
      if (d.std === 0) return d.mean > L ? 1 : 0;
      return normCdf(-(L - d.mean) / d.std);
    case 'lognormal':
      if (d.sigma === 0) return d.median > L ? 1 : 0;
      return normCdf(-(Math.log(L) - Math.log(d.median)) / d.sigma);
    case 'empirical': {
      let beyond = 0;
      for (const v of d.values) if (v > L) beyond++;
      return beyond / Math.max(1, d.values.length);
    }
  }
}

/** Exact mean of the sampler's output for `d` (clamped to its bounds and MAX_TOKENS; see the header). */
export function clampedMean(d: LengthDist): number {
  const { lo, hi } = clampRange(d);
  const clip = (x: number) => Math.min(hi, Math.max(lo, x));
  switch (d.kind) {
    case 'fixed':
      return clip(d.tokens);
    case 'uniform':
      return (Math.min(hi, d.min) + Math.min(hi, d.max)) / 2;
    case 'empirical': {
      let s = 0;
      for (const v of d.values) s += clip(v);
      return s / Math.max(1, d.values.length);
    }
    case 'normal': {
      if (d.std === 0) return clip(d.mean);
      const a = (lo - d.mean) / d.std;
      const b = (hi - d.mean) / d.std;
      const inside = d.mean * normMass(a, b) - d.std * (normPdf(b) - normPdf(a));
      return lo * normCdf(a) + inside + hi * normCdf(-b);
    }
    case 'lognormal': {
      if (d.sigma === 0) return clip(d.median);
      const mu = Math.log(d.median);
      const s = d.sigma;
      const a = (Math.log(lo) - mu) / s;
      const b = (Math.log(hi) - mu) / s;
      const inside = Math.exp(mu + (s * s) / 2) * normMass(a - s, b - s);
      return lo * normCdf(a) + inside + hi * normCdf(-b);
    }
  }
}

/**
 * The longest length the planner sizes a plan for: the largest value for bounded distributions
 * (fixed, uniform, empirical), the 99.9th percentile for normal and lognormal tails (a plan is not
 * refused for one request in a thousand), clamped like the sampler.
 */
export function longestLength(d: LengthDist): number {
  const { lo, hi } = clampRange(d);
  const clip = (x: number) => Math.min(hi, Math.max(lo, Math.round(x)));
  switch (d.kind) {
    case 'fixed':
      return clip(d.tokens);
    case 'uniform':
      return clip(d.max);
    case 'empirical':
      return clip(d.values.reduce((m, v) => Math.max(m, v), 1));
    case 'normal':
      return clip(d.mean + Z_P999 * d.std);
    case 'lognormal':
      return clip(d.median * Math.exp(Z_P999 * d.sigma));
  }
}

/** Mass beyond the limit below which truncation is not worth a warning (0.01 %). */
const WARN_MASS = 1e-4;

const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');

/** Percent with at least one significant digit for small shares ("0.02 %"), none above 10 %. */
function fmtPct(f: number): string {
  const p = 100 * f;
  if (p >= 10) return `${Math.round(p)} %`;
  if (p >= 1) return `${p.toFixed(1)} %`;
  return `${p.toPrecision(1)} %`;
}

export interface ClampedLengths {
  /** The distribution limited to `limitTokens` (the same object when nothing changed). */
  dist: LengthDist;
  /** Share of the mass that lay beyond the limit. */
  massBeyond: number;
  /** e.g. "lognormal input truncated at 131,072 tokens (Llama-3.1-8B's context window): 38 % of its mass lay beyond"; null when nothing lay beyond. */
  warning: string | null;
}

/**
 * Limit `d` (workload.input or workload.output) to `limitTokens` (the model's context window, at
 * most MAX_TOKENS) and say so when any mass lay beyond; `why` names the limit for the warning.
 */
export function clampLengths(
  d: LengthDist,
  role: 'input' | 'output',
  limitTokens: number,
  why: string,
): ClampedLengths {
  const cap = Math.max(1, Math.min(MAX_TOKENS, Math.floor(limitTokens)));
  const beyond = massBeyond(d, cap);
  const dist = limitDist(d, cap);
  const warning =
    beyond >= WARN_MASS && dist !== d
      ? `${d.kind} ${role} truncated at ${fmtInt(cap)} tokens (${why}): ${fmtPct(beyond)} of its mass lay beyond`
      : null;
  return { dist, massBeyond: beyond, warning };
}

/** The length fields of a workload (scenario.workload). */
export interface WorkloadLengthFields {
  inputTokens: number;
  outputTokens: number;
  input?: LengthDist;
  output?: LengthDist;
}

export interface WorkloadLengths {
  /** workload.input / workload.output limited to the context window (absent when the workload has none). */
  input?: LengthDist;
  output?: LengthDist;
  /** Exact means of the limited distributions (the fixed counts without one). */
  meanInputTokens: number;
  meanOutputTokens: number;
  /** Longest request (input + output, see longestLength) a plan must hold one of. */
  longestTokens: number;
  /** One line per truncated distribution. */
  warnings: string[];
}

/**
 * Clamp, then compute, for a whole workload: its length distributions limited to `contextTokens`
 * (the model's context window; `modelName` names it in warnings), their exact means and the longest
 * request. The fixed counts (inputTokens / outputTokens) are kept as given: a plan is judged on
 * them, and evaluate warns when they exceed the context window.
 */
export function workloadLengths(w: WorkloadLengthFields, contextTokens: number, modelName: string): WorkloadLengths {
  const why = `${modelName}'s context window`;
  const warnings: string[] = [];
  const one = (d: LengthDist | undefined, role: 'input' | 'output', fixed: number) => {
    if (d === undefined) return { dist: undefined, mean: fixed, longest: fixed };
    const c = clampLengths(d, role, contextTokens, why);
    if (c.warning !== null) warnings.push(c.warning);
    return { dist: c.dist, mean: clampedMean(c.dist), longest: longestLength(c.dist) };
  };
  const i = one(w.input, 'input', w.inputTokens);
  const o = one(w.output, 'output', w.outputTokens);
  return {
    ...(i.dist ? { input: i.dist } : {}),
    ...(o.dist ? { output: o.dist } : {}),
    meanInputTokens: i.mean,
    meanOutputTokens: o.mean,
    longestTokens: i.longest + o.longest,
    warnings,
  };
}
