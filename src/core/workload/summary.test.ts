import { describe, expect, it } from 'vitest';
import { generateRequests } from './generate.ts';
import { lengthDistSchema } from './schema.ts';
import { empiricalFrom, lengthStats, summarizeTrace } from './summary.ts';
import type { RequestSpec } from './types.ts';

const req = (
  id: number,
  arrivalS: number,
  inputTokens: number,
  outputTokens: number,
  hashIds?: number[],
): RequestSpec =>
  hashIds === undefined
    ? { id, arrivalS, inputTokens, outputTokens }
    : { id, arrivalS, inputTokens, outputTokens, hashIds };

describe('lengthStats', () => {
  it('uses nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(lengthStats(xs)).toEqual({ mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(lengthStats([7])).toEqual({ mean: 7, p50: 7, p90: 7, p99: 7, max: 7 });
    expect(lengthStats([])).toEqual({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
    expect(lengthStats([10, 1, 5]).p50).toBe(5);
  });
});

describe('summarizeTrace', () => {
  it('counts, duration, rate and length stats', () => {
    const s = summarizeTrace([req(0, 10, 100, 5), req(1, 12, 300, 15), req(2, 20, 200, 10)]);
    expect(s).toEqual({
      requests: 3,
      durationS: 10,
      ratePerSec: 0.3,
      input: { mean: 200, p50: 200, p90: 300, p99: 300, max: 300 },
      output: { mean: 10, p50: 10, p90: 15, p99: 15, max: 15 },
      prefixReuseFraction: null,
    });
  });

  it('offline, single and empty workloads have no rate', () => {
    expect(summarizeTrace([req(0, 0, 1, 1), req(1, 0, 1, 1)]).ratePerSec).toBeNull();
    expect(summarizeTrace([req(0, 5, 1, 1)])).toMatchObject({ requests: 1, durationS: 0, ratePerSec: null });
    expect(summarizeTrace([])).toMatchObject({
      requests: 0,
      durationS: 0,
      ratePerSec: null,
      prefixReuseFraction: null,
    });
  });

  it('prefix reuse counts block occurrences already seen in an earlier request', () => {
    const s = summarizeTrace([
      req(0, 0, 1024, 1, [0, 1]),
      req(1, 1, 1536, 1, [0, 1, 2]),
      req(2, 2, 1024, 1, [0, 3]),
      req(3, 3, 5, 1),
    ]);
    // occurrences: 2 + 3 + 2 = 7; reused: (0, 1) in req 1 and 0 in req 2 = 3.
    expect(s.prefixReuseFraction).toBeCloseTo(3 / 7, 12);
    // Repeats inside one request are not "earlier".
    expect(summarizeTrace([req(0, 0, 1, 1, [4, 4])]).prefixReuseFraction).toBe(0);
  });
});

describe('empiricalFrom', () => {
  it('returns schema-valid empirical distributions of the trace lengths', () => {
    const reqs = [req(0, 0, 30, 3), req(1, 1, 10, 1), req(2, 2, 20, 2)];
    const { input, output } = empiricalFrom(reqs);
    expect(input).toEqual({ kind: 'empirical', values: [10, 20, 30] });
    expect(output).toEqual({ kind: 'empirical', values: [1, 2, 3] });
    expect(lengthDistSchema.safeParse(input).success).toBe(true);
  });

  it('reduces large traces to evenly spaced quantiles within the schema cap', () => {
    const reqs = Array.from({ length: 1000 }, (_, i) => req(i, i, i + 1, 1000 - i));
    const { input } = empiricalFrom(reqs, 100);
    if (input.kind !== 'empirical') throw new Error('expected empirical');
    expect(input.values).toHaveLength(100);
    expect(input.values[0]).toBe(6);
    expect(input.values[99]).toBe(996);
    expect(lengthDistSchema.safeParse(input).success).toBe(true);
  });

  it('round-trips through the generator: resampled lengths keep the trace mean', () => {
    const trace = generateRequests({
      count: 5000,
      input: { kind: 'lognormal', median: 600, sigma: 0.9 },
      output: { kind: 'uniform', min: 1, max: 400 },
      arrival: { kind: 'offline' },
      seed: 3,
    });
    const { input, output } = empiricalFrom(trace);
    const again = generateRequests({
      count: 20_000,
      input,
      output,
      arrival: { kind: 'poisson', ratePerSec: 2 },
      seed: 4,
    });
    const a = summarizeTrace(trace);
    const b = summarizeTrace(again);
    expect(Math.abs(b.input.mean / a.input.mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(b.output.mean / a.output.mean - 1)).toBeLessThan(0.03);
    expect(b.input.max).toBeLessThanOrEqual(a.input.max);
  });

  it('rejects an empty trace', () => {
    expect(() => empiricalFrom([])).toThrow(RangeError);
  });
});
