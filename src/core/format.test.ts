import { describe, expect, it } from 'vitest';
import { DASH, fmtBytes, fmtInt, fmtNum, si, sig } from './format.ts';

describe('shared number formatting', () => {
  it('bytes are decimal everywhere (GB = 1e9 B)', () => {
    expect(fmtBytes(3.2e9)).toBe('3.2 GB');
    expect(fmtBytes(2 ** 30)).toBe('1.07 GB');
    expect(fmtBytes(163_840)).toBe('164 kB');
    expect(fmtBytes(950)).toBe('950 B');
    expect(fmtBytes(Infinity)).toBe(DASH);
  });

  it('significant digits, separators, dash for non-finite', () => {
    expect(fmtNum(1234.5)).toBe('1,235');
    expect(fmtNum(12.345)).toBe('12.3');
    expect(fmtNum(0.012345)).toBe('0.0123');
    expect(fmtNum(NaN)).toBe(DASH);
    expect(fmtInt(1_000_000.4)).toBe('1,000,000');
    expect(sig(-2.54)).toBe('−2.54');
    expect(sig(Infinity)).toBe(DASH);
    expect(si(1.23e12, 'FLOP')).toBe('1.23 TFLOP');
    expect(si(999.9e6, 'B')).toBe('1 GB');
  });
});
