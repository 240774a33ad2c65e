import { describe, expect, it } from 'vitest';
import { fmtMs, fmtMsPair, latencyUnit } from './format.ts';

describe('latency formatting (issue 14: a large TTFT fits its card)', () => {
  it('picks ms, s, min or h by size', () => {
    expect(fmtMs(850)).toBe('850 ms');
    expect(fmtMs(12_300)).toBe('12.3 s');
    // 29 minutes, the TTFT p50 of the overloaded 405B plan in issue 14.
    expect(fmtMs(29 * 60_000)).toBe('29 min');
    expect(fmtMs(3 * 3_600_000)).toBe('3 h');
    expect(latencyUnit(119_999).unit).toBe('s');
  });

  it('formats a p50 / p99 pair in the unit of the larger value', () => {
    expect(fmtMsPair(77.1, 95)).toEqual({ value: '77.1 / 95', unit: 'ms' });
    expect(fmtMsPair(1_740_000, 1_860_000)).toEqual({ value: '29 / 31', unit: 'min' });
    expect(fmtMsPair(900, 15_000)).toEqual({ value: '0.9 / 15', unit: 's' });
    expect(fmtMsPair(undefined, undefined)).toEqual({ value: '— / —', unit: 'ms' });
  });
});
