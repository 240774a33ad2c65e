/**
 * Chart-specific number formatting over core/format.ts (decimal SI prefixes, GB = 1e9 B).
 * These only format numbers the charts are given: no cost arithmetic lives here.
 */
import { format } from 'd3';
import { GB, TERA } from '../core/units.ts';
import { fmtBytes, si, sig } from '../core/format.ts';

// The shared formatters (core/format.ts), re-exported for chart code.
export { fmtBytes, si, sig };

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
