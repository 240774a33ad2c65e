/**
 * Number formatting for chart text. Pure; decimal SI prefixes (GB = 1e9 B, as in core/units.ts).
 * These only format numbers the charts are given: no cost arithmetic lives here.
 */
import { format } from 'd3';
import { GB, TERA } from '../core/units.ts';

const PREFIXES: Record<number, string> = {
  [-12]: 'p',
  [-9]: 'n',
  [-6]: 'µ',
  [-3]: 'm',
  0: '',
  3: 'k',
  6: 'M',
  9: 'G',
  12: 'T',
  15: 'P',
  18: 'E',
};

/** Trim a number to `sig` significant digits without trailing zeros ("3.35", "80", "0.012"). */
export function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : '–';
  if (v === 0) return '0';
  const s = Number(v.toPrecision(digits));
  // Avoid exponent notation for the magnitudes charts show.
  if (Math.abs(s) >= 1e21 || Math.abs(s) < 1e-6) return s.toExponential(digits - 1);
  return String(s).replace('-', '−');
}

/** SI-prefixed value with a unit: si(1.23e12, 'FLOP') = "1.23 TFLOP"; si(950, 'B') = "950 B". */
export function si(v: number, unit = '', digits = 3): string {
  if (!Number.isFinite(v) || v === 0) return `${sig(v, digits)}${unit ? ` ${unit}` : ''}`;
  let e = Math.floor(Math.log10(Math.abs(v)) / 3) * 3;
  e = Math.max(-12, Math.min(18, e));
  let m = Number((v / 10 ** e).toPrecision(digits));
  if (Math.abs(m) >= 1000 && e < 18) {
    e += 3;
    m = Number((v / 10 ** e).toPrecision(digits));
  }
  const p = PREFIXES[e] ?? '';
  return `${sig(m, digits)}${unit || p ? ' ' : ''}${p}${unit}`;
}

/** Bytes with decimal prefixes: fmtBytes(3.2e9) = "3.2 GB". */
export const fmtBytes = (b: number): string => si(b, 'B');
/** FLOPs (a count): fmtFlops(2.1e12) = "2.1 TFLOP". */
export const fmtFlops = (f: number): string => si(f, 'FLOP');

/** Gigabytes as given by props: fmtGB(3.21) = "3.21 GB", fmtGB(2048) = "2,048 GB". */
export function fmtGB(gb: number): string {
  if (Math.abs(gb) >= 1000) return `${format(',.0f')(gb)} GB`;
  return `${sig(gb, 3)} GB`;
}

/** Bandwidth given in GB/s: fmtGBps(3350) = "3.35 TB/s", fmtGBps(50) = "50 GB/s". */
export function fmtGBps(gbps: number): string {
  return si(gbps * GB, 'B/s');
}

/** Throughput given in TFLOPS: fmtTflops(989) = "989 TFLOPS", fmtTflops(1979) = "1.98 PFLOPS". */
export function fmtTflops(t: number): string {
  return si(t * TERA, 'FLOPS');
}

/** A duration in microseconds with an adaptive unit: 850 µs, 12.5 ms, 1.2 s. */
export function fmtUs(us: number, digits = 3): string {
  const a = Math.abs(us);
  if (a < 1) return `${sig(us * 1000, digits)} ns`;
  if (a < 1000) return `${sig(us, digits)} µs`;
  if (a < 1e6) return `${sig(us / 1000, digits)} ms`;
  return `${sig(us / 1e6, digits)} s`;
}

export const fmtPercent = (f: number): string => `${sig(f * 100, f >= 0.1 ? 3 : 2)}%`;

/**
 * Decade label for log axes: '0.01', '0.1', '1', '10', '100', '1k', '10k', '1M', '1T'.
 * Values ≥ 1 use d3's '~s' (SI, trimmed); values < 1 are written as decimals, which read better
 * than '100m' for an intensity of 0.1 FLOP/byte.
 */
export function decadeLabel(v: number): string {
  if (v <= 0 || !Number.isFinite(v)) return '';
  const r = Number(v.toPrecision(12));
  if (r >= 1) return format('~s')(r);
  return format('~g')(r);
}

/** Tick formatter for a linear domain: SI for large magnitudes, plain (grouped) otherwise. */
export function linearTickFormat(domain: readonly [number, number], ticks: readonly number[]): (v: number) => string {
  const max = Math.max(Math.abs(domain[0]), Math.abs(domain[1]));
  if (max >= 1e4) return (v) => (v === 0 ? '0' : format('~s')(v));
  let step = Infinity;
  for (let i = 1; i < ticks.length; i++) {
    const d = Math.abs((ticks[i] ?? 0) - (ticks[i - 1] ?? 0));
    if (d > 0) step = Math.min(step, d);
  }
  if (!Number.isFinite(step)) return (v) => sig(v, 4);
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return (v) => format(`,.${decimals}f`)(v).replace('-', '−');
}
