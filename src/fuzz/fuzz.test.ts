/**
 * The fuzz suite inside `npm test`: 2,000 inputs per surface through the same harness as
 * `npm run fuzz` (worker thread, per-call time limit, heap limit). Inputs that hit a defect owned by
 * another area and not yet fixed on this branch are skipped and counted (surface `knownDefect`).
 * The per-call limit is 2 s here (1 s in `npm run fuzz`) so that a loaded 2-core machine does not
 * turn a slow call into a false hang; the longest call is printed by `npm run fuzz`.
 */
import { describe, expect, it } from 'vitest';
import { runSurface, type SurfaceReport } from './harness.ts';
import { SURFACES } from './surfaces/index.ts';

const RUNS = 2000;

/**
 * Fewer inputs for the engine surfaces (issue 16), whose single calls cost ms to a second instead of
 * µs: 2,000 of each would add minutes to `npm test` on 2 cores. These counts keep the three under
 * ~30 s together; `npm run fuzz` runs them at full size (see README).
 */
const ENGINE_RUNS: Record<string, number> = { estimator: 600, simulator: 200, search: 200 };

function summary(r: SurfaceReport): string {
  return [
    `${r.surface}: ${r.inputs} inputs, ${r.counts.crash} crashes, ${r.counts.hang} hangs, ${r.counts.memory} memory`,
    ...(r.stoppedEarly ? [r.stoppedEarly] : []),
    ...r.examples.map((f) => `${f.kind} #${f.index}: ${f.error}\n  input: ${f.input}`),
  ].join('\n');
}

describe('fuzz: hostile input never crashes, hangs or exhausts memory (issue 10)', () => {
  for (const surface of SURFACES) {
    const runs = ENGINE_RUNS[surface.name] ?? RUNS;
    it(`${surface.name}: ${runs} inputs (${surface.description})`, async () => {
      const r = await runSurface(surface.name, {
        runs,
        seed: 20_261_202,
        callLimitMs: 2000,
        heapLimitMb: 1024,
        skipKnown: true,
      });
      expect(r.stoppedEarly, summary(r)).toBeNull();
      expect(r.counts, summary(r)).toEqual({ crash: 0, hang: 0, memory: 0 });
      expect(r.inputs).toBe(runs);
      // Every input was accounted for: returned, refused with a documented error, or skipped.
      const skipped = Object.values(r.skipped).reduce((a, b) => a + b, 0);
      expect(r.ok + r.refused + skipped).toBe(runs);
      expect(r.peakMB).toBeLessThan(1024);
    }, 120_000);
  }
});
