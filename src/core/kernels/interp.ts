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
// Scratch (single-threaded) for the generic path: bracket index and weight per dimension.
const loN = new Int32Array(8);
const wtN = new Float64Array(8);

/**
 * Bracket of u on one log2 axis: sets `lo`/`w` (index of the lower point, linear weight of the upper one) and returns
 * false when u lies outside the axis. The first j with ax[j+1] ≥ u, at most n − 2.
 */
let lo = 0;
let w = 0;
function bracket(ax: Float64Array, x: number): boolean {
  if (!(x > 0)) return false;
  const u = Math.log2(x);
  const n = ax.length;
  if (u < ax[0]! - EPS || u > ax[n - 1]! + EPS) return false;
  if (n === 1) {
    lo = 0;
    w = 0;
    return true;
  }
  let j = 0;
  while (j < n - 2 && ax[j + 1]! < u) j++;
  lo = j;
  w = Math.min(1, Math.max(0, (u - ax[j]!) / (ax[j + 1]! - ax[j]!)));
  return true;
}

/** One corner's term: skipped at zero weight (an unmeasured NaN corner then does not count). */
function corner(v: Float64Array, idx: number, wc: number, acc: number): number {
  return wc === 0 ? acc : acc + wc * v[idx]!;
}

/*
 * interp2 / interp3 unroll the generic corner loop for the 2- and 3-axis grids (GEMM, attention, collectives: the
 * simulator interpolates ~10⁴ times per plan). Same corners in the same order (bit i of the corner = upper point
 * on axis i), same products (w0·w1·w2 left to right) and the same sum order as interpN, so the results are
 * bit-identical; a NaN corner of non-zero weight makes the sum NaN, as interpN's early return does.
 */
function interp2(g: Grid, x0: number, x1: number): number {
  const [a0, a1] = g.logAxes as [Float64Array, Float64Array];
  if (!bracket(a0, x0)) return NaN;
  const l0 = lo;
  const w0 = w;
  if (!bracket(a1, x1)) return NaN;
  const l1 = lo;
  const w1 = w;
  const n0 = a0.length;
  const n1 = a1.length;
  const i0 = l0;
  const j0 = Math.min(l0 + 1, n0 - 1);
  const i1 = l1;
  const j1 = Math.min(l1 + 1, n1 - 1);
  const u0 = 1 - w0;
  const u1 = 1 - w1;
  const v = g.logUs;
  let acc = 0;
  acc = corner(v, i0 * n1 + i1, u0 * u1, acc);
  acc = corner(v, j0 * n1 + i1, w0 * u1, acc);
  acc = corner(v, i0 * n1 + j1, u0 * w1, acc);
  acc = corner(v, j0 * n1 + j1, w0 * w1, acc);
  return Math.pow(2, acc);
}

function interp3(g: Grid, x0: number, x1: number, x2: number): number {
  const [a0, a1, a2] = g.logAxes as [Float64Array, Float64Array, Float64Array];
  if (!bracket(a0, x0)) return NaN;
  const l0 = lo;
  const w0 = w;
  if (!bracket(a1, x1)) return NaN;
  const l1 = lo;
  const w1 = w;
  if (!bracket(a2, x2)) return NaN;
  const l2 = lo;
  const w2 = w;
  const n0 = a0.length;
  const n1 = a1.length;
  const n2 = a2.length;
  const i0 = l0;
  const j0 = Math.min(l0 + 1, n0 - 1);
  const i1 = l1;
  const j1 = Math.min(l1 + 1, n1 - 1);
  const i2 = l2;
  const j2 = Math.min(l2 + 1, n2 - 1);
  const u0 = 1 - w0;
  const u1 = 1 - w1;
  const u2 = 1 - w2;
  const v = g.logUs;
  let acc = 0;
  acc = corner(v, (i0 * n1 + i1) * n2 + i2, u0 * u1 * u2, acc);
  acc = corner(v, (j0 * n1 + i1) * n2 + i2, w0 * u1 * u2, acc);
  acc = corner(v, (i0 * n1 + j1) * n2 + i2, u0 * w1 * u2, acc);
  acc = corner(v, (j0 * n1 + j1) * n2 + i2, w0 * w1 * u2, acc);
  acc = corner(v, (i0 * n1 + i1) * n2 + j2, u0 * u1 * w2, acc);
  acc = corner(v, (j0 * n1 + i1) * n2 + j2, w0 * u1 * w2, acc);
  acc = corner(v, (i0 * n1 + j1) * n2 + j2, u0 * w1 * w2, acc);
  acc = corner(v, (j0 * n1 + j1) * n2 + j2, w0 * w1 * w2, acc);
  return Math.pow(2, acc);
}

/** Any number of axes (the 1-axis MoE curves, and the reference the unrolled paths follow). */
function interpN(g: Grid, point: ArrayLike<number>): number {
  const d = g.logAxes.length;
  for (let i = 0; i < d; i++) {
    if (!bracket(g.logAxes[i]!, point[i]!)) return NaN;
    loN[i] = lo;
    wtN[i] = w;
  }
  let acc = 0;
  const corners = 1 << d;
  for (let c = 0; c < corners; c++) {
    let wc = 1;
    let idx = 0;
    for (let i = 0; i < d; i++) {
      const n = g.logAxes[i]!.length;
      const hi = (c >> i) & 1;
      wc *= hi ? wtN[i]! : 1 - wtN[i]!;
      idx = idx * n + Math.min(loN[i]! + hi, n - 1);
    }
    if (wc === 0) continue;
    const val = g.logUs[idx]!;
    if (Number.isNaN(val)) return NaN;
    acc += wc * val;
  }
  return Math.pow(2, acc);
}

/**
 * Recent results per grid (a direct-mapped cache of MEMO_SLOTS points): the simulator asks the same shapes over and
 * over (a plan's ~10⁴ interpolations per run hit ~1,300 distinct points), and a grid never changes once decoded, so
 * a hit returns the very value the interpolation would. Keyed on the exact coordinates (compared with ===).
 */
const MEMO_SLOTS = 512;
const MEMO_AXES = 4;
interface GridMemo {
  x: Float64Array;
  v: Float64Array;
  filled: Uint8Array;
}
const memos = new WeakMap<Grid, GridMemo>();

function memoOf(g: Grid): GridMemo {
  let m = memos.get(g);
  if (!m) {
    m = {
      x: new Float64Array(MEMO_SLOTS * MEMO_AXES),
      v: new Float64Array(MEMO_SLOTS),
      filled: new Uint8Array(MEMO_SLOTS),
    };
    memos.set(g, m);
  }
  return m;
}

/** The point being interpolated (single-threaded scratch), so the hot 1- to 3-axis calls allocate no array. */
const pt = new Float64Array(MEMO_AXES);

/**
 * A slot for the point in `pt`: FNV-1a over each coordinate folded to 32 bits (scaled by an odd non-integer so
 * small integers and fractions spread over the low bits). The memo compares the exact coordinates, so points that
 * share a slot only evict each other.
 */
function slotOf(d: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < d; i++) h = Math.imul(h ^ ((pt[i]! * 40503.1377) | 0), 0x01000193);
  return (h ^ (h >>> 15)) & (MEMO_SLOTS - 1);
}

function compute(g: Grid, d: number): number {
  if (d === 2) return interp2(g, pt[0]!, pt[1]!);
  if (d === 3) return interp3(g, pt[0]!, pt[1]!, pt[2]!);
  return interpN(g, pt);
}

/** The latency at `pt` on a grid of `d` ≤ MEMO_AXES axes, through the grid's memo. */
function memoized(g: Grid, d: number): number {
  const m = memoOf(g);
  const slot = slotOf(d);
  const base = slot * MEMO_AXES;
  if (m.filled[slot] === 1) {
    let same = true;
    for (let i = 0; i < d; i++) if (m.x[base + i] !== pt[i]) same = false;
    if (same) return m.v[slot]!;
  }
  const v = compute(g, d);
  for (let i = 0; i < d; i++) m.x[base + i] = pt[i]!;
  m.v[slot] = v;
  m.filled[slot] = 1;
  return v;
}

/** Latency in µs at `point` (natural units, one value per axis), or NaN outside the grid (or of another rank). */
export function interpolateUs(g: Grid, point: readonly number[]): number {
  const d = g.logAxes.length;
  if (point.length !== d) return NaN;
  if (d > MEMO_AXES) return interpN(g, point);
  for (let i = 0; i < d; i++) pt[i] = point[i]!;
  return memoized(g, d);
}

/** interpolateUs on a 1-axis grid (MoE curves), without the point array. */
export function interpolateUs1(g: Grid, x0: number): number {
  if (g.logAxes.length !== 1) return interpolateUs(g, [x0]);
  pt[0] = x0;
  return memoized(g, 1);
}

/** interpolateUs on a 2-axis grid (decode attention, collectives), without the point array. */
export function interpolateUs2(g: Grid, x0: number, x1: number): number {
  if (g.logAxes.length !== 2) return interpolateUs(g, [x0, x1]);
  pt[0] = x0;
  pt[1] = x1;
  return memoized(g, 2);
}

/** interpolateUs on a 3-axis grid (GEMM, prefill attention), without the point array. */
export function interpolateUs3(g: Grid, x0: number, x1: number, x2: number): number {
  if (g.logAxes.length !== 3) return interpolateUs(g, [x0, x1, x2]);
  pt[0] = x0;
  pt[1] = x1;
  pt[2] = x2;
  return memoized(g, 3);
}

/** The largest value of axis `i`. */
export function axisMax(g: Grid, i: number): number {
  const a = g.axes[i]!;
  return a[a.length - 1]!;
}

export function axisMin(g: Grid, i: number): number {
  return g.axes[i]![0]!;
}
