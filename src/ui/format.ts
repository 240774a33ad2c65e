/**
 * Number formatting for the UI (tables, KPI cards). Presentation only: no cost arithmetic.
 * Infinity/NaN print as an em dash, so a plan that cannot serve never shows a fake number.
 */
const DASH = '—';

const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** Up to `sig` significant digits, thousands separators, no trailing zeros. */
export function fmtNum(x: number | null | undefined, sig = 3): string {
  if (!ok(x)) return DASH;
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** sig) return Math.round(x).toLocaleString('en-US');
  const digits = Math.max(0, sig - 1 - Math.floor(Math.log10(abs)));
  return x.toLocaleString('en-US', { maximumFractionDigits: Math.min(digits, 6), minimumFractionDigits: 0 });
}

export const fmtInt = (x: number | null | undefined): string => (ok(x) ? Math.round(x).toLocaleString('en-US') : DASH);

export function fmtMs(ms: number | null | undefined): string {
  if (!ok(ms)) return DASH;
  if (ms >= 10_000) return `${fmtNum(ms / 1000, 3)} s`;
  return `${fmtNum(ms, 3)} ms`;
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

export function fmtBytes(b: number): string {
  if (!ok(b)) return DASH;
  if (b >= 1e9) return `${fmtNum(b / 1e9, 3)} GB`;
  if (b >= 1e6) return `${fmtNum(b / 1e6, 3)} MB`;
  if (b >= 1e3) return `${fmtNum(b / 1e3, 3)} kB`;
  return `${fmtInt(b)} B`;
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
