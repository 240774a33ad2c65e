/**
 * The app store: one vanilla zustand store (React reads it through `useApp` in ./react.tsx).
 *
 * Slices and what each field means:
 *  - scenario: THE source of truth. Always a valid, defaults-filled Scenario; shareable (URL hash,
 *    saved scenarios, last session). The selected plan is `scenario.plan` (+ the runtime knobs), so a
 *    link reproduces the selection.
 *  - fieldErrors: field path → schema message for an edit that was NOT committed (the input keeps
 *    the typed text, the scenario keeps its last valid value).
 *  - searchOptions / search: what the next search varies, and the last search's job state. Results
 *    are "stale" when the inputs they were computed for differ from the current ones (searchKey).
 *  - view: tabs, theme, table sort, plans picked for comparison. Not shared in links.
 *  - saved: the saved-scenarios library (core/share/saved over an injected storage).
 *  - banner: one app-level message (bad link, storage failure, restored session problem).
 *
 * Persistence: zustand `persist` (version 1, skipHydration) keeps scenario, searchOptions and a few
 * view prefs under `parakv.session`; main.tsx rehydrates before applying the URL hash.
 */
import { createStore, type Mutate, type StoreApi } from 'zustand/vanilla';
import { persist, type PersistStorage, type StorageValue } from 'zustand/middleware';
import type { SimulatedEvaluation } from '../core/evaluate/simulated.ts';
import { parseUntrustedJson, stringifyBounded } from '../core/json/untrusted.ts';
import { MAX_TRACE_DATA_CHARS, type Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { resolveRuntime } from '../core/engine/resolve.ts';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { applyKnobs, knobsId } from '../core/search/space.ts';
import { OBJECTIVES } from '../core/search/objectives.ts';
import type { PlanKnobs, RankedPlan, SearchOptions, SearchProgress, SearchResult } from '../core/search/types.ts';
import {
  addScenarios,
  deleteScenario,
  duplicateScenario,
  exportLibraryJson,
  importLibraryJson,
  loadLibrary,
  renameScenario,
  saveScenario,
  type KeyValueStorage,
  type SavedScenario,
} from '../core/share/saved.ts';
import { validateScenarioJson, type SharedState } from '../core/share/scenario-link.ts';
import { kvPreset } from '../core/kv/presets.ts';
import { kvStrategySchema } from '../core/kv/types.ts';
import { speculativeSchema } from '../core/scenario/schema.ts';
import { specChoiceOf } from '../core/search/spec-choices.ts';
import { kvChoiceOfScenario } from '../core/views/kvStrategyUi.ts';
import { planResolves, startingPlan } from '../core/views/startPlan.ts';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { editScenario, pathKey, type FieldPath } from './paths.ts';
import { scenarioKey, searchKey } from './keys.ts';

export { scenarioKey, searchKey };
import {
  asSimulationRun,
  isCancelled,
  type SearchBackend,
  type SearchRun,
  type SimulationRun,
} from './search-backend.ts';

export type DetailTab = 'memory' | 'kv' | 'gantt' | 'roofline' | 'latency' | 'command';
export type Theme = 'light' | 'dark' | 'system';
export type SortKey =
  'rank' | 'throughput' | 'goodput' | 'ttftP50' | 'ttftP99' | 'tpotP50' | 'tpotP99' | 'cost' | 'energy' | 'headroom';
export type GanttPhases = 'both' | 'decode' | 'prefill';

/** The search options a person edits (the rest keep core's defaults). */
export type SearchOptionsDraft = Pick<
  SearchOptions,
  | 'objective'
  | 'secondary'
  | 'allowTpAcrossNodes'
  | 'allowDisaggregation'
  | 'kvDtypes'
  | 'kvStrategies'
  | 'allowLossy'
  | 'allowNearLossless'
  | 'maxNumSeqs'
  | 'maxBatchedTokens'
  | 'speculative'
  | 'top'
  | 'simulateTop'
  | 'replicas'
>;

/** Goodput first (requests/s that meet both SLOs), cheapest among equals: "a plan I can trust at my SLO". */
export const DEFAULT_SEARCH_DRAFT: SearchOptionsDraft = {
  objective: 'goodput',
  secondary: 'cost',
  allowTpAcrossNodes: false,
  allowDisaggregation: false,
  kvDtypes: [],
  kvStrategies: [],
  allowLossy: false,
  allowNearLossless: true,
  maxNumSeqs: [],
  maxBatchedTokens: [],
  top: 20,
  simulateTop: 8,
  replicas: 'all',
};

export interface Banner {
  kind: 'link-error' | 'storage-error' | 'session-error' | 'info';
  message: string;
}

export interface SearchState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  progress: SearchProgress | null;
  result: SearchResult | null;
  error: string | null;
  /** The scenario the result was computed for. */
  searched: Scenario | null;
  /** searchKey(searched, options) when it ran. */
  key: string | null;
  startedAt: number | null;
  elapsedMs: number | null;
  backend: string;
}

export interface ViewState {
  detailTab: DetailTab;
  theme: Theme;
  sort: { key: SortKey; dir: 'asc' | 'desc' };
  /** Candidate ids picked for side-by-side comparison (at most two). */
  compare: string[];
  ganttPhases: GanttPhases;
  savedOpen: boolean;
  /** A short-lived note (e.g. "Plan reset to TP8 DP2 for the new model"). */
  toast: string | null;
}

export interface SavedState {
  items: SavedScenario<Scenario>[];
  /** Problems from loading/importing, and failed writes (quota), in words. */
  messages: string[];
}

/** An on-demand simulation of the selected plan (with its per-request timeline, for latency CDFs). */
export interface SimState {
  /** JSON of the scenario it ran for; stale when the scenario changed since. */
  key: string | null;
  status: 'idle' | 'running' | 'done' | 'error';
  result: SimulatedEvaluation | null;
  error: string | null;
  /** now() when the running simulation started (for the elapsed-time display). */
  startedAt: number | null;
  /** Where it runs: 'worker' or 'main thread' (null when the backend does not say). */
  where: string | null;
}

export interface AppState {
  scenario: Scenario;
  fieldErrors: Record<string, string>;
  searchOptions: SearchOptionsDraft;
  search: SearchState;
  view: ViewState;
  saved: SavedState;
  banner: Banner | null;
  sim: SimState;

  /** Replace the scenario (from a link, a saved entry, an import); clears field errors. */
  setScenario(s: Scenario): void;
  /**
   * Open what a shared link carries: its scenario (with the selected plan), its search options when it
   * has them, and, when the sender was looking at a table, the same search run again, keeping the
   * sender's selected plan instead of jumping to rank 1.
   */
  applyShared(shared: SharedState): void;
  /**
   * Edit one field; commits when the schema accepts the whole scenario, else records the message.
   * With `keepPlanValid`, a plan the edit breaks (e.g. fewer GPUs than it needs) is replaced by a
   * starting plan that resolves, and a toast says so. Returns whether it committed.
   */
  setField(path: FieldPath, value: unknown, opts?: { keepPlanValid?: 'model' | 'cluster' }): boolean;
  clearFieldError(path: FieldPath): void;
  /** Change model or cluster and, if the current plan no longer resolves, start from a plan that does. */
  setModelOrCluster(patch: Partial<Pick<Scenario, 'model' | 'cluster'>>): void;

  setSearchOptions(patch: Partial<SearchOptionsDraft>): void;
  runSearch(): void;
  cancelSearch(): void;
  /** Make a searched candidate the selected plan (its knobs applied to the current scenario). */
  selectCandidate(id: string): void;
  /**
   * Simulate the selected plan (current scenario) with a per-request timeline. A running simulation
   * is cancelled when a new one starts or the scenario changes; its late result is dropped.
   */
  simulateSelected(): void;
  /** Stop the running simulation (the tab goes back to offering one). */
  cancelSimulation(): void;

  setDetailTab(t: DetailTab): void;
  setTheme(t: Theme): void;
  setSort(key: SortKey): void;
  toggleCompare(id: string): void;
  clearCompare(): void;
  setGanttPhases(p: GanttPhases): void;
  setSavedOpen(open: boolean): void;
  setToast(msg: string | null): void;
  setBanner(b: Banner | null): void;

  reloadSaved(): void;
  saveCurrent(name: string): boolean;
  renameSaved(id: string, name: string): boolean;
  duplicateSaved(id: string): boolean;
  deleteSaved(id: string): boolean;
  openSaved(id: string): boolean;
  importSaved(text: string): { added: number; errors: string[] };
  exportSaved(): string;
  dismissSavedMessages(): void;
}

export interface StoreDeps {
  /** localStorage in the browser; a Map-backed fake in tests. */
  storage: KeyValueStorage;
  search: SearchBackend;
  /**
   * Simulates one scenario with its timeline: in the browser a worker (PlannerPool.simulate);
   * default: the simulator, loaded lazily, on the main thread. A bare promise cannot be cancelled.
   */
  simulate?: (s: Scenario) => SimulationRun | Promise<SimulatedEvaluation>;
  now?: () => number;
}

/** The simulator on the main thread, loaded on first use, after a tick so the UI can show "Simulating…". */
async function simulateOnMainThread(s: Scenario): Promise<SimulatedEvaluation> {
  await new Promise((r) => setTimeout(r, 30));
  const m = await import('../core/evaluate/simulated.ts');
  return m.evaluateSimulated(s, { timeline: true, budget: { maxWallMs: m.MAIN_THREAD_SIM_WALL_MS } });
}

/** The store with zustand's persist API (`store.persist.rehydrate()`). */
export type AppStore = Mutate<StoreApi<AppState>, [['zustand/persist', Persisted]]>;

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

const OBJECTIVE_SET: ReadonlySet<string> = new Set(OBJECTIVES);

/** Accept only well-typed fields from a persisted (untrusted) options object. */
export function sanitizeSearchDraft(x: unknown): SearchOptionsDraft {
  const o = (x !== null && typeof x === 'object' ? x : {}) as Record<string, unknown>;
  const d = { ...DEFAULT_SEARCH_DRAFT };
  if (typeof o.objective === 'string' && OBJECTIVE_SET.has(o.objective))
    d.objective = o.objective as SearchOptions['objective'];
  if (typeof o.secondary === 'string' && OBJECTIVE_SET.has(o.secondary))
    d.secondary = o.secondary as SearchOptions['secondary'];
  if (typeof o.allowTpAcrossNodes === 'boolean') d.allowTpAcrossNodes = o.allowTpAcrossNodes;
  if (typeof o.allowDisaggregation === 'boolean') d.allowDisaggregation = o.allowDisaggregation;
  const ints = (v: unknown, lo: number, hi: number) =>
    Array.isArray(v) ? v.filter((n): n is number => Number.isInteger(n) && n >= lo && n <= hi).slice(0, 16) : [];
  if (Array.isArray(o.kvDtypes))
    d.kvDtypes = o.kvDtypes.filter((v): v is string => typeof v === 'string' && /^[a-z0-9]{2,6}$/.test(v)).slice(0, 8);
  // Preset names core knows, or labelled strategy objects the schema accepts.
  if (Array.isArray(o.kvStrategies))
    d.kvStrategies = o.kvStrategies
      .filter((v) =>
        typeof v === 'string'
          ? kvPreset(v) !== null
          : v !== null && typeof v === 'object' && kvStrategySchema.safeParse(v).success,
      )
      .slice(0, 32) as SearchOptionsDraft['kvStrategies'];
  if (typeof o.allowLossy === 'boolean') d.allowLossy = o.allowLossy;
  if (typeof o.allowNearLossless === 'boolean') d.allowNearLossless = o.allowNearLossless;
  d.maxNumSeqs = ints(o.maxNumSeqs, 1, 65_536);
  d.maxBatchedTokens = ints(o.maxBatchedTokens, 16, 1_048_576);
  if (Number.isInteger(o.top) && (o.top as number) >= 1 && (o.top as number) <= 200) d.top = o.top as number;
  if (Number.isInteger(o.simulateTop) && (o.simulateTop as number) >= 0 && (o.simulateTop as number) <= 64)
    d.simulateTop = o.simulateTop as number;
  if (o.replicas === 'all' || o.replicas === 'max') d.replicas = o.replicas;
  if (Array.isArray(o.speculative))
    d.speculative = o.speculative
      .filter((v) => v === 'off' || speculativeSchema.safeParse(v).success)
      .slice(0, 16) as SearchOptionsDraft['speculative'];
  return d;
}

/**
 * The scenario, with its plan replaced by a starting plan when it no longer resolves or no longer
 * fits in memory (and a note saying so). Used when the model or cluster changes under a plan.
 */
export function withValidPlan(next: Scenario, what: 'model' | 'cluster'): { scenario: Scenario; toast: string | null } {
  let verdict: 'ok' | 'broken' | 'no-fit';
  try {
    verdict = !planResolves(next) ? 'broken' : evaluateFast(next).memory.fits ? 'ok' : 'no-fit';
  } catch {
    return { scenario: next, toast: null }; // model/GPU errors are shown by the evaluation, not fixed here
  }
  if (verdict === 'ok') return { scenario: next, toast: null };
  const plan = startingPlan(next);
  if (!plan) return { scenario: next, toast: null };
  const candidate = { ...next, plan };
  if (verdict === 'no-fit') {
    let fits: boolean;
    try {
      fits = evaluateFast(candidate).memory.fits;
    } catch {
      fits = false;
    }
    if (!fits) return { scenario: next, toast: null };
  }
  const label = `TP${plan.tp}${plan.pp > 1 ? ` PP${plan.pp}` : ''} DP${plan.dp}${plan.ep > 1 ? ` EP${plan.ep}` : ''}`;
  const why = verdict === 'broken' ? 'does not work with' : 'does not fit in memory with';
  return {
    scenario: candidate,
    toast: `The previous plan ${why} this ${what}: starting from ${label}. Run a search for the best plan.`,
  };
}

const IDLE_SIM: SimState = { key: null, status: 'idle', result: null, error: null, startedAt: null, where: null };

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

export const SESSION_KEY = 'parakv.session';

interface Persisted {
  scenario: Scenario;
  searchOptions: SearchOptionsDraft;
  view: Pick<ViewState, 'theme' | 'detailTab' | 'ganttPhases'>;
}

/** Longest stored session text parsed: a scenario with the largest inline trace the schema takes, and room. */
const MAX_SESSION_CHARS = MAX_TRACE_DATA_CHARS + 2 ** 20;

/**
 * JSON storage over the injected key/value store that never throws (quota, disabled storage). The
 * stored text is untrusted: size, nesting depth and prototype keys are checked before it is used.
 */
function safeStorage(storage: KeyValueStorage, onError: (msg: string) => void): PersistStorage<Persisted> {
  return {
    getItem: (name) => {
      try {
        const text = storage.getItem(name);
        if (text === null) return null;
        return parseUntrustedJson(text, {
          what: 'the saved session',
          maxChars: MAX_SESSION_CHARS,
        }) as StorageValue<Persisted>;
      } catch {
        onError('Your last session could not be read, so ParaKV started from the default scenario.');
        return null;
      }
    },
    setItem: (name, value) => {
      try {
        storage.setItem(name, stringifyBounded(value, 'the session'));
      } catch (e) {
        onError(
          `Could not save your session in this browser (${e instanceof Error ? e.message : String(e)}). Your work is still in the page and in the link.`,
        );
      }
    },
    removeItem: (name) => {
      try {
        storage.removeItem(name);
      } catch {
        // nothing to lose
      }
    },
  };
}

const DETAIL_TABS: readonly DetailTab[] = ['memory', 'kv', 'gantt', 'roofline', 'latency', 'command'];

export function createAppStore(deps: StoreDeps): AppStore {
  const now = deps.now ?? (() => Date.now());
  let run: SearchRun | null = null;
  let simJob = 0;
  let simRun: SimulationRun | null = null;
  const simulate = deps.simulate ?? simulateOnMainThread;
  let job = 0;
  let lastProgressAt = 0;
  let storeRef: AppStore | null = null;
  /** The next search keeps the selected plan (a shared link's) instead of selecting rank 1. */
  let keepSelectionNext = false;

  const store: AppStore = createStore<AppState>()(
    persist(
      (set, get) => {
        const savedMsg = (msg: string) =>
          set((s) => ({ saved: { ...s.saved, messages: [...s.saved.messages, msg].slice(-5) } }));
        const reload = () => {
          const { items, errors } = loadLibrary(deps.storage, validateScenarioJson);
          set((s) => ({ saved: { items, messages: [...s.saved.messages, ...errors.map((e) => e.error)].slice(-5) } }));
        };
        return {
          scenario: DEFAULT_SCENARIO,
          fieldErrors: {},
          searchOptions: DEFAULT_SEARCH_DRAFT,
          search: IDLE_SEARCH(deps.search.label),
          view: {
            detailTab: 'memory',
            theme: 'system',
            sort: { key: 'rank', dir: 'asc' },
            compare: [],
            ganttPhases: 'both',
            savedOpen: false,
            toast: null,
          },
          saved: { items: [], messages: [] },
          banner: null,
          sim: IDLE_SIM,

          setScenario: (scenario) => set({ scenario, fieldErrors: {} }),
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
          setField: (path, value, opts) => {
            const r = editScenario(get().scenario, path, value);
            const key = pathKey(path);
            if (!r.ok) {
              set((s) => ({ fieldErrors: { ...s.fieldErrors, [key]: r.message } }));
              return false;
            }
            const fixed = opts?.keepPlanValid
              ? withValidPlan(r.scenario, opts.keepPlanValid)
              : { scenario: r.scenario, toast: null };
            set((s) => {
              const fieldErrors = { ...s.fieldErrors };
              delete fieldErrors[key];
              return {
                scenario: fixed.scenario,
                fieldErrors,
                view: fixed.toast ? { ...s.view, toast: fixed.toast } : s.view,
              };
            });
            return true;
          },
          clearFieldError: (path) =>
            set((s) => {
              const key = pathKey(path);
              if (!(key in s.fieldErrors)) return {};
              const fieldErrors = { ...s.fieldErrors };
              delete fieldErrors[key];
              return { fieldErrors };
            }),
          setModelOrCluster: (patch) => {
            const cur = get().scenario;
            const parsed = parseScenario({ ...cur, ...patch });
            const what = patch.model !== undefined ? 'model' : 'cluster';
            if (!parsed.ok) {
              set((s) => ({ fieldErrors: { ...s.fieldErrors, [what]: parsed.errors[0] ?? 'invalid value' } }));
              return;
            }
            const fixed = withValidPlan(parsed.scenario, what);
            set((s) => ({
              scenario: fixed.scenario,
              fieldErrors: {},
              view: fixed.toast ? { ...s.view, toast: fixed.toast } : s.view,
            }));
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

          simulateSelected: () => {
            simRun?.cancel();
            simRun = null;
            const scenario = get().scenario;
            const key = scenarioKey(scenario);
            const id = ++simJob;
            const startedAt = now();
            let r: SimulationRun;
            try {
              r = asSimulationRun(simulate(scenario));
            } catch (e) {
              set({ sim: { ...IDLE_SIM, key, status: 'error', error: e instanceof Error ? e.message : String(e) } });
              return;
            }
            simRun = r;
            set({ sim: { key, status: 'running', result: null, error: null, startedAt, where: r.where ?? null } });
            r.promise.then(
              (result) => {
                if (id !== simJob) return;
                simRun = null;
                set({ sim: { key, status: 'done', result, error: null, startedAt: null, where: r.where ?? null } });
              },
              (e: unknown) => {
                if (id !== simJob) return;
                simRun = null;
                if (isCancelled(e)) set({ sim: IDLE_SIM });
                else
                  set({
                    sim: {
                      key,
                      status: 'error',
                      result: null,
                      error: e instanceof Error ? e.message : String(e),
                      startedAt: null,
                      where: r.where ?? null,
                    },
                  });
              },
            );
          },
          cancelSimulation: () => {
            if (get().sim.status !== 'running') return;
            simJob++;
            simRun?.cancel();
            simRun = null;
            set({ sim: IDLE_SIM });
          },

          setDetailTab: (detailTab) => set((s) => ({ view: { ...s.view, detailTab } })),
          setTheme: (theme) => set((s) => ({ view: { ...s.view, theme } })),
          setSort: (key) =>
            set((s) => {
              const cur = s.view.sort;
              const defaultDir: 'asc' | 'desc' =
                key === 'throughput' || key === 'goodput' || key === 'headroom' ? 'desc' : 'asc';
              const dir = cur.key === key ? (cur.dir === 'asc' ? 'desc' : 'asc') : defaultDir;
              return { view: { ...s.view, sort: { key, dir } } };
            }),
          toggleCompare: (id) =>
            set((s) => {
              const has = s.view.compare.includes(id);
              const compare = has ? s.view.compare.filter((x) => x !== id) : [...s.view.compare, id].slice(-2);
              return { view: { ...s.view, compare } };
            }),
          clearCompare: () => set((s) => ({ view: { ...s.view, compare: [] } })),
          setGanttPhases: (ganttPhases) => set((s) => ({ view: { ...s.view, ganttPhases } })),
          setSavedOpen: (savedOpen) => set((s) => ({ view: { ...s.view, savedOpen } })),
          setToast: (toast) => set((s) => ({ view: { ...s.view, toast } })),
          setBanner: (banner) => set({ banner }),

          reloadSaved: reload,
          saveCurrent: (name) => {
            const r = saveScenario(deps.storage, name, get().scenario);
            if (!r.ok) {
              savedMsg(r.error);
              return false;
            }
            reload();
            return true;
          },
          renameSaved: (id, name) => {
            const r = renameScenario(deps.storage, id, name);
            if (!r.ok) savedMsg(r.error);
            reload();
            return r.ok;
          },
          duplicateSaved: (id) => {
            const r = duplicateScenario(deps.storage, id);
            if (!r.ok) savedMsg(r.error);
            reload();
            return r.ok;
          },
          deleteSaved: (id) => {
            const r = deleteScenario(deps.storage, id);
            if (!r.ok) savedMsg(r.error);
            reload();
            return r.ok;
          },
          openSaved: (id) => {
            const item = get().saved.items.find((i) => i.id === id);
            if (!item) {
              savedMsg('That saved scenario no longer exists.');
              return false;
            }
            set((s) => ({
              scenario: item.scenario,
              fieldErrors: {},
              view: { ...s.view, toast: `Opened “${item.name}”.` },
            }));
            return true;
          },
          importSaved: (text) => {
            const { items, errors } = importLibraryJson(text, validateScenarioJson);
            const messages = errors.map((e) => e.error);
            let added = 0;
            if (items.length > 0) {
              const r = addScenarios(deps.storage, items);
              if (r.ok) added = r.value.length;
              else messages.push(r.error);
            }
            if (messages.length > 0)
              set((s) => ({ saved: { ...s.saved, messages: [...s.saved.messages, ...messages].slice(-5) } }));
            reload();
            return { added, errors: messages };
          },
          exportSaved: () => exportLibraryJson(get().saved.items),
          dismissSavedMessages: () => set((s) => ({ saved: { ...s.saved, messages: [] } })),
        };
      },
      {
        name: SESSION_KEY,
        version: 1,
        skipHydration: true,
        storage: safeStorage(deps.storage, (message) => {
          // Reported once; the app keeps working from memory and the URL.
          const st = storeRef?.getState();
          if (st && st.banner?.kind !== 'storage-error') st.setBanner({ kind: 'storage-error', message });
        }),
        partialize: (s): Persisted => ({
          scenario: s.scenario,
          searchOptions: s.searchOptions,
          view: { theme: s.view.theme, detailTab: s.view.detailTab, ganttPhases: s.view.ganttPhases },
        }),
        migrate: (persisted) => persisted as Persisted,
        merge: (persisted, current) => {
          const p = (persisted ?? {}) as Partial<Record<keyof Persisted, unknown>>;
          let scenario = current.scenario;
          let banner = current.banner;
          if (p.scenario !== undefined) {
            const r = parseScenario(p.scenario);
            if (r.ok) scenario = r.scenario;
            else
              banner = {
                kind: 'session-error',
                message: `Your last session could not be restored (${r.errors[0] ?? 'invalid scenario'}), so ParaKV started from the default scenario.`,
              };
          }
          const v = (p.view ?? {}) as Partial<ViewState>;
          const view: ViewState = {
            ...current.view,
            theme: v.theme === 'light' || v.theme === 'dark' || v.theme === 'system' ? v.theme : current.view.theme,
            detailTab:
              typeof v.detailTab === 'string' && DETAIL_TABS.includes(v.detailTab)
                ? v.detailTab
                : current.view.detailTab,
            ganttPhases:
              v.ganttPhases === 'both' || v.ganttPhases === 'decode' || v.ganttPhases === 'prefill'
                ? v.ganttPhases
                : current.view.ganttPhases,
          };
          return { ...current, scenario, banner, searchOptions: sanitizeSearchDraft(p.searchOptions), view };
        },
      },
    ),
  );
  // A simulation of a scenario that is no longer current is wasted work: stop it (and drop its result).
  store.subscribe((st, prev) => {
    if (st.scenario !== prev.scenario && st.sim.status === 'running' && st.sim.key !== scenarioKey(st.scenario))
      st.cancelSimulation();
  });
  storeRef = store;
  return store;
}
