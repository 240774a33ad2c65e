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
 *  - sim: an on-demand simulation of the selected plan, stale when the scenario changed since.
 *  - view: tabs, theme, table sort, plans picked for comparison. Not shared in links.
 *  - saved: the saved-scenarios library (core/share/saved over an injected storage).
 *  - banner: one app-level message (bad link, storage failure, restored session problem).
 *
 * Each job is one slice creator in ./slices/ (scenario, search, sim, view + banner, saved) over the
 * one AppState of ./types.ts; this file composes them and re-exports the public API.
 *
 * Persistence (./persist.ts): zustand `persist` (version 1, skipHydration) keeps scenario,
 * searchOptions and a few view prefs under `parakv.session`; main.tsx rehydrates before applying the
 * URL hash.
 */
import { createStore, type Mutate, type StoreApi } from 'zustand/vanilla';
import { persist } from 'zustand/middleware';
import { scenarioKey, searchKey } from './keys.ts';
import { SESSION_KEY, sessionPersistOptions, type Persisted } from './persist.ts';
import { DEFAULT_SEARCH_DRAFT, sanitizeSearchDraft, type SearchOptionsDraft } from './search-draft.ts';
import { createSavedSlice } from './slices/saved.ts';
import { createScenarioSlice, withValidPlan } from './slices/scenario.ts';
import { createSearchSlice, currentKnobsId, findCandidate } from './slices/search.ts';
import { createSimSlice } from './slices/sim.ts';
import { createViewSlice } from './slices/view.ts';
import type { AppState, StoreDeps } from './types.ts';

export { scenarioKey, searchKey, SESSION_KEY, DEFAULT_SEARCH_DRAFT, sanitizeSearchDraft, withValidPlan };
export { currentKnobsId, findCandidate };
export type { SearchOptionsDraft };
export type {
  AppState,
  Banner,
  DetailTab,
  GanttPhases,
  SavedState,
  SearchState,
  SimState,
  SortKey,
  StoreDeps,
  Theme,
  ViewState,
} from './types.ts';

/** The store with zustand's persist API (`store.persist.rehydrate()`). */
export type AppStore = Mutate<StoreApi<AppState>, [['zustand/persist', Persisted]]>;

/** One store per app (and per test): the slices of ./slices/ composed over one AppState, persisted. */
export function createAppStore(deps: StoreDeps): AppStore {
  let storeRef: AppStore | null = null;
  const store: AppStore = createStore<AppState>()(
    persist(
      (...a) => ({
        ...createScenarioSlice(...a),
        ...createSearchSlice(deps)(...a),
        ...createSimSlice(deps)(...a),
        ...createViewSlice(...a),
        ...createSavedSlice(deps)(...a),
      }),
      sessionPersistOptions(deps.storage, (message) => {
        // Reported once; the app keeps working from memory and the URL.
        const st = storeRef?.getState();
        if (st && st.banner?.kind !== 'storage-error') st.setBanner({ kind: 'storage-error', message });
      }),
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
