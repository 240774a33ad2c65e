/**
 * The search slice: the options the next search varies, and the last search's job state. Results are
 * "stale" when the inputs they were computed for differ from the current ones (searchKey). A finished
 * search selects its rank-1 plan unless a shared link asked to keep the sender's selection.
 */
import type { Scenario } from '../../core/scenario/schema.ts';
import { resolveRuntime } from '../../core/engine/resolve.ts';
import { applyKnobs, knobsId } from '../../core/search/space.ts';
import type { PlanKnobs, RankedPlan, SearchResult } from '../../core/search/types.ts';
import { specChoiceOf } from '../../core/search/spec-choices.ts';
import { kvChoiceOfScenario } from '../../core/views/kvStrategyUi.ts';
import { searchKey } from '../keys.ts';
import { DEFAULT_SEARCH_DRAFT, type SearchOptionsDraft } from '../search-draft.ts';
import { isCancelled, type SearchRun } from '../search-backend.ts';
import type { AppSlice, SearchState, StoreDeps } from '../types.ts';

/**
 * The candidate id the scenario's current plan and knobs correspond to. When the search varies KV
 * strategies (`o.kvStrategies`), the id names the choice the scenario's runtime.kvStrategy is ("|kvs=fp8");
 * a strategy that is none of them matches no candidate.
 */
export function currentKnobsId(s: Scenario, o?: Pick<SearchOptionsDraft, 'kvStrategies' | 'speculative'>): string {
  const knobs: PlanKnobs = {
    kind: s.plan.prefill && s.plan.decode ? 'disaggregated' : 'colocated',
    plan: s.plan,
    kvDtype: s.precision.kvCache,
    maxNumSeqs: resolveRuntime(s).maxNumSeqs,
    maxBatchedTokens: resolveRuntime(s).maxBatchedTokens,
  };
  if (o && o.kvStrategies.length > 0) {
    const c = kvChoiceOfScenario(s.runtime.kvStrategy, o.kvStrategies);
    knobs.kvStrategy = c ?? { id: '(custom)', label: 'custom', strategy: null };
  }
  if (o?.speculative && o.speculative.length > 0) knobs.speculative = specChoiceOf(s.runtime.speculative);
  return knobsId(knobs);
}

export function findCandidate(result: SearchResult | null, id: string): RankedPlan | undefined {
  if (!result) return undefined;
  return result.ranked.find((p) => p.candidate.id === id) ?? result.pareto.find((p) => p.candidate.id === id);
}

const IDLE_SEARCH = (backend: string): SearchState => ({
  status: 'idle',
  progress: null,
  result: null,
  error: null,
  searched: null,
  key: null,
  startedAt: null,
  elapsedMs: null,
  backend,
});

export function createSearchSlice(
  deps: Pick<StoreDeps, 'search' | 'now'>,
): AppSlice<
  'searchOptions' | 'search' | 'applyShared' | 'setSearchOptions' | 'runSearch' | 'cancelSearch' | 'selectCandidate'
> {
  return (set, get) => {
    const now = deps.now ?? (() => Date.now());
    let run: SearchRun | null = null;
    let job = 0;
    let lastProgressAt = 0;
    /** The next search keeps the selected plan (a shared link's) instead of selecting rank 1. */
    let keepSelectionNext = false;
    return {
      searchOptions: DEFAULT_SEARCH_DRAFT,
      search: IDLE_SEARCH(deps.search.label),

      applyShared: ({ scenario, search, showTable }) => {
        set((s) => ({
          scenario,
          fieldErrors: {},
          searchOptions: search ? { ...DEFAULT_SEARCH_DRAFT, ...search } : s.searchOptions,
        }));
        const st = get();
        const fresh = st.search.status === 'done' && st.search.key === searchKey(st.scenario, st.searchOptions);
        if (showTable && !fresh) {
          keepSelectionNext = true;
          st.runSearch();
        }
      },
      setSearchOptions: (patch) => set((s) => ({ searchOptions: { ...s.searchOptions, ...patch } })),
      runSearch: () => {
        run?.cancel();
        const { scenario, searchOptions } = get();
        const keepSelection = keepSelectionNext;
        keepSelectionNext = false;
        const id = ++job;
        const key = searchKey(scenario, searchOptions);
        const startedAt = now();
        set((s) => ({
          search: {
            ...s.search,
            status: 'running',
            progress: { done: 0, total: 0, bestLabel: null, bestValue: null },
            error: null,
            startedAt,
            elapsedMs: null,
          },
          view: { ...s.view, compare: [] },
        }));
        let r: SearchRun;
        try {
          r = deps.search.run(scenario, searchOptions, (p) => {
            if (id !== job) return;
            const t = now();
            // Throttle store updates to ~20/s; the last one (done === total) always lands.
            if (p.done < p.total && t - lastProgressAt < 50) return;
            lastProgressAt = t;
            set((s) => ({ search: { ...s.search, progress: p } }));
          });
        } catch (e) {
          set((s) => ({
            search: { ...s.search, status: 'error', error: e instanceof Error ? e.message : String(e) },
          }));
          return;
        }
        run = r;
        r.promise.then(
          (result) => {
            if (id !== job) return;
            run = null;
            set((s) => ({
              search: {
                ...s.search,
                status: 'done',
                result,
                searched: scenario,
                key,
                error: null,
                elapsedMs: now() - startedAt,
                progress: s.search.progress ? { ...s.search.progress, done: s.search.progress.total } : null,
              },
            }));
            // Show the winner: select rank 1 (the previous plan stays one step back in browser history).
            const best = result.ranked[0];
            if (
              best &&
              !keepSelection &&
              get().search.key === searchKey(get().scenario, get().searchOptions) &&
              currentKnobsId(get().scenario, get().searchOptions) !== best.candidate.id
            ) {
              set((s) => ({
                scenario: applyKnobs(s.scenario, best.candidate.knobs),
                view: { ...s.view, toast: `Selected the best plan: ${best.candidate.label}.` },
              }));
            }
          },
          (e: unknown) => {
            if (id !== job) return;
            run = null;
            if (isCancelled(e))
              set((s) => ({ search: { ...s.search, status: 'cancelled', elapsedMs: now() - startedAt } }));
            else
              set((s) => ({
                search: {
                  ...s.search,
                  status: 'error',
                  error: e instanceof Error ? e.message : String(e),
                  elapsedMs: now() - startedAt,
                },
              }));
          },
        );
      },
      cancelSearch: () => {
        run?.cancel();
      },
      selectCandidate: (id) => {
        const p = findCandidate(get().search.result, id);
        if (!p) return;
        set((s) => ({ scenario: applyKnobs(s.scenario, p.candidate.knobs), fieldErrors: {} }));
      },
    };
  };
}
