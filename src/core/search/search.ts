/**
 * Plan search: shard → merge → second pass.
 *
 * searchShard walks its share of the space (candidate index % of === shard), streamed, in two phases
 * per chunk of SURVIVOR_CHUNK screened survivors (memory stays flat however large the space):
 *   1. screen every candidate: invalid or memory-infeasible → `rejected` with the reason; the rest
 *      get optimistic bounds (evaluate-plan.ts) without being evaluated;
 *   2. evaluate survivors best-bound first with the closed-form estimator, skipping ("pruned") any
 *      whose bound can neither reach the current k-th best on the objective nor escape strict
 *      domination by the current Pareto front — so pruning never changes the top-k or the front.
 * It returns its top-k (k = max(top, simulateTop)) and its Pareto front. mergeShards unions them:
 * the global top-k and front are subsets of the union, ties break on the candidate index, and
 * rejected lists keep the lowest indexes, so any sharding yields the same result as one shard.
 * The second pass re-evaluates `simulateTop` distinct layouts (collapse.ts pickForSimulation, the
 * best P/D splits among them) with an injected evaluator (the simulator when it exists); every row,
 * simulated or not, is then ranked by the one rule (ranking.ts) and non-binding variants collapse.
 * A time budget (options.maxWallMs, budget.ts) may stop the first pass early: the result then ranks
 * what was evaluated and `stopped` says how many candidates were searched, in words.
 * A plan whose objective value is not finite (NaN, ±Infinity) is rejected with a reason, never ranked.
 * KV strategies (`kvStrategies`) are knobs like the KV dtype; those `allowLossy` / `allowNearLossless`
 * forbid are rejected at screening with "<label> not allowed: lossy", so they never rank.
 */
import { ScenarioError } from '../cost/deployment.ts';
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { budgetStop, mergeStops, SCORE_SHARE, SCREEN_SHARE } from './budget.ts';
import { PlanEvaluator } from './evaluate-plan.ts';
import { explainPlan, restateReason } from './explain.ts';
import { notAllowedReason } from '../kv/presets.ts';
import { OBJECTIVE_INFO, objectiveValue, toScore } from './objectives.ts';
import { collapseVariants, pickForSimulation } from './collapse.ts';
import { loadVerdict, offeredReqPerSec, planTier, rankPlans, TIE_TOLERANCE, type RankingContext } from './ranking.ts';
import {
  DEFAULT_SEARCH_OPTIONS,
  SearchOptionError,
  applyKnobs,
  enumerateKnobs,
  makeCandidate,
  prepareSearch,
  tooLargeError,
  type PreparedSearch,
} from './space.ts';
import type {
  Evaluator,
  Objective,
  PlanKnobs,
  RankedPlan,
  RejectedPlan,
  SearchOptions,
  SearchProgress,
  SearchResult,
  ShardResult,
} from './types.ts';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Progress callbacks at most this often (plus one at the end). */
export const PROGRESS_INTERVAL_MS = 50;

/** Ranking key: primary score, secondary score, total output, then enumeration index. */
interface Key {
  s1: number;
  s2: number;
  out: number;
  index: number;
}

function desc(a: number, b: number): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

/** < 0 when `a` ranks before `b`. */
export function compareKeys(a: Key, b: Key): number {
  return desc(a.s1, b.s1) || desc(a.s2, b.s2) || desc(a.out, b.out) || a.index - b.index;
}

/** a dominates b: at least as good on both objectives and better on one. */
function dominates(a: Pick<Key, 's1' | 's2'>, b: Pick<Key, 's1' | 's2'>): boolean {
  return a.s1 >= b.s1 && a.s2 >= b.s2 && (a.s1 > b.s1 || a.s2 > b.s2);
}

/** Insert into a Pareto front (mutates and returns it). */
function addToFront<T extends Key>(front: T[], x: T): T[] {
  for (const f of front) if (dominates(f, x)) return front;
  const kept = front.filter((f) => !dominates(x, f));
  kept.push(x);
  return kept;
}

/** Insert into a sorted top-k list (mutates). */
function addToTop<T extends Key>(top: T[], x: T, k: number): void {
  if (top.length >= k && compareKeys(x, top[top.length - 1]!) >= 0) return;
  let i = top.length;
  while (i > 0 && compareKeys(x, top[i - 1]!) < 0) i--;
  top.splice(i, 0, x);
  if (top.length > k) top.pop();
}

export function keyOf(p: RankedPlan, objective: Objective, secondary: Objective): Key {
  return {
    s1: toScore(p.value, objective),
    s2: toScore(p.secondaryValue, secondary),
    out: p.result.metrics.outputTokPerSec,
    index: p.candidate.index,
  };
}

/**
 * The non-dominated subset of `points` (the set addToFront builds one by one), in ranking order, by a
 * sweep in O(n log n) instead of O(n · front): sorted by s1 descending, a point survives iff its s2 is
 * the largest of its equal-s1 group and larger than every s2 at a strictly greater s1 (an equal s2
 * there dominates it; equal points do not dominate each other, so duplicates survive together).
 */
export function nonDominated<T extends Key>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => desc(a.s1, b.s1) || desc(a.s2, b.s2));
  const kept: T[] = [];
  let best2 = -Infinity;
  let first = true;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.s1 === sorted[i]!.s1) j++;
    const top2 = sorted[i]!.s2; // the group's largest s2 (sorted within the group)
    if (first || top2 > best2) for (let g = i; g < j && sorted[g]!.s2 === top2; g++) kept.push(sorted[g]!);
    if (first || top2 > best2) best2 = top2;
    first = false;
    i = j;
  }
  return kept.sort(compareKeys);
}

/** The non-dominated subset, in ranking order. */
export function paretoFront(plans: readonly RankedPlan[], objective: Objective, secondary: Objective): RankedPlan[] {
  return nonDominated(plans.map((p) => ({ ...keyOf(p, objective, secondary), p }))).map((f) => f.p);
}

function shareSize(total: number, shard: number, of: number): number {
  return shard < total ? Math.floor((total - shard - 1) / of) + 1 : 0;
}

interface Evaluated extends Key {
  knobs: PlanKnobs;
  result: EvaluationResult;
}

interface Survivor {
  index: number;
  knobs: PlanKnobs;
  ub1: number;
  ub2: number;
  /** Optimistic goodput (req/s) and the GPUs the plan uses: can it be the fewest-GPU plan within SLO? */
  ubGoodput: number;
  gpus: number;
}

/** GPUs a candidate uses: every pool's instances × TP × attention-DP × PP (EP lives inside that group). */
function knobGpus(k: PlanKnobs): number {
  const p = k.plan;
  if (k.kind === 'disaggregated' && p.prefill && p.decode) {
    const g = (s: NonNullable<typeof p.prefill>) => s.tp * s.attentionDp * s.pp * s.instances;
    return g(p.prefill) + g(p.decode);
  }
  return p.tp * p.attentionDp * p.pp * p.dp;
}

/**
 * Screened survivors held at once. Larger spaces are scored a chunk at a time (each chunk best bound
 * first), so memory stays flat; any space up to one chunk is scored exactly as one global pass.
 */
export const SURVIVOR_CHUNK = 1 << 16;

/** The `limit` rejections with the lowest candidate indexes (a max-heap on index), whatever the arrival order. */
export class LowestRejections {
  private readonly heap: { index: number; knobs: PlanKnobs; reason: string }[] = [];

  constructor(private readonly limit: number) {}

  add(index: number, knobs: PlanKnobs, reason: string): void {
    const h = this.heap;
    if (h.length < this.limit) {
      h.push({ index, knobs, reason });
      for (let i = h.length - 1; i > 0;) {
        const up = (i - 1) >> 1;
        if (h[up]!.index >= h[i]!.index) break;
        [h[up], h[i]] = [h[i]!, h[up]!];
        i = up;
      }
      return;
    }
    if (h.length === 0 || index >= h[0]!.index) return;
    h[0] = { index, knobs, reason };
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let big = i;
      if (l < h.length && h[l]!.index > h[big]!.index) big = l;
      if (r < h.length && h[r]!.index > h[big]!.index) big = r;
      if (big === i) break;
      [h[big], h[i]] = [h[i]!, h[big]!];
      i = big;
    }
  }

  /** Kept rejections, lowest index first. */
  sorted(): { index: number; knobs: PlanKnobs; reason: string }[] {
    return [...this.heap].sort((a, b) => a.index - b.index);
  }
}

/** Why a plan with a non-finite objective value cannot rank (NaN / ±Infinity never order sensibly). */
export function unrankableReason(value: number, objective: Objective): string | null {
  if (Number.isFinite(value)) return null;
  return `${OBJECTIVE_INFO[objective].label} has no finite value (${String(value)}), so the plan cannot be ranked`;
}

/** Evaluate this shard's share of the space (index % of === shard) with the closed-form estimator. */
export function searchShard(
  scenario: Scenario,
  options: Partial<SearchOptions>,
  shard: number,
  of: number,
  onProgress?: (p: SearchProgress) => void,
): ShardResult {
  return searchShardOf(prepareSearch(scenario, options), shard, of, onProgress);
}

/** searchShard over an already built space (the CLI and `search` build it once); `chunkSize` survivors are held at once. */
export function searchShardOf(
  prepared: PreparedSearch,
  shard: number,
  of: number,
  onProgress?: (p: SearchProgress) => void,
  chunkSize = SURVIVOR_CHUNK,
): ShardResult {
  const t0 = now();
  if (!Number.isInteger(of) || of < 1)
    throw new SearchOptionError('of', `shard count must be a whole number ≥ 1 (got ${String(of)})`);
  if (!Number.isInteger(shard) || shard < 0 || shard >= of)
    throw new SearchOptionError('shard', `must be a whole number in [0, ${of - 1}] (got ${String(shard)})`);
  const { scenario, options: o, space, count } = prepared;
  if (count.tooLarge) throw tooLargeError(count, o);
  const ev = new PlanEvaluator(scenario);
  const total = shareSize(count.total, shard, of);
  const k = Math.max(o.top, o.simulateTop);
  const rejected = new LowestRejections(o.maxRejected);
  let infeasible = 0;
  let pruned = 0;
  let evaluated = 0;
  let done = 0;
  const top: Evaluated[] = [];
  let front: Evaluated[] = [];
  // "What this load needs" (ranking.ts loadVerdict): the fewest-GPU plan meeting the SLO at the
  // offered load, lowest index among equals — found exactly, so it is never pruned while it may win.
  const offered = offeredReqPerSec(scenario);
  const needFloor = offered !== null ? offered * (1 - TIE_TOLERANCE) : null;
  let need: (Evaluated & { gpus: number }) | null = null;
  const mayNeed = (gpus: number, index: number, ubGoodput: number) =>
    needFloor !== null &&
    ubGoodput >= needFloor &&
    (need === null || gpus < need.gpus || (gpus === need.gpus && index < need.index));
  let last = t0;
  // Time budget (budget.ts): screening stops at SCREEN_SHARE of it, scoring at SCORE_SHARE, and the
  // kept plans' reasons compare against fewer siblings once all of it is spent.
  const limitMs = o.maxWallMs;
  const screenUntil = limitMs === undefined ? Infinity : t0 + limitMs * SCREEN_SHARE;
  const scoreUntil = limitMs === undefined ? Infinity : t0 + limitMs * SCORE_SHARE;
  const explainUntil = limitMs === undefined ? Infinity : t0 + limitMs;
  let outOfTime = false;
  const reject = (index: number, knobs: PlanKnobs, reason: string) => {
    infeasible++;
    rejected.add(index, knobs, reason);
  };
  const progress = (force: boolean) => {
    if (!onProgress) return;
    const t = now();
    if (!force && t - last < PROGRESS_INTERVAL_MS) return;
    last = t;
    const best = top[0];
    onProgress({
      done,
      total,
      bestLabel: best ? makeCandidate(scenario, best.index, best.knobs, o).label : null,
      bestValue: best ? objectiveValue(best.result, o.objective) : null,
    });
  };

  // Phase 2 over one chunk: best bound first, so the k-th best rises early and later candidates prune.
  const score = (survivors: Survivor[]) => {
    survivors.sort((a, b) => desc(a.ub1, b.ub1) || desc(a.ub2, b.ub2) || a.index - b.index);
    for (const c of survivors) {
      if (now() > scoreUntil) {
        outOfTime = true;
        return;
      }
      done++;
      // The actual (s1, s2) is ≤ (ub1, ub2) componentwise. It cannot enter the top-k when the bound is
      // lexicographically below the k-th key, nor the front when a front point dominates the bound.
      const kth = top.length >= k ? top[k - 1]! : null;
      const ub = { s1: c.ub1, s2: c.ub2 };
      if (
        o.prune !== false &&
        !mayNeed(c.gpus, c.index, c.ubGoodput) &&
        kth &&
        (c.ub1 < kth.s1 || (c.ub1 === kth.s1 && c.ub2 < kth.s2)) &&
        front.some((f) => dominates(f, ub))
      ) {
        pruned++;
      } else {
        let result: EvaluationResult;
        try {
          result = ev.evaluate(c.knobs, false);
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
          reject(c.index, c.knobs, e.message);
          continue;
        }
        evaluated++;
        if (!result.memory.fits) {
          reject(c.index, c.knobs, result.bottleneck);
          continue;
        }
        const value = objectiveValue(result, o.objective);
        const unrankable = unrankableReason(value, o.objective);
        if (unrankable !== null) {
          reject(c.index, c.knobs, unrankable);
          continue;
        }
        const x: Evaluated = {
          s1: toScore(value, o.objective),
          s2: toScore(objectiveValue(result, o.secondary), o.secondary),
          out: result.metrics.outputTokPerSec,
          index: c.index,
          knobs: c.knobs,
          result,
        };
        addToTop(top, x, k);
        front = addToFront(front, x);
        if (mayNeed(c.gpus, c.index, Infinity) && planTier(result, offered) === 1) need = { ...x, gpus: c.gpus };
      }
      if ((done & 15) === 0) progress(false);
    }
  };

  // Phase 1: screen (enumeration order, streamed) — rejections and bounds, no evaluation.
  let chunk: Survivor[] = [];
  for (const { index, knobs } of enumerateKnobs(space, shard, of)) {
    if (outOfTime || now() > screenUntil) {
      outOfTime = true;
      break;
    }
    // KV strategies the options do not allow (lossy) are rejected in words, never evaluated.
    const lossy = knobs.kvStrategy ? notAllowedReason(knobs.kvStrategy, o.allowLossy, o.allowNearLossless) : null;
    const sc: ReturnType<PlanEvaluator['screen']> = lossy !== null ? { ok: false, reason: lossy } : ev.screen(knobs);
    if (!sc.ok) {
      reject(index, knobs, sc.reason);
      done++;
      if ((done & 63) === 0) progress(false);
      continue;
    }
    chunk.push({
      index,
      knobs,
      ub1: toScore(sc.bounds[o.objective], o.objective),
      ub2: toScore(sc.bounds[o.secondary], o.secondary),
      ubGoodput: sc.bounds.goodput,
      gpus: knobGpus(knobs),
    });
    if (chunk.length >= chunkSize) {
      score(chunk);
      chunk = [];
    }
  }
  score(chunk);

  // Kept = top-k ∪ front, each with its candidate and reason.
  const keptByIndex = new Map<number, Evaluated>();
  for (const x of [...top, ...front, ...(need ? [need] : [])]) keptByIndex.set(x.index, x);
  const frontIdx = new Set(front.map((f) => f.index));
  const kept = [...keptByIndex.values()].sort(compareKeys).map((x): RankedPlan => ({
    candidate: makeCandidate(scenario, x.index, x.knobs, o),
    // Scored without detail; the kept few get their memory rows, bottleneck and warnings now.
    result: ev.evaluate(x.knobs, true),
    method: 'steady-state',
    onPareto: frontIdx.has(x.index),
    reason: explainPlan(ev, space, x.knobs, x.result, o.objective, o.secondary, explainUntil),
    value: objectiveValue(x.result, o.objective),
    secondaryValue: objectiveValue(x.result, o.secondary),
  }));
  progress(true);
  return {
    shard,
    of,
    objective: o.objective,
    secondary: o.secondary,
    kept,
    rejected: rejected
      .sorted()
      .map((r): RejectedPlan => ({ candidate: makeCandidate(scenario, r.index, r.knobs, o), reason: r.reason })),
    counts: { enumerated: total, infeasible, pruned, evaluated },
    elapsedMs: now() - t0,
    load: { offeredReqPerSec: offered, clusterGpus: space.clusterGpus },
    ...(need ? { needIndex: (need as Evaluated).index } : {}),
    ...(outOfTime && limitMs !== undefined ? { stopped: budgetStop(done, total, limitMs) } : {}),
  };
}

/** Merge options: the parts of SearchOptions a merge needs. */
export type MergeOptions = Partial<
  Pick<SearchOptions, 'objective' | 'secondary' | 'top' | 'simulateTop' | 'maxRejected'>
>;

/** Pure merge of shard results into the ranked list, the Pareto front and the rejected list. */
export function mergeShards(results: readonly ShardResult[], options: MergeOptions = {}): SearchResult {
  const first = results[0];
  if (!first) throw new SearchOptionError('results', 'nothing to merge');
  const objective = options.objective ?? first.objective;
  const secondary = options.secondary ?? first.secondary;
  for (const r of results) {
    if (r.objective !== objective || r.secondary !== secondary)
      throw new SearchOptionError(
        'objective',
        `shard ${r.shard} ranked by ${r.objective}/${r.secondary}, not ${objective}/${secondary}`,
      );
  }
  const top = options.top ?? DEFAULT_SEARCH_OPTIONS.top;
  const k = Math.max(top, options.simulateTop ?? DEFAULT_SEARCH_OPTIONS.simulateTop);
  const maxRejected = options.maxRejected ?? DEFAULT_SEARCH_OPTIONS.maxRejected;
  const byIndex = new Map<number, RankedPlan>();
  for (const r of results) for (const p of r.kept) byIndex.set(p.candidate.index, p);
  // The global top-k by (objective, secondary) and the global front are the same whatever the
  // sharding; the ranking rule then orders exactly that set, so any sharding gives one result.
  const all = [...byIndex.values()];
  const lexTop = all
    .map((p) => ({ ...keyOf(p, objective, secondary), p }))
    .sort(compareKeys)
    .slice(0, k)
    .map((x) => x.p);
  const topIds = new Set(lexTop.map((p) => p.candidate.id));
  const frontOnly = paretoFront(all, objective, secondary).filter((p) => !topIds.has(p.candidate.id));
  const load = results.find((r) => r.load)?.load ?? { offeredReqPerSec: null, clusterGpus: 0 };
  // The fewest-GPU plan within SLO of each shard; the global one (fewest GPUs, lowest index) is a row.
  const needs = results
    .map((r) => (r.needIndex !== undefined ? byIndex.get(r.needIndex) : undefined))
    .filter((p): p is RankedPlan => p !== undefined)
    .sort((a, b) => a.result.plan.gpusUsed - b.result.plan.gpusUsed || a.candidate.index - b.candidate.index);
  const need = needs[0];
  const rowPlans = need && !topIds.has(need.candidate.id) ? [...lexTop, need] : lexTop;
  const final = finalRows(
    rowPlans,
    frontOnly.filter((p) => p !== need),
    { objective, secondary, ...load },
    top,
    k,
  );
  const rejected = results
    .flatMap((r) => r.rejected)
    .sort((a, b) => a.candidate.index - b.candidate.index)
    .slice(0, maxRejected);
  const sum = (f: (r: ShardResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const stopped = mergeStops(results);
  return {
    objective,
    secondary,
    ...final,
    load,
    rejected,
    counts: {
      enumerated: sum((r) => r.counts.enumerated),
      infeasible: sum((r) => r.counts.infeasible),
      pruned: sum((r) => r.counts.pruned),
      evaluated: sum((r) => r.counts.evaluated),
      simulated: 0,
    },
    elapsedMs: Math.max(...results.map((r) => r.elapsedMs)),
    ...(stopped ? { stopped } : {}),
  };
}

/**
 * The plans the second pass should re-evaluate: `simulateTop` distinct layouts in ranking order,
 * the best P/D splits among them (search/collapse.ts pickForSimulation).
 */
export function plansToRefine(merged: SearchResult, simulateTop: number): RankedPlan[] {
  const seen = new Set<string>();
  const pool = [...merged.ranked, ...(merged.runnersUp ?? []), ...merged.pareto].filter((p) =>
    seen.has(p.candidate.id) ? false : (seen.add(p.candidate.id), true),
  );
  return pickForSimulation(pool, simulateTop);
}

/**
 * The final rows of a result: `plans` ranked by the one rule (search/ranking.ts), non-binding
 * variants collapsed (search/collapse.ts), the first `top` as the table and up to `keep` in all;
 * the Pareto front over the final numbers of those rows and `frontPool` (plans kept only for the
 * front), every row marked from it; and the load verdict.
 */
function finalRows(
  plans: readonly RankedPlan[],
  frontPool: readonly RankedPlan[],
  ctx: RankingContext,
  top: number,
  keep: number,
): Pick<SearchResult, 'ranked' | 'runnersUp' | 'pareto' | 'verdict'> {
  const rows = collapseVariants(rankPlans(plans, ctx));
  const kept = rows.slice(0, Math.max(top, keep));
  const rowIds = new Set(rows.map((p) => p.candidate.id));
  const extra = collapseVariants(
    rankPlans(
      frontPool.filter((p) => !rowIds.has(p.candidate.id)),
      ctx,
    ),
  );
  const pareto = paretoFront([...kept, ...extra], ctx.objective, ctx.secondary);
  const onFront = new Set(pareto.map((p) => p.candidate.id));
  const mark = (p: RankedPlan): RankedPlan => ({ ...p, onPareto: onFront.has(p.candidate.id) });
  const verdict = loadVerdict(rankPlans([...kept, ...extra], ctx), ctx);
  return {
    ranked: kept.slice(0, top).map(mark),
    runnersUp: kept.slice(top).map(mark),
    pareto: pareto.map(mark),
    ...(verdict ? { verdict } : {}),
  };
}

/** Re-evaluate plans with `evaluator` (the simulator); a plan that no longer fits is rejected. */
export function refinePlans(
  base: Scenario,
  plans: readonly RankedPlan[],
  evaluator: Evaluator,
  objective: Objective,
  secondary: Objective,
): { refined: RankedPlan[]; rejected: RejectedPlan[] } {
  const refined: RankedPlan[] = [];
  const rejected: RejectedPlan[] = [];
  for (const p of plans) {
    let result: EvaluationResult;
    try {
      result = evaluator(applyKnobs(base, p.candidate.knobs));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      rejected.push({ candidate: p.candidate, reason: e.message });
      continue;
    }
    if (!result.memory.fits) {
      rejected.push({ candidate: p.candidate, reason: result.bottleneck });
      continue;
    }
    const unrankable = unrankableReason(objectiveValue(result, objective), objective);
    if (unrankable !== null) {
      rejected.push({ candidate: p.candidate, reason: unrankable });
      continue;
    }
    refined.push({
      ...p,
      result,
      reason: restateReason(p.reason, p.result, result, objective),
      method: result.method,
      value: objectiveValue(result, objective),
      secondaryValue: objectiveValue(result, secondary),
    });
  }
  return { refined, rejected };
}

/**
 * Fold second-pass results into a merged result: simulated and closed-form rows are ranked together
 * by the one rule (search/ranking.ts — both measure rates over the steady window), non-binding
 * variants collapse, and the Pareto front and its marks are recomputed on the final values.
 */
export function applyRefinement(
  merged: SearchResult,
  refined: readonly RankedPlan[],
  rejected: readonly RejectedPlan[],
  options: MergeOptions = {},
): SearchResult {
  const { objective, secondary } = merged;
  const top = options.top ?? DEFAULT_SEARCH_OPTIONS.top;
  const keep = Math.max(top, options.simulateTop ?? DEFAULT_SEARCH_OPTIONS.simulateTop);
  const gone = new Set(rejected.map((r) => r.candidate.id));
  const newer = new Map(refined.map((p) => [p.candidate.id, p]));
  const rows = [...merged.ranked, ...(merged.runnersUp ?? [])].filter((p) => !gone.has(p.candidate.id));
  const rowIds = new Set(rows.map((p) => p.candidate.id));
  // A refined plan that was only on the front (not a row) stays a front-only plan.
  const all = rows.map((p) => newer.get(p.candidate.id) ?? p);
  const frontOnly = merged.pareto
    .filter((p) => !gone.has(p.candidate.id) && !rowIds.has(p.candidate.id))
    .map((p) => newer.get(p.candidate.id) ?? p);
  const load = merged.load ?? { offeredReqPerSec: null, clusterGpus: 0 };
  const final = finalRows(all, frontOnly, { objective, secondary, ...load }, top, keep);
  return {
    ...merged,
    ...final,
    rejected: [...merged.rejected, ...[...rejected].sort((a, b) => a.candidate.index - b.candidate.index)],
    counts: {
      ...merged.counts,
      infeasible: merged.counts.infeasible + rejected.length,
      simulated: refined.filter((p) => p.method === 'simulation').length,
    },
  };
}

/**
 * Single-threaded search: shard 0 of 1, merge, then the second pass with `evaluator` over the top
 * `simulateTop` plans. Without an evaluator the first pass (closed form) is final.
 */
export function search(
  scenario: Scenario,
  options: Partial<SearchOptions> = {},
  evaluator?: Evaluator,
  onProgress?: (p: SearchProgress) => void,
): SearchResult {
  return searchPrepared(prepareSearch(scenario, options), evaluator, onProgress);
}

/** `search` over an already built space: the caller counted it (and may have refused it) with the same build. */
export function searchPrepared(
  prepared: PreparedSearch,
  evaluator?: Evaluator,
  onProgress?: (p: SearchProgress) => void,
): SearchResult {
  const t0 = now();
  const { scenario, options: o } = prepared;
  let res = mergeShards([searchShardOf(prepared, 0, 1, onProgress)], o);
  if (evaluator && o.simulateTop > 0) {
    const { refined, rejected } = refinePlans(
      scenario,
      plansToRefine(res, o.simulateTop),
      evaluator,
      o.objective,
      o.secondary,
    );
    res = applyRefinement(res, refined, rejected, o);
  }
  return { ...res, elapsedMs: now() - t0 };
}
