import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeGrid } from './codec.ts';
import { interpolateUs, interpolateUs1, interpolateUs2, interpolateUs3 } from './interp.ts';
import type { Grid } from './types.ts';

/**
 * The generic corner loop interp.ts had before its 2- and 3-axis paths were unrolled (kept here as the
 * reference): the unrolled paths must return the very same doubles, or every measured-kernel number moves.
 */
function referenceUs(g: Grid, point: readonly number[]): number {
  const d = g.logAxes.length;
  const lo: number[] = [];
  const wt: number[] = [];
  for (let i = 0; i < d; i++) {
    const ax = g.logAxes[i]!;
    const x = point[i]!;
    if (!(x > 0)) return NaN;
    const u = Math.log2(x);
    const n = ax.length;
    if (u < ax[0]! - 1e-9 || u > ax[n - 1]! + 1e-9) return NaN;
    if (n === 1) {
      lo[i] = 0;
      wt[i] = 0;
      continue;
    }
    let j = 0;
    while (j < n - 2 && ax[j + 1]! < u) j++;
    lo[i] = j;
    wt[i] = Math.min(1, Math.max(0, (u - ax[j]!) / (ax[j + 1]! - ax[j]!)));
  }
  let acc = 0;
  for (let c = 0; c < 1 << d; c++) {
    let w = 1;
    let idx = 0;
    for (let i = 0; i < d; i++) {
      const n = g.logAxes[i]!.length;
      const hi = (c >> i) & 1;
      w *= hi ? wt[i]! : 1 - wt[i]!;
      idx = idx * n + Math.min(lo[i]! + hi, n - 1);
    }
    if (w === 0) continue;
    const v = g.logUs[idx]!;
    if (Number.isNaN(v)) return NaN;
    acc += w * v;
  }
  return Math.pow(2, acc);
}

/** A random grid: 1–4 ascending power-of-two-ish axes, quantised log2 µs values with unmeasured (null) holes. */
const gridArb = fc
  .array(
    fc
      .uniqueArray(fc.integer({ min: 1, max: 1 << 16 }), { minLength: 1, maxLength: 6 })
      .map((a) => a.sort((x, y) => x - y)),
    { minLength: 1, maxLength: 4 },
  )
  .chain((axes) => {
    const size = axes.reduce((n, a) => n * a.length, 1);
    return fc
      .array(fc.option(fc.integer({ min: -300, max: 300 }), { freq: 20 }), { minLength: size, maxLength: size })
      .map((q) => decodeGrid(axes, q));
  });

describe('interpolateUs fast paths', () => {
  it('return bit-identical values to the generic corner loop (grid points, between, outside, holes)', () => {
    fc.assert(
      fc.property(
        gridArb,
        fc.array(
          fc.tuple(
            // Uniform in [−0.05, 1.05] (fc.double clusters near 0, i.e. on the axis minimum).
            fc.integer({ min: -500, max: 10500 }).map((i) => i / 10000),
            fc.integer({ min: 0, max: 3 }),
          ),
          {
            minLength: 4,
            maxLength: 4,
          },
        ),
        (g, picks) => {
          // Each coordinate: an exact axis point (1 in 4), else log-uniform over the axis range and a little beyond it.
          const point = g.axes.map((a, i) => {
            const [r, pick] = picks[i]!;
            if (pick === 0) return a[Math.min(a.length - 1, Math.floor(Math.abs(r) * a.length))]!;
            const lo = Math.log2(a[0]!);
            const hi = Math.log2(a[a.length - 1]!);
            return 2 ** (lo + (hi - lo) * r);
          });
          const want = referenceUs(g, point);
          expect(Object.is(interpolateUs(g, point), want)).toBe(true);
          // The array-free variants agree on their own rank and refuse (NaN) a point of another rank.
          const [x0, x1, x2] = point as [number, number, number];
          expect(Object.is(interpolateUs1(g, x0), point.length === 1 ? want : NaN)).toBe(true);
          expect(Object.is(interpolateUs2(g, x0, x1), point.length === 2 ? want : NaN)).toBe(true);
          expect(Object.is(interpolateUs3(g, x0, x1, x2), point.length === 3 ? want : NaN)).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('the per-grid result cache returns what the interpolation computes, through slot collisions', () => {
    const axes = [
      [1, 2, 4, 8, 16, 64, 256, 1024, 4096],
      [64, 512, 4096, 65536],
      [64, 1024, 8192],
    ];
    const q = Array.from({ length: 9 * 4 * 3 }, (_, i) => (i % 7 === 3 ? null : ((i * 37) % 61) - 30));
    const g = decodeGrid(axes, q);
    // 3 × 2,000 points, far more than the cache's slots, asked twice in interleaved order.
    const points: number[][] = [];
    for (let i = 0; i < 2000; i++) points.push([1 + ((i * 7) % 4000) / 3, 64 + i * 13, 64 + ((i * 101) % 8000)]);
    for (const pass of [0, 1])
      for (const p of pass ? [...points].reverse() : points)
        expect(Object.is(interpolateUs(g, p), referenceUs(g, p))).toBe(true);
  });

  it('reads a measured grid point back exactly and refuses non-positive coordinates', () => {
    const g = decodeGrid(
      [
        [1, 4],
        [8, 64],
        [2, 16],
      ],
      [100, 20, 30, -10, 40, 5, 5, 5],
    );
    // q is delta-coded: the 6th value is 100+20+30−10+40+5 = 185 → 2^1.85 µs.
    expect(interpolateUs(g, [4, 8, 16])).toBeCloseTo(2 ** 1.85, 12);
    expect(interpolateUs(g, [0, 8, 2])).toBeNaN();
  });
});
