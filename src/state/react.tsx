/**
 * React access to the app store. The store instance is provided by context (main.tsx creates it
 * with the browser's storage and search backend; tests can provide their own). Components select
 * primitives, or wrap object/array selections in `useShallow` (zustand v5 re-renders on every new
 * reference otherwise).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/shallow';
import type { AppState, AppStore } from './store.ts';

const StoreContext = createContext<AppStore | null>(null);

export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreProvider>');
  return store;
}

/** Select from the store. Return primitives or stable references (or use useAppShallow). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), selector);
}

/** Select an object or array of values compared shallowly. */
export function useAppShallow<T>(selector: (s: AppState) => T): T {
  return useStore(useAppStore(), useShallow(selector));
}

/** The store's actions (stable functions). */
export function useActions(): AppState {
  return useAppStore().getState();
}
