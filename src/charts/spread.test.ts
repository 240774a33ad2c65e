import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spreadLabels } from './spread';

describe('spreadLabels', () => {
  it('leaves labels that do not collide where they want to be', () => {
    expect(
      spreadLabels(
        [
          { at: 10, size: 5 },
          { at: 40, size: 5 },
        ],
        0,
        100,
      ),
    ).toEqual([10, 40]);
  });

  it('pushes the later of two colliding labels down by size + gap', () => {
    expect(
      spreadLabels(
        [
          { at: 12, size: 13 },
          { at: 10, size: 13 },
        ],
        0,
        100,
        2,
      ),
    ).toEqual([25, 10]);
  });

  it('pulls labels back inside the upper bound', () => {
    expect(
      spreadLabels(
        [
          { at: 95, size: 10 },
          { at: 96, size: 10 },
        ],
        0,
        100,
        0,
      ),
    ).toEqual([80, 90]);
  });

  it('never overlaps, keeps order, and stays in bounds when the labels fit', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.double({ min: -50, max: 250, noNaN: true }),
            size: fc.double({ min: 1, max: 20, noNaN: true }),
          }),
          {
            maxLength: 12,
          },
        ),
        (items) => {
          const gap = 2;
          const pos = spreadLabels(items, 0, 200, gap);
          const idx = items.map((_, i) => i).sort((a, b) => (pos[a] ?? 0) - (pos[b] ?? 0));
          for (let k = 1; k < idx.length; k++) {
            const a = idx[k - 1] ?? 0;
            const b = idx[k] ?? 0;
            expect((pos[b] ?? 0) - (pos[a] ?? 0)).toBeGreaterThanOrEqual((items[a]?.size ?? 0) + gap - 1e-9);
          }
          const total = items.reduce((s, it) => s + it.size + gap, 0);
          if (total <= 200)
            for (const [i, p] of pos.entries()) {
              expect(p).toBeGreaterThanOrEqual(-1e-9);
              expect(p + (items[i]?.size ?? 0)).toBeLessThanOrEqual(200 + 1e-9);
            }
        },
      ),
    );
  });
});
