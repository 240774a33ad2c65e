/**
 * A deliberately broken surface for harness.test.ts (not listed in surfaces/index.ts): input 3 loops
 * forever, input 5 allocates without bound, input 7 throws a TypeError, even inputs throw the
 * documented RangeError, input 9 is a known defect (skipped on request).
 */
import type { FuzzSurface } from './types.ts';

export const surface: FuzzSurface<number, null> = {
  name: 'broken-fixture',
  description: 'harness self-test',
  expectedErrors: [RangeError],
  setup: () => null,
  generate: (_rng, _ctx, index) => index,
  run(i) {
    if (i === 3) for (;;);
    if (i === 5) {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1 << 20).fill(i)); // 8 MB of old-generation arrays each
    }
    if (i === 7) throw new TypeError('fixture: reading properties of undefined');
    if (i % 2 === 0) throw new RangeError('fixture: documented refusal');
    return i;
  },
  describe: (i) => `input ${i}`,
  knownDefect: (i) => (i === 9 ? 'fixture: known defect' : null),
};
