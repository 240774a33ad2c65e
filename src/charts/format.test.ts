import { describe, expect, it } from 'vitest';
import { decadeLabel, fmtBytes, fmtGB, fmtGBps, fmtTflops, fmtUs, linearTickFormat, si, sig } from './format';

describe('format', () => {
  it('trims significant digits', () => {
    expect(sig(3.3500001)).toBe('3.35');
    expect(sig(80)).toBe('80');
    expect(sig(0.012345)).toBe('0.0123');
    expect(sig(-2.5)).toBe('−2.5');
  });

  it('writes SI values with units', () => {
    expect(si(1.23e12, 'FLOP')).toBe('1.23 TFLOP');
    expect(si(950, 'B')).toBe('950 B');
    expect(si(999.96e9, 'B')).toBe('1 TB');
    expect(fmtBytes(3.2e9)).toBe('3.2 GB');
    expect(fmtGBps(3350)).toBe('3.35 TB/s');
    expect(fmtGBps(50)).toBe('50 GB/s');
    expect(fmtTflops(989)).toBe('989 TFLOPS');
    expect(fmtTflops(1979)).toBe('1.98 PFLOPS');
    expect(fmtGB(2048)).toBe('2,048 GB');
  });

  it('picks a time unit', () => {
    expect(fmtUs(850)).toBe('850 µs');
    expect(fmtUs(12_500)).toBe('12.5 ms');
    expect(fmtUs(1_200_000)).toBe('1.2 s');
    expect(fmtUs(0.25)).toBe('250 ns');
  });

  it('labels decades', () => {
    expect([0.01, 0.1, 1, 10, 100, 1000, 1e4, 1e6, 1e12].map(decadeLabel)).toEqual([
      '0.01',
      '0.1',
      '1',
      '10',
      '100',
      '1k',
      '10k',
      '1M',
      '1T',
    ]);
    expect(decadeLabel(0)).toBe('');
  });

  it('formats linear ticks by step', () => {
    expect([0, 0.2, 0.4].map(linearTickFormat([0, 1], [0, 0.2, 0.4]))).toEqual(['0.0', '0.2', '0.4']);
    expect([0, 500, 1000].map(linearTickFormat([0, 1000], [0, 500, 1000]))).toEqual(['0', '500', '1,000']);
    expect([0, 50_000, 100_000].map(linearTickFormat([0, 1e5], [0, 5e4, 1e5]))).toEqual(['0', '50k', '100k']);
  });
});
