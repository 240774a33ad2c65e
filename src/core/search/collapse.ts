/**
 * Rows a person can read (issue 14, item 3): variants of one layout whose extra knobs do not bind
 * collapse into one row, and the simulated second pass spends its slots on distinct layouts.
 *
 * A knob does not bind when changing it changes no number: maxNumSeqs 256 vs 128 when the batch
 * never exceeds 128, a chunk size that is never filled, a KV strategy equal to the scenario's own.
 * Rather than predict that per knob, two plans of the same layout (TP/PP/DP/EP/attention-DP shape,
 * or the same P/D pools) collapse when every reported metric agrees to SAME_NUMBERS_TOLERANCE —
 * the evaluators round to four significant figures, so a non-binding knob gives identical values.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import { layoutLabel } from './space.ts';
import type { RankedPlan } from './types.ts';

/** Relative agreement for "the same numbers": 0.1 %, a little over the 4-significant-figure rounding of every metric. */
export const SAME_NUMBERS_TOLERANCE = 1e-3;

/** The plan's layout, without its runtime knobs: "TP4 PP2 DP1" or "P 2×TP4 + D 1×TP8". */
export function structureKey(p: RankedPlan): string {
  return layoutLabel(p.candidate.knobs);
}

function close(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= SAME_NUMBERS_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** Every number a row shows agrees (throughput, goodput, latencies, cost, energy, memory fit). */
export function sameNumbers(a: EvaluationResult, b: EvaluationResult): boolean {
  const x = a.metrics;
  const y = b.metrics;
  return (
    a.method === b.method &&
    x.overloaded === y.overloaded &&
    a.plan.gpusUsed === b.plan.gpusUsed &&
    close(x.outputTokPerSec, y.outputTokPerSec) &&
    close(x.requestsPerSec, y.requestsPerSec) &&
    close(x.goodputReqPerSec, y.goodputReqPerSec) &&
    close(x.sloAttainment, y.sloAttainment) &&
    close(x.ttftMs?.p50, y.ttftMs?.p50) &&
    close(x.ttftMs?.p99, y.ttftMs?.p99) &&
    close(x.tpotMs?.p50, y.tpotMs?.p50) &&
    close(x.tpotMs?.p99, y.tpotMs?.p99) &&
    close(x.costUsdPerMOutputTokens, y.costUsdPerMOutputTokens) &&
    close(x.energyJPerOutputToken, y.energyJPerOutputToken)
  );
}

/**
 * Plans in the same order with the non-binding variants folded into the first (best-ranked) row of
 * their layout that has the same numbers; that row lists them in `variants` (its own earlier
 * variants kept). Different layouts never collapse, however close their numbers.
 */
export function collapseVariants(plans: readonly RankedPlan[]): RankedPlan[] {
  const out: RankedPlan[] = [];
  const byLayout = new Map<string, number[]>();
  for (const p of plans) {
    const key = structureKey(p);
    const rows = byLayout.get(key) ?? [];
    const host = rows.find((i) => sameNumbers(out[i]!.result, p.result));
    if (host !== undefined) {
      const h = out[host]!;
      out[host] = {
        ...h,
        variants: [...(h.variants ?? []), { id: p.candidate.id, label: p.candidate.label }, ...(p.variants ?? [])],
      };
      continue;
    }
    rows.push(out.length);
    byLayout.set(key, rows);
    out.push(p);
  }
  return out;
}

/**
 * The plans the simulated second pass re-evaluates: `n` of them, in ranking order, one per layout
 * (the best-ranked row of each), with up to a quarter of the slots (at least one) kept for the best
 * prefill/decode-disaggregated layouts when the pool has any — so P/D plans are simulated too.
 */
export function pickForSimulation(pool: readonly RankedPlan[], n: number): RankedPlan[] {
  if (n <= 0) return [];
  const seen = new Set<string>();
  const distinct: RankedPlan[] = [];
  for (const p of pool) {
    const key = structureKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push(p);
  }
  const isPd = (p: RankedPlan) => p.candidate.knobs.kind === 'disaggregated';
  const pdSlots = n >= 2 ? Math.min(distinct.filter(isPd).length, Math.max(1, Math.floor(n / 4))) : 0;
  const picked = distinct.filter(isPd).slice(0, pdSlots);
  for (const p of distinct) {
    if (picked.length >= n) break;
    if (!picked.includes(p)) picked.push(p);
  }
  const order = new Map(distinct.map((p, i) => [p, i]));
  return picked.sort((a, b) => order.get(a)! - order.get(b)!);
}
