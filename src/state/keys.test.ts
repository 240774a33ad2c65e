import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from './defaults.ts';
import { DEFAULT_SEARCH_DRAFT } from './store.ts';
import { fnv1a, scenarioKey, searchKey } from './keys.ts';
import type { Scenario } from '../core/scenario/schema.ts';

const withTrace = (data: string): Scenario => ({
  ...DEFAULT_SCENARIO,
  workload: { ...DEFAULT_SCENARIO.workload, trace: { format: 'apex-jsonl', data, timing: 'trace' } },
});

describe('result keys', () => {
  it('are memoised per scenario object and equal for equal scenarios', () => {
    const a = scenarioKey(DEFAULT_SCENARIO);
    expect(scenarioKey(DEFAULT_SCENARIO)).toBe(a);
    expect(scenarioKey(structuredClone(DEFAULT_SCENARIO))).toBe(a);
    expect(searchKey(structuredClone(DEFAULT_SCENARIO), { ...DEFAULT_SEARCH_DRAFT })).toBe(
      searchKey(DEFAULT_SCENARIO, DEFAULT_SEARCH_DRAFT),
    );
  });

  it('key a long trace by its length and hash, so one changed character still changes the key', () => {
    const text = 'x'.repeat(1_000_000);
    const k = scenarioKey(withTrace(text));
    expect(k.length).toBeLessThan(2000);
    expect(k).toContain(`#1000000:${fnv1a(text).toString(16)}`);
    expect(scenarioKey(withTrace(text.slice(0, -1) + 'y'))).not.toBe(k);
    expect(searchKey(withTrace(text), DEFAULT_SEARCH_DRAFT)).not.toBe(
      searchKey(withTrace(text.slice(0, -1) + 'y'), DEFAULT_SEARCH_DRAFT),
    );
  });

  it('FNV-1a matches the published test vectors', () => {
    // http://www.isthe.com/chongo/tech/comp/fnv/ (FNV-1a 32-bit): "" → 0x811c9dc5, "a" → 0xe40c292c.
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });
});
