/**
 * Workload vocabulary shared by the generator, the trace parsers, the scenario schema and the
 * simulator. Times are seconds from the start of the workload; lengths are token counts.
 */

/** The planner's largest accepted token count for one prompt or one output (2^21 = 2,097,152). */
export const MAX_TOKENS = 2 ** 21;

/** One request as the simulator consumes it. */
export interface RequestSpec {
  /** 0-based position in the workload (arrival order). */
  id: number;
  /** Arrival time in seconds from the workload start (0 for offline and closed-loop placeholders). */
  arrivalS: number;
  /** Prompt (context) tokens, integer ≥ 1. */
  inputTokens: number;
  /** Generated tokens, integer ≥ 1. */
  outputTokens: number;
  /**
   * Prefix-block hashes (Mooncake traces: one id per 512-token block of the prompt). Equal leading
   * ids between two requests mean a shareable prefix KV cache.
   */
  hashIds?: number[];
  /** Conversation id (BurstGPT `_3` files' `Session ID`): same value = same conversation. */
  sessionId?: string;
}

/**
 * A token-length distribution. Samples are rounded to the nearest integer and then CLAMPED (not
 * resampled) to [max(1, min), min(max, MAX_TOKENS)], so clamped mass piles up at the bounds.
 *
 * - `fixed`: always `tokens`.
 * - `uniform`: integer uniform on [min, max], both inclusive.
 * - `normal`: N(mean, std²), optional clamps `min`/`max`.
 * - `lognormal`: parameterised by its MEDIAN and the σ of the underlying normal:
 *   X = median · e^(σ·Z). So mean = median · e^(σ²/2) and cv = √(e^(σ²) − 1). To specify it by
 *   mean and cv instead, use `lognormalFromMeanCv` (generate.ts). Optional clamps `min`/`max`.
 * - `empirical`: each sample is one of `values`, drawn uniformly with replacement (bootstrap);
 *   build one from a trace with `empiricalFrom` (summary.ts).
 */
export type LengthDist =
  | { kind: 'fixed'; tokens: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; std: number; min?: number; max?: number }
  | { kind: 'lognormal'; median: number; sigma: number; min?: number; max?: number }
  | { kind: 'empirical'; values: number[] };

/**
 * How requests arrive.
 *
 * - `offline`: every request at t = 0 (a batch job; throughput-bound).
 * - `poisson`: open loop, i.i.d. exponential inter-arrival gaps with mean 1/ratePerSec. The first
 *   request arrives at t = 0.
 * - `gamma`: open loop, i.i.d. Gamma inter-arrival gaps with mean 1/ratePerSec and coefficient of
 *   variation `cv` (shape 1/cv², scale cv²/ratePerSec). cv = 1 is Poisson, cv > 1 is burstier
 *   (BurstGPT fits Gamma), cv < 1 more regular. The first request arrives at t = 0.
 * - `concurrency`: CLOSED loop with `users` clients. The generator only fixes the request list
 *   (ids, lengths) and sets every `arrivalS` to 0 as a PLACEHOLDER; the simulator re-times them:
 *   requests 0..users−1 start at t = 0, and whenever a request completes, its client immediately
 *   (zero think time) issues the lowest-id request not yet issued, so `users` requests stay in
 *   flight until the list runs out.
 */
export type Arrival =
  | { kind: 'offline' }
  | { kind: 'poisson'; ratePerSec: number }
  | { kind: 'gamma'; ratePerSec: number; cv: number }
  | { kind: 'concurrency'; users: number };
