/**
 * Trace statistics (the numbers FORMATS.md quotes per trace) and trace → empirical length
 * distributions.
 */
import { MAX_EMPIRICAL_VALUES } from './schema.ts';
import { MAX_TOKENS } from './types.ts';
import type { LengthDist, RequestSpec } from './types.ts';

export interface LengthStats {
  mean: number;
  /** Nearest-rank percentiles: the smallest value with at least p% of the samples ≤ it. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface TraceSummary {
  requests: number;
  /** Last arrival − first arrival, seconds. */
  durationS: number;
  /** requests / durationS; null when durationS = 0 (offline or a single request). */
  ratePerSec: number | null;
  input: LengthStats;
  output: LengthStats;
  /**
   * Share of all hash-block occurrences whose id already appeared in an EARLIER request (in array
   * order, which is arrival order): the prefix-cache hit ratio with an infinite cache. Null when no
   * request carries hashIds.
   */
  prefixReuseFraction: number | null;
}

function nearestRank(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const idx = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[idx] ?? 0;
}

export function lengthStats(values: ArrayLike<number>): LengthStats {
  const n = values.length;
  if (n === 0) return { mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] ?? 0;
  return {
    mean: sum / n,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    max: sorted[n - 1] ?? 0,
  };
}

export function summarizeTrace(reqs: readonly RequestSpec[]): TraceSummary {
  const n = reqs.length;
  let tMin = Infinity;
  let tMax = -Infinity;
  const inp = new Float64Array(n);
  const out = new Float64Array(n);
  let occurrences = 0;
  let reused = 0;
  let anyHashes = false;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const r = reqs[i]!;
    if (r.arrivalS < tMin) tMin = r.arrivalS;
    if (r.arrivalS > tMax) tMax = r.arrivalS;
    inp[i] = r.inputTokens;
    out[i] = r.outputTokens;
    if (r.hashIds !== undefined) {
      anyHashes = true;
      for (const h of r.hashIds) {
        occurrences++;
        if (seen.has(h)) reused++;
      }
      for (const h of r.hashIds) seen.add(h);
    }
  }
  const durationS = n > 1 ? tMax - tMin : 0;
  return {
    requests: n,
    durationS,
    ratePerSec: durationS > 0 ? n / durationS : null,
    input: lengthStats(inp),
    output: lengthStats(out),
    prefixReuseFraction: anyHashes ? (occurrences > 0 ? reused / occurrences : 0) : null,
  };
}

/** Sorted token counts clamped to [1, MAX_TOKENS]; more than `cap` values → `cap` evenly spaced quantiles. */
function empiricalValues(values: Float64Array, cap: number): number[] {
  const sorted = values.map((v) => Math.min(MAX_TOKENS, Math.max(1, Math.round(v)))).sort();
  const n = sorted.length;
  if (n <= cap) return Array.from(sorted);
  const out = new Array<number>(cap);
  for (let i = 0; i < cap; i++) out[i] = sorted[Math.floor(((i + 0.5) * n) / cap)] ?? 1;
  return out;
}

/**
 * Empirical input/output length distributions of a trace (bootstrap resampling in the generator).
 * Values are sorted; traces with more than MAX_EMPIRICAL_VALUES requests are reduced to that many
 * evenly spaced quantiles, so the result always passes `lengthDistSchema`. Input and output are
 * sampled independently (their correlation is not kept). Throws RangeError on an empty list.
 */
export function empiricalFrom(
  reqs: readonly RequestSpec[],
  cap = MAX_EMPIRICAL_VALUES,
): { input: LengthDist; output: LengthDist } {
  if (reqs.length === 0) throw new RangeError('empiricalFrom needs at least one request');
  const k = Math.max(1, Math.min(MAX_EMPIRICAL_VALUES, Math.floor(cap)));
  const inp = Float64Array.from(reqs, (r) => r.inputTokens);
  const out = Float64Array.from(reqs, (r) => r.outputTokens);
  return {
    input: { kind: 'empirical', values: empiricalValues(inp, k) },
    output: { kind: 'empirical', values: empiricalValues(out, k) },
  };
}
