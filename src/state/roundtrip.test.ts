/**
 * The store never holds a scenario its own loaders refuse: every scenario an edit commits comes back
 * unchanged from a shared link and from a restored session (issue: a KIVI-2 strategy followed by
 * precision.kvCache = fp8 was accepted by the store, written to the URL, then refused on reload).
 */
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { scenarioFromLink, scenarioToLink } from '../core/share/scenario-link.ts';
import type { FieldPath } from './paths.ts';
import type { SearchBackend } from './search-backend.ts';
import { createAppStore } from './store.ts';

class MemStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

const idleSearch: SearchBackend = {
  label: 'test',
  run: () => ({ promise: new Promise(() => {}), cancel: () => {} }),
};

const newStore = (storage = new MemStorage()) => createAppStore({ storage, search: idleSearch });

/** Edits a user can make in the inputs column, valid and invalid values alike. */
const edit: fc.Arbitrary<[FieldPath, unknown]> = fc.oneof(
  fc.tuple(fc.constant(['precision', 'kvCache'] as FieldPath), fc.constantFrom('bf16', 'fp16', 'fp8', 'int8', 'int4')),
  fc.tuple(
    fc.constant(['runtime', 'kvStrategy'] as FieldPath),
    fc.constantFrom(
      undefined,
      { quant: { dtype: 'kivi2' } },
      { quant: { dtype: 'fp8' } },
      { quant: { dtype: 'int4' } },
      { evict: { policy: 'h2o', budget: { fraction: 0.2 } } },
    ),
  ),
  fc.tuple(fc.constant(['runtime', 'maxNumSeqs'] as FieldPath), fc.integer({ min: -5, max: 70_000 })),
  fc.tuple(fc.constant(['plan', 'tp'] as FieldPath), fc.constantFrom(1, 2, 4, 8, 3, 0)),
  fc.tuple(fc.constant(['workload', 'inputTokens'] as FieldPath), fc.integer({ min: -1, max: 300_000 })),
  fc.tuple(fc.constant(['slo', 'tpotMs'] as FieldPath), fc.double({ min: -1, max: 1e5, noNaN: false })),
);

describe('what the store accepts, its loaders accept', () => {
  it('refuses precision.kvCache = fp8 under a KIVI-2 strategy, and keeps the scenario', () => {
    const store = newStore();
    expect(store.getState().setField(['runtime', 'kvStrategy'], { quant: { dtype: 'kivi2' } })).toBe(true);
    const before = store.getState().scenario;
    expect(store.getState().setField(['precision', 'kvCache'], 'fp8')).toBe(false);
    expect(store.getState().scenario).toBe(before);
    expect(Object.values(store.getState().fieldErrors).join()).toMatch(/kivi2 conflicts with precision\.kvCache = fp8/);
  });

  fcTest.prop([fc.array(edit, { minLength: 1, maxLength: 8 })], { numRuns: 60 })(
    'every accepted scenario round-trips through a link and a restored session',
    async (edits) => {
      const storage = new MemStorage();
      const store = newStore(storage);
      await store.persist.rehydrate();
      for (const [path, value] of edits) store.getState().setField(path, value);
      const scenario = store.getState().scenario;
      const link = await scenarioFromLink(await scenarioToLink(scenario));
      expect(link.ok && link.value).toEqual(scenario);
      const restored = newStore(storage);
      await restored.persist.rehydrate();
      expect(restored.getState().banner).toBeNull();
      expect(restored.getState().scenario).toEqual(scenario);
    },
  );
});
