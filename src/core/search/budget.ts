/**
 * Wall-time budget of one search's first pass (SearchOptions.maxWallMs): a backstop, so that no
 * accepted space — however it is built — holds a worker, the tab or the CLI for longer.
 *
 * Termination: the first pass walks a finite enumeration (count.total ≤ maxCandidates ≤
 * MAX_CANDIDATES_CEILING, space.ts) and every candidate does bounded work, so it ends anyway; the
 * budget only makes it end on time. It is checked before every candidate: screening stops at
 * SCREEN_SHARE of the budget, so the survivors screened so far can still be scored (best bound first,
 * so what is cut is what could rank least), scoring stops at SCORE_SHARE, and detailing the kept plans
 * (top-k ∪ front: one detailed evaluation each, plus the siblings their reasons compare against) has
 * the rest; reasons compare against fewer siblings once the whole budget is spent. The overshoot is
 * one candidate's work plus the kept plans' detailed evaluations. A stopped search ranks what it
 * evaluated and says so in `stopped.message` — never silently.
 *
 * Per caller (like the simulator's, core/sim/budget.ts):
 * - in a Web Worker (one shard of the pool): 10 s — the page stays responsive and the user can Cancel;
 * - on the main thread (no worker support): 1 s;
 * - the CLI: 30 s (`parakv search --budget-ms` raises or lowers it).
 */
export const WORKER_SEARCH_WALL_MS = 10_000;
export const MAIN_THREAD_SEARCH_WALL_MS = 1000;
export const CLI_SEARCH_WALL_MS = 30_000;

/** Share of the budget screening may use before the screened survivors are scored. */
export const SCREEN_SHARE = 0.5;

/**
 * Share of the budget screening and scoring may use; the rest details the kept plans. Explaining a
 * kept plan evaluates its siblings (explain.ts): with ~10 kept plans and ~6 siblings each, that is
 * ~60 evaluations, which a slow space (7 ms per evaluation in the fuzz run) needs ~25 % of 1 s for.
 */
export const SCORE_SHARE = 0.7;

/** Why a search stopped early: the counts behind the message, for the CLI's JSON and the app. */
export interface SearchStop {
  reason: 'budget';
  /** Candidates screened out, pruned or evaluated before the budget ran out. */
  searched: number;
  /** Candidates in the space (or the shards' share of it). */
  total: number;
  limitMs: number;
  /** "searched 1,800 of 4,200 candidates within the 1 s budget; …" */
  message: string;
}

const int = (x: number) => x.toLocaleString('en-US');

function seconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toPrecision(3))} s` : `${Number(ms.toPrecision(3))} ms`;
}

/** The stop record for `searched` of `total` candidates within `limitMs`, with its message in words. */
export function budgetStop(searched: number, total: number, limitMs: number): SearchStop {
  return {
    reason: 'budget',
    searched,
    total,
    limitMs,
    message:
      `searched ${int(searched)} of ${int(total)} candidates within the ${seconds(limitMs)} budget, so a better plan may be ` +
      'missing; narrow the space (fewer KV dtypes, KV strategies, maxNumSeqs or chunk sizes; replicas "max"; ' +
      'no disaggregation) or raise the budget',
  };
}

/** Stops of several shards as one (their counts summed; the largest limit), or undefined when none stopped. */
export function mergeStops(
  shards: readonly { stopped?: SearchStop; counts: { enumerated: number } }[],
): SearchStop | undefined {
  const stops = shards.flatMap((s) => (s.stopped ? [s.stopped] : []));
  if (stops.length === 0) return undefined;
  // A shard that finished searched its whole share.
  const searched = shards.reduce((a, s) => a + (s.stopped ? s.stopped.searched : s.counts.enumerated), 0);
  const total = shards.reduce((a, s) => a + s.counts.enumerated, 0);
  return budgetStop(searched, total, Math.max(...stops.map((s) => s.limitMs)));
}

/** Check of SearchOptions.maxWallMs: undefined (no budget) or a number of milliseconds > 0. */
export function wallBudgetError(ms: unknown): string | null {
  if (ms === undefined) return null;
  return typeof ms === 'number' && ms > 0 && !Number.isNaN(ms)
    ? null
    : `must be a number of milliseconds > 0 (got ${String(ms)}); leave it out for no budget`;
}
