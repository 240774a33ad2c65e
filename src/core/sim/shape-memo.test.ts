import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchShape } from '../cost/batch.ts';
import { ShapeMemo } from './shape-memo.ts';
import type { StepTimes } from './stepcost.ts';

const shapeArb = fc.record({
  tokens: fc.integer({ min: 0, max: 40 }),
  seqs: fc.integer({ min: 0, max: 8 }),
  logitTokens: fc.integer({ min: 0, max: 8 }),
  attnPairs: fc.integer({ min: 0, max: 3 }),
  attnPairsWindow: fc.integer({ min: 0, max: 3 }),
  kvReadTokens: fc.integer({ min: 0, max: 3 }),
  kvReadTokensWindow: fc.integer({ min: 0, max: 3 }),
  decodeKvReadTokens: fc.integer({ min: 0, max: 3 }),
  decodeKvReadTokensWindow: fc.integer({ min: 0, max: 3 }),
  decodeSeqs: fc.integer({ min: 0, max: 3 }),
  decodeOnly: fc.boolean(),
  kvDecode: fc.option(
    fc.record({
      eq: fc.integer({ min: 0, max: 16 }).map((x) => x / 4),
      eqWindow: fc.constantFrom(0, 1.5),
      extraFlops: fc.constantFrom(0, 1e9),
      extraFlopsWindow: fc.constant(0),
      h2dBytes: fc.constantFrom(0, 4096),
    }),
    { nil: undefined },
  ),
});

/** The key ShapeMemo must distinguish: every field, decodeOnly and the strategy sums included. */
const keyOf = (s: BatchShape) => JSON.stringify(s);

describe('ShapeMemo', () => {
  it('hits exactly the shapes stored, with their times, across growth (a Map as reference)', () => {
    fc.assert(
      fc.property(fc.array(shapeArb, { minLength: 1, maxLength: 1500 }), (drawn) => {
        // Twice over: the second pass must hit every shape of the first.
        const shapes = [...drawn, ...drawn];
        const pp = 2;
        const memo = new ShapeMemo(pp);
        const ref = new Map<string, StepTimes>();
        const out: StepTimes = { stageS: new Float64Array(pp), p2pS: 0, overheadS: 0 };
        shapes.forEach((s, i) => {
          const want = ref.get(keyOf(s));
          const hit = memo.get(s, out);
          // At most 1,500 distinct shapes: below the cap, so nothing is dropped.
          expect(hit).toBe(want !== undefined);
          if (hit) {
            expect(want).toBeDefined();
            expect(Array.from(out.stageS)).toEqual(Array.from(want!.stageS));
            expect(out.p2pS).toBe(want!.p2pS);
            expect(out.overheadS).toBe(want!.overheadS);
          } else {
            const t: StepTimes = { stageS: Float64Array.of(i, i + 0.5), p2pS: i / 7, overheadS: -i };
            memo.set(t);
            ref.set(keyOf(s), t);
          }
        });
      }),
      { numRuns: 30 },
    );
  });

  it('keeps working once full: cleared at the cap, the newest shape still hits', () => {
    const memo = new ShapeMemo(1);
    const out: StepTimes = { stageS: new Float64Array(1), p2pS: 0, overheadS: 0 };
    for (let i = 0; i < 10_000; i++) {
      const s: BatchShape = {
        tokens: i,
        seqs: 1,
        logitTokens: 1,
        attnPairs: i,
        attnPairsWindow: i,
        kvReadTokens: i,
        kvReadTokensWindow: i,
        decodeKvReadTokens: 0,
        decodeKvReadTokensWindow: 0,
        decodeSeqs: 0,
        decodeOnly: false,
      };
      expect(memo.get(s, out)).toBe(false);
      memo.set({ stageS: Float64Array.of(i), p2pS: 0, overheadS: 0 });
      expect(memo.get(s, out)).toBe(true);
      expect(out.stageS[0]).toBe(i);
    }
  });
});
