/**
 * Synthetic workload generator: lengths from `LengthDist`s, arrival times from an `Arrival`.
 *
 * Determinism: one seed drives three independent sub-streams (input lengths, output lengths,
 * arrival gaps), so e.g. switching Poisson → Gamma keeps every request's lengths unchanged, and the
 * same options always yield the same requests on every engine (see rng.ts).
 */
import { createRng, detLog } from './rng.ts';
import type { Rng } from './rng.ts';
import { arrivalSchema, formatZodError, lengthDistSchema } from './schema.ts';
import { MAX_TOKENS } from './types.ts';
import type { Arrival, LengthDist, RequestSpec } from './types.ts';

/** Largest `count` generateRequests accepts (same cap as trace rows). */
export const MAX_GENERATED_REQUESTS = 1_000_000;

const STREAM_INPUT = 1;
const STREAM_OUTPUT = 2;
const STREAM_ARRIVAL = 3;

export interface GenerateOptions {
  count: number;
  input: LengthDist;
  output: LengthDist;
  arrival: Arrival;
  seed: number;
}

/** Rounds and clamps a raw sample to an integer token count in [max(1, lo), min(hi, MAX_TOKENS)]. */
function clampTokens(x: number, lo = 1, hi = MAX_TOKENS): number {
  const low = Math.max(1, lo);
  const high = Math.min(MAX_TOKENS, hi);
  if (Number.isNaN(x)) return low;
  return Math.min(high, Math.max(low, Math.round(x)));
}

/** A sampler for one length distribution (call once per request). */
export function lengthSampler(dist: LengthDist, rng: Rng): () => number {
  switch (dist.kind) {
    case 'fixed': {
      const v = clampTokens(dist.tokens);
      return () => v;
    }
    case 'uniform': {
      const lo = clampTokens(dist.min);
      const hi = Math.max(lo, clampTokens(dist.max));
      return () => rng.int(lo, hi);
    }
    case 'normal':
      return () => clampTokens(dist.mean + dist.std * rng.normal(), dist.min, dist.max);
    case 'lognormal': {
      const mu = detLog(dist.median);
      return () => clampTokens(rng.lognormal(mu, dist.sigma), dist.min, dist.max);
    }
    case 'empirical': {
      const values = dist.values;
      const n = values.length;
      return () => clampTokens(values[Math.floor(rng.next() * n)] ?? 1);
    }
  }
}

/** Arrival times (s) for `count` requests; the first request of an open-loop process arrives at 0. */
function arrivalTimes(arrival: Arrival, count: number, rng: Rng): Float64Array {
  const t = new Float64Array(count);
  switch (arrival.kind) {
    case 'offline':
    case 'concurrency': // placeholder: the simulator re-times closed-loop requests (types.ts)
      return t;
    case 'poisson': {
      let now = 0;
      for (let i = 1; i < count; i++) {
        now += rng.exponential(arrival.ratePerSec);
        t[i] = now;
      }
      return t;
    }
    case 'gamma': {
      const shape = 1 / (arrival.cv * arrival.cv);
      const scale = (arrival.cv * arrival.cv) / arrival.ratePerSec;
      let now = 0;
      for (let i = 1; i < count; i++) {
        now += rng.gamma(shape, scale);
        t[i] = now;
      }
      return t;
    }
  }
}

/**
 * Generates `count` requests. Lengths are integers ≥ 1, clamped to the distribution's bounds.
 * Throws RangeError (with the field and allowed range) on invalid options; options that passed
 * `lengthDistSchema` / `arrivalSchema` never throw.
 */
export function generateRequests(opts: GenerateOptions): RequestSpec[] {
  const { count, seed } = opts;
  if (!Number.isInteger(count) || count < 0 || count > MAX_GENERATED_REQUESTS) {
    throw new RangeError(`count must be an integer in [0, ${MAX_GENERATED_REQUESTS}], got ${String(count)}`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  }
  const input = lengthDistSchema.safeParse(opts.input);
  if (!input.success) throw new RangeError(`input: ${formatZodError(input.error)}`);
  const output = lengthDistSchema.safeParse(opts.output);
  if (!output.success) throw new RangeError(`output: ${formatZodError(output.error)}`);
  const arrival = arrivalSchema.safeParse(opts.arrival);
  if (!arrival.success) throw new RangeError(`arrival: ${formatZodError(arrival.error)}`);

  const sampleIn = lengthSampler(input.data, createRng(seed, STREAM_INPUT));
  const sampleOut = lengthSampler(output.data, createRng(seed, STREAM_OUTPUT));
  const times = arrivalTimes(arrival.data, count, createRng(seed, STREAM_ARRIVAL));

  const out: RequestSpec[] = new Array<RequestSpec>(count);
  for (let i = 0; i < count; i++) {
    out[i] = { id: i, arrivalS: times[i] ?? 0, inputTokens: sampleIn(), outputTokens: sampleOut() };
  }
  return out;
}

/**
 * A lognormal LengthDist from its mean and coefficient of variation:
 * σ² = ln(1 + cv²), median = mean / √(1 + cv²). The result still needs `lengthDistSchema` bounds
 * (median ≥ 1, σ ≤ 5).
 */
export function lognormalFromMeanCv(mean: number, cv: number, bounds: { min?: number; max?: number } = {}): LengthDist {
  const sigma = Math.sqrt(detLog(1 + cv * cv));
  const median = mean / Math.sqrt(1 + cv * cv);
  return { kind: 'lognormal', median, sigma, ...bounds };
}
