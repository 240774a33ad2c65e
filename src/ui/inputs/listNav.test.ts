import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextActiveIndex } from './listNav.ts';

describe('nextActiveIndex (model list keyboard navigation, issue 14)', () => {
  it('moves, wraps and jumps', () => {
    expect(nextActiveIndex(-1, 'ArrowDown', 5)).toBe(0);
    expect(nextActiveIndex(-1, 'ArrowUp', 5)).toBe(4);
    expect(nextActiveIndex(4, 'ArrowDown', 5)).toBe(0);
    expect(nextActiveIndex(0, 'ArrowUp', 5)).toBe(4);
    expect(nextActiveIndex(2, 'Home', 5)).toBe(0);
    expect(nextActiveIndex(2, 'End', 5)).toBe(4);
    expect(nextActiveIndex(2, 'a', 5)).toBeNull();
    expect(nextActiveIndex(0, 'ArrowDown', 0)).toBeNull();
    // A stale index (the filtered list shrank) restarts from the ends.
    expect(nextActiveIndex(9, 'ArrowDown', 3)).toBe(0);
  });

  it('always lands inside the list (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5, max: 300 }),
        fc.constantFrom('ArrowDown', 'ArrowUp', 'Home', 'End'),
        fc.integer({ min: 1, max: 200 }),
        (a, k, n) => {
          const r = nextActiveIndex(a, k, n)!;
          expect(r).toBeGreaterThanOrEqual(0);
          expect(r).toBeLessThan(n);
        },
      ),
    );
  });
});
