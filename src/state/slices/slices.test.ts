import { describe, expect, it } from 'vitest';
import type { KeyValueStorage } from '../../core/share/saved.ts';
import { createAppStore } from '../store.ts';
import type { AppState, StoreDeps } from '../types.ts';
import { createSavedSlice } from './saved.ts';
import { createScenarioSlice } from './scenario.ts';
import { createSearchSlice } from './search.ts';
import { createSimSlice } from './sim.ts';
import { createViewSlice } from './view.ts';

const storage: KeyValueStorage = { getItem: () => null, setItem: () => undefined, removeItem: () => undefined };
const deps: StoreDeps = {
  storage,
  search: {
    label: 'none',
    run: () => {
      throw new Error('no search in this test');
    },
  },
};

describe('the store slices', () => {
  it('own disjoint parts of AppState that together make the whole store', () => {
    const unused = () => {
      throw new Error('a slice must not read or write the store while it is created');
    };
    const args = [unused, unused, {}] as unknown as Parameters<typeof createViewSlice>;
    const parts = [
      createScenarioSlice(...args),
      createSearchSlice(deps)(...args),
      createSimSlice(deps)(...args),
      createViewSlice(...args),
      createSavedSlice(deps)(...args),
    ].map((p) => Object.keys(p));
    const all = parts.flat();
    expect(new Set(all).size).toBe(all.length); // no slice overrides another's field
    const store = createAppStore(deps);
    expect([...all].sort()).toEqual(Object.keys(store.getState() as AppState).sort());
  });
});
