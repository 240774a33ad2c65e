/**
 * Memory headroom of an evaluated plan, in the two senses a person asks about:
 *  - KV headroom: the share of the KV-cache pool left unused at the steady-state batch
 *    (used ≈ concurrency × mean context, input + output/2 tokens, per instance);
 *  - shortfall: when the weights alone do not fit, how many GB per GPU are missing.
 * Reads the EvaluationResult only (no cost model).
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';

export interface Headroom {
  fits: boolean;
  /** 0..1 share of the KV pool free at the steady-state batch (null when the plan does not fit). */
  kvFreeFraction: number | null;
  /** KV tokens in use per instance at the steady state. */
  kvTokensUsed: number;
  /** GB missing per GPU (0 when it fits). */
  shortfallGB: number;
}

export function memoryHeadroom(result: EvaluationResult, inputTokens: number, outputTokens: number): Headroom {
  const mem = result.memory;
  if (!mem.fits) return { fits: false, kvFreeFraction: null, kvTokensUsed: 0, shortfallGB: mem.shortfallGB };
  const used = result.metrics.concurrency * (inputTokens + outputTokens / 2);
  const free = mem.maxKvTokens > 0 ? Math.max(0, 1 - used / mem.maxKvTokens) : 0;
  return { fits: true, kvFreeFraction: free, kvTokensUsed: used, shortfallGB: 0 };
}
