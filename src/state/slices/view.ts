/**
 * The view slice: tabs, theme, table sort, plans picked for comparison, the short-lived toast, and
 * the one app-level banner (bad link, storage failure, restored session problem). Not shared in links.
 */
import type { AppSlice, ViewState } from '../types.ts';

export const INITIAL_VIEW: ViewState = {
  detailTab: 'memory',
  theme: 'system',
  sort: { key: 'rank', dir: 'asc' },
  compare: [],
  ganttPhases: 'both',
  savedOpen: false,
  toast: null,
};

export const createViewSlice: AppSlice<
  | 'view'
  | 'banner'
  | 'setDetailTab'
  | 'setTheme'
  | 'setSort'
  | 'toggleCompare'
  | 'clearCompare'
  | 'setGanttPhases'
  | 'setSavedOpen'
  | 'setToast'
  | 'setBanner'
> = (set) => ({
  view: INITIAL_VIEW,
  banner: null,

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
});
