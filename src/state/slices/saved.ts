/**
 * The saved slice: the saved-scenarios library (core/share/saved over the injected storage), and the
 * problems loading, importing or writing it met, in words (the last five).
 */
import {
  addScenarios,
  deleteScenario,
  duplicateScenario,
  exportLibraryJson,
  importLibraryJson,
  loadLibrary,
  renameScenario,
  saveScenario,
} from '../../core/share/saved.ts';
import { validateScenarioJson } from '../../core/share/scenario-link.ts';
import type { AppSlice, StoreDeps } from '../types.ts';

export function createSavedSlice(
  deps: Pick<StoreDeps, 'storage'>,
): AppSlice<
  | 'saved'
  | 'reloadSaved'
  | 'saveCurrent'
  | 'renameSaved'
  | 'duplicateSaved'
  | 'deleteSaved'
  | 'openSaved'
  | 'importSaved'
  | 'exportSaved'
  | 'dismissSavedMessages'
> {
  return (set, get) => {
    const savedMsg = (msg: string) =>
      set((s) => ({ saved: { ...s.saved, messages: [...s.saved.messages, msg].slice(-5) } }));
    const reload = () => {
      const { items, errors } = loadLibrary(deps.storage, validateScenarioJson);
      set((s) => ({ saved: { items, messages: [...s.saved.messages, ...errors.map((e) => e.error)].slice(-5) } }));
    };
    return {
      saved: { items: [], messages: [] },

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
  };
}
