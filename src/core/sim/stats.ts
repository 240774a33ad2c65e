/**
 * Small numeric helpers for the simulator: exact percentiles over per-request samples, a log-binned
 * histogram for per-token samples (inter-token latency: one sample per generated token, too many to
 * sort cheaply), growable typed arrays, and time-weighted downsampling of a step series.
 */
import type { Stats } from '../evaluate/metrics.ts';

/**
 * Percentile of sorted samples with linear interpolation between closest ranks (NumPy's default
 * "linear" method, Hyndman & Fan type 7): position p·(n−1).
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const f = pos - lo;
  const a = sorted[lo] ?? NaN;
  const b = sorted[hi] ?? NaN;
  return f === 0 ? a : a + (b - a) * f;
}

/**
 * Put the k-th smallest of a[lo..hi] at a[k], smaller-or-equal ones before it and larger-or-equal ones after
 * (Hoare's FIND with a median-of-three pivot). The order statistics are the values a sort would put there.
 */
function selectKth(a: Float64Array, k: number, lo: number, hi: number): void {
  // Terminates: every pass shrinks [lo, hi] to the side holding k, by at least the pivot.
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of a[lo], a[mid], a[hi] as the pivot (sorted input, e.g. arrival-ordered latencies, stays O(n)).
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    // Terminates: i rises and j falls each pass, until they cross.
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const x = a[i]!;
  a[i] = a[j]!;
  a[j] = x;
}

/**
 * percentileSorted's value without sorting: selects the two closest ranks. `from` is a rank below which the
 * buffer is already partitioned (an earlier, lower percentile); returns the upper rank used, for the next call.
 */
function percentileSelect(a: Float64Array, p: number, from: number): { v: number; upto: number } {
  const n = a.length;
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const f = pos - lo;
  // Ranks below min(from, lo) are already in place (a lower percentile's selection).
  selectKth(a, lo, Math.min(from, lo), n - 1);
  const x = a[lo]!;
  if (f === 0) return { v: x, upto: lo };
  selectKth(a, hi, lo + 1, n - 1);
  const y = a[hi]!;
  return { v: x + (y - x) * f, upto: hi };
}

/**
 * Mean and p50/p90/p99 of the finite values in `values` (NaN entries are skipped); NaN stats when empty.
 * The percentiles are percentileSorted's, from selected ranks rather than a full sort (a few per cent of a run).
 */
export function statsOf(values: ArrayLike<number>, scale = 1): Stats {
  const n = values.length;
  const buf = new Float64Array(n);
  let m = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      buf[m++] = v * scale;
      sum += v * scale;
    }
  }
  if (m === 0) return { mean: NaN, p50: NaN, p90: NaN, p99: NaN };
  const s = buf.subarray(0, m);
  const p50 = percentileSelect(s, 50, 0);
  const p90 = percentileSelect(s, 90, p50.upto);
  const p99 = percentileSelect(s, 99, p90.upto);
  return { mean: sum / m, p50: p50.v, p90: p90.v, p99: p99.v };
}

// ---------------------------------------------------------------------------------------------
// Log-binned histogram

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
/** Mantissa bits kept per bin: 2^8 = 256 bins per octave, so a bin spans 0.27 % of its value. */
const MANTISSA_BITS = 8;
const SHIFT = 20 - MANTISSA_BITS;
/** Exponents 1023−27 (≈ 7e-9) to 1023+23 (≈ 8e6): anything outside is clamped to the end bins. */
const EXP_LO = 1023 - 27;
const EXP_HI = 1023 + 23;
const BIN_BASE = EXP_LO << MANTISSA_BITS;
const BINS = (EXP_HI - EXP_LO) << MANTISSA_BITS;

function binOf(v: number): number {
  if (!(v > 0)) return 0;
  f64[0] = v;
  const b = (u32[HI]! >>> SHIFT) - BIN_BASE;
  return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

function binCenter(b: number): number {
  u32[HI] = ((b + BIN_BASE) << SHIFT) | (1 << (SHIFT - 1));
  u32[LO] = 0;
  return f64[0]!;
}

/**
 * Weighted histogram with bins 0.27 % wide on a log scale, reading the bin straight from the IEEE-754
 * exponent and top mantissa bits (exact and engine-independent). Mean, min and max are exact;
 * percentiles are the centre of the bin holding the rank, clamped to [min, max]. Bins are allocated an
 * octave (256 bins) at a time as values reach them: a run's inter-token gaps span a few octaves of the 46, and
 * a whole table per run was 94 KB to zero and three scans of 11,776 bins.
 */
export class LogHistogram {
  private octaves: (Float64Array | null)[] = new Array<Float64Array | null>(BINS >> MANTISSA_BITS).fill(null);
  weight = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  add(v: number, w = 1): void {
    if (!(w > 0) || !Number.isFinite(v)) return;
    const b = binOf(v);
    const o = b >> MANTISSA_BITS;
    let counts = this.octaves[o] ?? null;
    if (counts === null) counts = this.octaves[o] = new Float64Array(1 << MANTISSA_BITS);
    counts[b & ((1 << MANTISSA_BITS) - 1)]! += w;
    this.weight += w;
    this.sum += v * w;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * Add `count` values evenly spaced from `first` to `last`, each with weight `w`. The run is cut
   * into pieces no wider than one bin, each added at its exact mean: the sum (mean) stays exact and
   * every value lands in its own bin or the next one.
   */
  addLinear(first: number, last: number, count: number, w = 1): void {
    if (count <= 0) return;
    if (count === 1 || first === last) {
      this.add(first, w * count);
      if (last < this.min) this.min = last;
      if (last > this.max) this.max = last;
      return;
    }
    const pieces = Math.min(count, Math.abs(binOf(last) - binOf(first)) + 1);
    const step = (last - first) / (count - 1);
    let done = 0;
    for (let i = 1; i <= pieces; i++) {
      const upto = Math.floor((count * i) / pieces);
      const m = upto - done;
      if (m > 0) this.add(first + step * ((done + upto - 1) / 2), w * m);
      done = upto;
    }
    if (first < this.min) this.min = first;
    if (last < this.min) this.min = last;
    if (first > this.max) this.max = first;
    if (last > this.max) this.max = last;
  }

  percentile(p: number): number {
    if (this.weight === 0) return NaN;
    const target = (p / 100) * this.weight;
    let acc = 0;
    // An unallocated octave holds no weight: acc stays put across it, so skipping it changes no answer.
    for (let o = 0; o < this.octaves.length; o++) {
      const counts = this.octaves[o] ?? null;
      if (counts === null) continue;
      for (let i = 0; i < counts.length; i++) {
        acc += counts[i]!;
        if (acc >= target && acc > 0)
          return Math.min(this.max, Math.max(this.min, binCenter((o << MANTISSA_BITS) + i)));
      }
    }
    return this.max;
  }

  stats(scale = 1): Stats {
    if (this.weight === 0) return { mean: NaN, p50: NaN, p90: NaN, p99: NaN };
    return {
      mean: (this.sum / this.weight) * scale,
      p50: this.percentile(50) * scale,
      p90: this.percentile(90) * scale,
      p99: this.percentile(99) * scale,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Growable arrays

export class GrowableF64 {
  data: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Float64Array(Math.max(16, initial));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/** A FIFO of non-negative ints with O(1) push/pop at both ends (ring buffer). */
export class IntDeque {
  private buf = new Int32Array(16);
  private head = 0;
  length = 0;

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)]!;
    this.buf = next;
    this.head = 0;
  }
  pushBack(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = v;
    this.length++;
  }
  pushFront(v: number): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = v;
    this.length++;
  }
  front(): number {
    return this.length > 0 ? this.buf[this.head]! : -1;
  }
  popFront(): number {
    if (this.length === 0) return -1;
    const v = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return v;
  }
}

// ---------------------------------------------------------------------------------------------
// Step-series downsampling

export interface DownsampledSeries {
  /** Bin mid-times, seconds. */
  tS: number[];
  /** Time-weighted mean of the value over the bin. */
  mean: number[];
  /** Largest value held during the bin. */
  max: number[];
}

/**
 * Downsample a step function (value v[i] holds from t[i] until t[i+1]; the last until `endS`) into at
 * most `bins` equal time bins: time-weighted mean and max per bin.
 */
export function downsampleSteps(t: Float64Array, v: Float64Array, endS: number, bins = 500): DownsampledSeries {
  const n = Math.min(t.length, v.length);
  const out: DownsampledSeries = { tS: [], mean: [], max: [] };
  if (n === 0) return out;
  const t0 = t[0]!;
  const span = Math.max(endS - t0, 0);
  if (span === 0) {
    out.tS.push(t0);
    out.mean.push(v[n - 1]!);
    out.max.push(Math.max(...v.subarray(0, n)));
    return out;
  }
  const k = Math.max(1, Math.min(bins, n));
  const width = span / k;
  const area = new Float64Array(k);
  const mx = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const a = t[i]!;
    const b = i + 1 < n ? t[i + 1]! : endS;
    const val = v[i]!;
    if (b < a) continue;
    let bin = Math.min(k - 1, Math.floor((a - t0) / width));
    let cursor = a;
    // The value also counts toward the max of the bin it starts in, even for a zero-length hold.
    if (val > mx[bin]!) mx[bin] = val;
    while (cursor < b && bin < k) {
      const binEnd = bin === k - 1 ? endS : t0 + (bin + 1) * width;
      const segEnd = Math.min(b, binEnd);
      area[bin]! += val * (segEnd - cursor);
      if (val > mx[bin]!) mx[bin] = val;
      cursor = segEnd;
      if (cursor >= binEnd) bin++;
      else break;
    }
  }
  let last = v[0]!;
  for (let b = 0; b < k; b++) {
    const m = area[b]! / width;
    out.tS.push(t0 + (b + 0.5) * width);
    out.mean.push(m);
    const top = mx[b]!;
    out.max.push(Number.isFinite(top) ? top : last);
    if (Number.isFinite(top)) last = top;
  }
  return out;
}
