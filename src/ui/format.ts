/**
 * Number formatting for the UI (tables, KPI cards) over core/format.ts. Presentation only: no cost arithmetic.
 * Infinity/NaN print as an em dash, so a plan that cannot serve never shows a fake number.
 */
import { DASH, fmtBytes, fmtInt, fmtNum } from '../core/format.ts';

export { fmtBytes, fmtInt, fmtNum };

const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** The unit a latency reads best in: ms below 10 s, s below 2 min, min below 2 h, then h. */
export function latencyUnit(ms: number): { unit: 'ms' | 's' | 'min' | 'h'; perUnitMs: number } {
  if (ms >= 7_200_000) return { unit: 'h', perUnitMs: 3_600_000 };
  if (ms >= 120_000) return { unit: 'min', perUnitMs: 60_000 };
  if (ms >= 10_000) return { unit: 's', perUnitMs: 1000 };
  return { unit: 'ms', perUnitMs: 1 };
}

export function fmtMs(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  const u = latencyUnit(ms);
  return `${fmtNum(ms / u.perUnitMs, 3)} ${u.unit}`;
}

/**
 * A p50 / p99 pair in one unit, picked by the larger value, so a 29-minute TTFT reads "29 / 31 min"
 * and fits its card instead of "1,740,000 / 1,860,000 ms".
 */
export function fmtMsPair(a: number | null | undefined, b: number | null | undefined): { value: string; unit: string } {
  const big = Math.max(ok(a) ? a : 0, ok(b) ? b : 0);
  const u = latencyUnit(big);
  const f = (x: number | null | undefined) => (ok(x) ? fmtNum(x / u.perUnitMs, 3) : DASH);
  return { value: `${f(a)} / ${f(b)}`, unit: u.unit };
}

export const fmtUsd = (x: number | null | undefined): string => (ok(x) ? `$${fmtNum(x, 3)}` : DASH);

export const fmtPct = (f: number | null | undefined, digits = 0): string =>
  ok(f) ? `${(f * 100).toFixed(digits)}%` : DASH;

/** 70.55e9 → "70.6B", 3.8e9 → "3.8B", 1.2e12 → "1.2T". */
export function fmtParams(n: number): string {
  if (!ok(n)) return DASH;
  if (n >= 1e12) return `${fmtNum(n / 1e12, 3)}T`;
  if (n >= 1e9) return `${fmtNum(n / 1e9, 3)}B`;
  if (n >= 1e6) return `${fmtNum(n / 1e6, 3)}M`;
  return fmtInt(n);
}

export const fmtGB = (gb: number | null | undefined): string => (ok(gb) ? `${fmtNum(gb, 3)} GB` : DASH);

export function fmtDuration(ms: number): string {
  if (!ok(ms)) return DASH;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function fmtDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
