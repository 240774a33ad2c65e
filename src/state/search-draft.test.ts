import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OBJECTIVES } from '../core/search/objectives.ts';
import type { KeyValueStorage } from '../core/share/saved.ts';
import { SPEC_METHODS } from '../core/spec/types.ts';
import {
  DEFAULT_SEARCH_DRAFT,
  sanitizeSearchDraft,
  searchDraftSchema,
  type SearchOptionsDraft,
} from './search-draft.ts';
import { createAppStore, SESSION_KEY } from './store.ts';

class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => void this.map.set(k, v);
  removeItem = (k: string) => void this.map.delete(k);
}

const noSearch = {
  label: 'none',
  run: () => {
    throw new Error('no search in this test');
  },
};

/** A draft a person could have produced in the search panel (every field within the schema's bounds). */
const validDraft: fc.Arbitrary<SearchOptionsDraft> = fc.record({
  objective: fc.constantFrom(...OBJECTIVES),
  secondary: fc.constantFrom(...OBJECTIVES),
  allowTpAcrossNodes: fc.boolean(),
  allowDisaggregation: fc.boolean(),
  kvDtypes: fc.array(fc.constantFrom('fp8', 'bf16', 'int8', 'fp16'), { maxLength: 8 }),
  kvStrategies: fc.array(fc.constantFrom('none', 'fp8', 'kivi2'), { maxLength: 32 }),
  allowLossy: fc.boolean(),
  allowNearLossless: fc.boolean(),
  maxNumSeqs: fc.array(fc.integer({ min: 1, max: 65_536 }), { maxLength: 16 }),
  maxBatchedTokens: fc.array(fc.integer({ min: 16, max: 1_048_576 }), { maxLength: 16 }),
  speculative: fc.array(
    fc.oneof(
      fc.constant('off' as const),
      fc.record({ method: fc.constantFrom(...SPEC_METHODS), draftTokens: fc.integer({ min: 1, max: 8 }) }),
    ),
    { maxLength: 16 },
  ),
  top: fc.integer({ min: 1, max: 200 }),
  simulateTop: fc.integer({ min: 0, max: 64 }),
  replicas: fc.constantFrom('all' as const, 'max' as const),
});

/** A value no field of the draft accepts as a whole. */
const junk = fc.constantFrom<unknown>(null, 'rm -rf', -1, 1.5, { a: 1 }, Number.NaN);

describe('the persisted search draft (zod schema, repaired field by field)', () => {
  it('keeps a valid draft exactly as stored', () => {
    fc.assert(
      fc.property(validDraft, (d) => {
        expect(searchDraftSchema.safeParse(d).success).toBe(true);
        expect(sanitizeSearchDraft(d)).toEqual(d);
      }),
    );
  });

  it('replaces only the corrupted field by its default; every other field survives', () => {
    const keys = Object.keys(searchDraftSchema.shape) as (keyof SearchOptionsDraft)[];
    fc.assert(
      fc.property(validDraft, fc.constantFrom(...keys), junk, (d, key, bad) => {
        const out = sanitizeSearchDraft({ ...d, [key]: bad });
        // Lists and scalars alike fall back to their default (speculative has none: it is left out).
        const expected: Partial<SearchOptionsDraft> = { ...d, [key]: DEFAULT_SEARCH_DRAFT[key] };
        if (expected[key] === undefined) delete expected[key];
        expect(out).toEqual(expected);
      }),
    );
  });

  it('always yields a draft the schema accepts, and repairing twice changes nothing', () => {
    const anyField = fc.oneof(junk, fc.boolean(), fc.integer(), fc.array(fc.oneof(junk, fc.integer(), fc.string())));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...Object.keys(searchDraftSchema.shape)), anyField), (o) => {
        const once = sanitizeSearchDraft(o);
        expect(searchDraftSchema.safeParse(once).success).toBe(true);
        expect(sanitizeSearchDraft(once)).toEqual(once);
      }),
    );
  });

  it('keeps a list’s valid entries, trimmed to the list’s maximum length', () => {
    const d = sanitizeSearchDraft({
      maxNumSeqs: [64, -1, 1.5, '128', 128],
      kvDtypes: ['fp8', '<script>', 'bf16'],
      maxBatchedTokens: Array.from({ length: 20 }, (_, i) => 1024 * (i + 1)),
      speculative: ['off', { method: 'eagle', draftTokens: 99 }, { method: 'mtp', draftTokens: 2 }],
    });
    expect(d.maxNumSeqs).toEqual([64, 128]);
    expect(d.kvDtypes).toEqual(['fp8', 'bf16']);
    expect(d.maxBatchedTokens).toHaveLength(16);
    expect(d.speculative).toEqual(['off', { method: 'mtp', draftTokens: 2 }]);
  });

  it('restores a stored session whose draft has one bad field: the bad field is repaired, the rest kept', async () => {
    const storage = new MapStorage();
    const stored = {
      ...DEFAULT_SEARCH_DRAFT,
      objective: 'throughput-per-gpu',
      allowDisaggregation: true,
      maxNumSeqs: [64, 256],
      top: 'lots',
    };
    storage.setItem(SESSION_KEY, JSON.stringify({ state: { searchOptions: stored }, version: 1 }));
    const store = createAppStore({ storage, search: noSearch });
    await store.persist.rehydrate();
    const o = store.getState().searchOptions;
    expect(o).toEqual({ ...stored, top: DEFAULT_SEARCH_DRAFT.top });
    expect(store.getState().banner).toBeNull();
  });
});
