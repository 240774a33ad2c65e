import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { budgetStop, mergeStops, SCORE_SHARE, SCREEN_SHARE } from './budget.ts';
import { PlanEvaluator } from './evaluate-plan.ts';
import { objectiveValue } from './objectives.ts';
import { search } from './search.ts';
import { prepareSearch, SearchOptionError } from './space.ts';
import type { SearchOptions } from './types.ts';

function scenario(): Scenario {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 1000 },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const OPTIONS: Partial<SearchOptions> = { kvDtypes: ['bf16', 'fp8'], maxNumSeqs: [64, 256], top: 5 };

/** A clock that moves 1 ms per reading, so the budget is hit after a known number of candidates. */
function tickingClock(): void {
  let t = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => ++t);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('search time budget', () => {
  it('stops screening at half the budget, ranks only what it searched and says so', () => {
    const s = scenario();
    const total = prepareSearch(s, OPTIONS).count.total;
    expect(total).toBeGreaterThan(40); // 8 GPUs: many layouts × 2 KV dtypes × 2 maxNumSeqs
    tickingClock();
    // One clock reading (1 ms) per candidate at least: screening stops within 10 candidates (half of
    // 20 ms), and scoring them at 14 ms (SCORE_SHARE), so at least 3 of the screened are scored.
    const r = search(s, { ...OPTIONS, maxWallMs: 20 });
    vi.restoreAllMocks();
    const searched = r.stopped?.searched ?? -1;
    expect(searched).toBeGreaterThanOrEqual(20 * (SCORE_SHARE - SCREEN_SHARE) - 1);
    expect(searched).toBeLessThanOrEqual(10);
    expect(r.stopped).toEqual({
      reason: 'budget',
      searched,
      total,
      limitMs: 20,
      message: `searched ${searched} of ${total} candidates within the 20 ms budget, so a better plan may be missing; narrow the space (fewer KV dtypes, KV strategies, maxNumSeqs or chunk sizes; replicas "max"; no disaggregation) or raise the budget`,
    });
    expect(r.counts.enumerated).toBe(total);
    // Ranked plans are among the (at most 10) candidates screened, with their true closed-form values.
    expect(r.ranked.length).toBeGreaterThan(0);
    const ev = new PlanEvaluator(s);
    for (const p of r.ranked) {
      expect(p.candidate.index).toBeLessThan(10);
      expect(p.value).toBe(objectiveValue(ev.evaluate(p.candidate.knobs), 'throughput-per-gpu'));
    }
  });

  it('a budget that is not reached changes nothing', () => {
    const s = scenario();
    const free = search(s, OPTIONS);
    tickingClock();
    const budgeted = search(s, { ...OPTIONS, maxWallMs: 1e9 });
    expect(free.stopped).toBeUndefined();
    expect(budgeted.stopped).toBeUndefined();
    const ids = (r: typeof free) => r.ranked.map((p) => [p.candidate.id, p.value]);
    expect(ids(budgeted)).toEqual(ids(free));
    expect(budgeted.counts).toEqual(free.counts);
  });

  it('shards stopped and finished add up: a finished shard searched its whole share', () => {
    const stops = mergeStops([
      { stopped: budgetStop(10, 50, 20), counts: { enumerated: 50 } },
      { counts: { enumerated: 49 } },
    ]);
    expect(stops).toMatchObject({ searched: 59, total: 99, limitMs: 20 });
    expect(stops?.message).toMatch(/^searched 59 of 99 candidates within the 20 ms budget/);
    expect(budgetStop(1800, 4200, 1000).message).toMatch(
      /^searched 1,800 of 4,200 candidates within the 1 s budget, so a better plan may be missing; narrow the space/,
    );
    expect(mergeStops([{ counts: { enumerated: 5 } }])).toBeUndefined();
  });

  it('refuses a budget that is not a positive number of milliseconds, naming the field', () => {
    for (const bad of [0, -5, Number.NaN, '500'])
      expect(() => prepareSearch(scenario(), { maxWallMs: bad as number })).toThrow(
        new SearchOptionError(
          'maxWallMs',
          `must be a number of milliseconds > 0 (got ${String(bad)}); leave it out for no budget`,
        ),
      );
  });
});
