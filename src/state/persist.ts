/**
 * The session the app keeps between visits: zustand `persist` (version 1, skipHydration) stores the
 * scenario, the search draft and a few view prefs under `parakv.session`; main.tsx rehydrates before
 * applying the URL hash. The stored text is untrusted: each part is validated (the scenario by its
 * schema, the search draft field by field, the view prefs by their allowed values) when restored.
 */
import type { PersistOptions, PersistStorage, StorageValue } from 'zustand/middleware';
import { parseUntrustedJson, stringifyBounded } from '../core/json/untrusted.ts';
import { MAX_TRACE_DATA_CHARS, type Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { sanitizeSearchDraft, type SearchOptionsDraft } from './search-draft.ts';
import type { AppState, DetailTab, ViewState } from './types.ts';

export const SESSION_KEY = 'parakv.session';

export interface Persisted {
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
  // zustand persist writes on every store change — during a search, every progress update — but the
  // session changes only with the scenario, the draft or a view pref; stringifying a scenario with a
  // large inline trace each time cost ~80 ms main-thread tasks (Chromium profile, 70k-candidate search).
  let written: StorageValue<Persisted> | null = null;
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
      if (written && sameSession(written, value)) return;
      try {
        storage.setItem(name, stringifyBounded(value, 'the session'));
        written = value;
      } catch (e) {
        written = null;
        onError(
          `Could not save your session in this browser (${e instanceof Error ? e.message : String(e)}). Your work is still in the page and in the link.`,
        );
      }
    },
    removeItem: (name) => {
      written = null;
      try {
        storage.removeItem(name);
      } catch {
        // nothing to lose
      }
    },
  };
}

/** Same stored session: the same scenario and draft objects (the store replaces them on every edit) and view prefs. */
function sameSession(a: StorageValue<Persisted>, b: StorageValue<Persisted>): boolean {
  const x = a.state;
  const y = b.state;
  return (
    a.version === b.version &&
    x.scenario === y.scenario &&
    x.searchOptions === y.searchOptions &&
    x.view.theme === y.view.theme &&
    x.view.detailTab === y.view.detailTab &&
    x.view.ganttPhases === y.view.ganttPhases
  );
}

const DETAIL_TABS: readonly DetailTab[] = ['memory', 'kv', 'gantt', 'roofline', 'latency', 'command'];

/** The persist options; storage failures are reported through `onStorageError` (the app keeps working). */
export function sessionPersistOptions(
  storage: KeyValueStorage,
  onStorageError: (message: string) => void,
): PersistOptions<AppState, Persisted> {
  return {
    name: SESSION_KEY,
    version: 1,
    skipHydration: true,
    storage: safeStorage(storage, onStorageError),
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
          typeof v.detailTab === 'string' && DETAIL_TABS.includes(v.detailTab) ? v.detailTab : current.view.detailTab,
        ganttPhases:
          v.ganttPhases === 'both' || v.ganttPhases === 'decode' || v.ganttPhases === 'prefill'
            ? v.ganttPhases
            : current.view.ganttPhases,
      };
      return { ...current, scenario, banner, searchOptions: sanitizeSearchDraft(p.searchOptions), view };
    },
  };
}
