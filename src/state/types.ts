/**
 * The app state's shape: the fields and actions of every slice (./slices/), composed into one
 * AppState by ./store.ts. Field meanings are documented in ./store.ts.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { SimulatedEvaluation } from '../core/evaluate/simulated.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { SearchProgress, SearchResult } from '../core/search/types.ts';
import type { KeyValueStorage, SavedScenario } from '../core/share/saved.ts';
import type { SharedState } from '../core/share/scenario-link.ts';
import type { FieldPath } from './paths.ts';
import type { SearchOptionsDraft } from './search-draft.ts';
import type { SearchBackend, SimulationRun } from './search-backend.ts';

export type DetailTab = 'memory' | 'kv' | 'gantt' | 'roofline' | 'latency' | 'command';
export type Theme = 'light' | 'dark' | 'system';
export type SortKey =
  'rank' | 'throughput' | 'goodput' | 'ttftP50' | 'ttftP99' | 'tpotP50' | 'tpotP99' | 'cost' | 'energy' | 'headroom';
export type GanttPhases = 'both' | 'decode' | 'prefill';

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

/** One slice: the part of AppState it owns, created over the whole (persisted) store's set/get. */
export type AppSlice<K extends keyof AppState> = StateCreator<
  AppState,
  [['zustand/persist', unknown]],
  [],
  Pick<AppState, K>
>;
