/**
 * Log-space multilinear interpolation on a measured grid: with u_d = log2(x_d) on log2-spaced axes and
 * v = log2(latency), v(u) = Σ_corners Π_d w_d · v_corner, w_d the linear weight of u_d between its two bracketing
 * axis points. On a grid point it returns the measured latency exactly; along one axis between two points it is a
 * power law through both (latency ∝ x^α locally), which is how kernel time scales with size (constant launch floor
 * → α ≈ 0, bandwidth/compute bound → α ≈ 1). Outside an axis's range, or when a corner was not measured, it returns
 * NaN: the caller falls back to the roofline (or scales from the edge where the physics says how, see measured.ts).
 */
import type { Grid } from './types.ts';

const EPS = 1e-9;
// Scratch (single-threaded): bracket index and weight per dimension; grids have at most 4 axes.
const lo = new Int32Array(8);
const wt = new Float64Array(8);

/** Latency in µs at `point` (natural units, one value per axis), or NaN outside the grid. */
export function interpolateUs(g: Grid, point: readonly number[]): number {
  const d = g.logAxes.length;
  for (let i = 0; i < d; i++) {
    const ax = g.logAxes[i]!;
    const x = point[i]!;
    if (!(x > 0)) return NaN;
    const u = Math.log2(x);
    const n = ax.length;
    if (u < ax[0]! - EPS || u > ax[n - 1]! + EPS) return NaN;
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
  const corners = 1 << d;
  for (let c = 0; c < corners; c++) {
    let w = 1;
    let idx = 0;
    for (let i = 0; i < d; i++) {
      const n = g.logAxes[i]!.length;
      const hi = (c >> i) & 1;
      const wi = hi ? wt[i]! : 1 - wt[i]!;
      w *= wi;
      idx = idx * n + Math.min(lo[i]! + hi, n - 1);
    }
    if (w === 0) continue;
    const v = g.logUs[idx]!;
    if (Number.isNaN(v)) return NaN;
    acc += w * v;
  }
  return Math.pow(2, acc);
}

/** The largest value of axis `i`. */
export function axisMax(g: Grid, i: number): number {
  const a = g.axes[i]!;
  return a[a.length - 1]!;
}

export function axisMin(g: Grid, i: number): number {
  return g.axes[i]![0]!;
}
