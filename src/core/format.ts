/**
 * Number formatting shared by the UI, the charts and the CLI, so one figure reads the same
 * everywhere. Bytes are decimal (GB = 1e9 B, as GPU datasheets and core/units.ts count them), never
 * binary. A value that is not finite prints as an em dash: no screen shows a fake number.
 */

export const DASH = '—';

const finite = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** `digits` significant digits without trailing zeros or exponent ("3.35", "80", "0.012", "−2.5"). */
export function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return DASH;
  if (v === 0) return '0';
  const s = Number(v.toPrecision(digits));
  if (Math.abs(s) >= 1e21 || Math.abs(s) < 1e-6) return s.toExponential(digits - 1).replace('-', '−');
  return String(s).replace('-', '−');
}

/** Up to `digits` significant digits with thousands separators: 1234.5 → "1,235", 12.345 → "12.3". */
export function fmtNum(x: number | null | undefined, digits = 3): string {
  if (!finite(x)) return DASH;
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  const fraction = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return x.toLocaleString('en-US', { maximumFractionDigits: Math.min(fraction, 6), minimumFractionDigits: 0 });
}

/** A whole number with thousands separators. */
export const fmtInt = (x: number | null | undefined): string =>
  finite(x) ? Math.round(x).toLocaleString('en-US') : DASH;

const SI_PREFIXES: Record<number, string> = {
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
  const p = SI_PREFIXES[e] ?? '';
  return `${sig(m, digits)}${unit || p ? ' ' : ''}${p}${unit}`;
}

/** Bytes with decimal prefixes: fmtBytes(3.2e9) = "3.2 GB", fmtBytes(163840) = "164 kB". */
export function fmtBytes(b: number | null | undefined): string {
  return finite(b) ? si(b, 'B') : DASH;
}
