import { describe, expect, it } from 'vitest';
import { slope, stabilityVerdict } from './stability.ts';

function run(n: number, ttft: (i: number) => number, queue: (i: number) => number, openLoop = true) {
  const arrivalS = Float64Array.from({ length: n }, (_, i) => i);
  return stabilityVerdict({
    openLoop,
    arrivalS,
    ttftS: Float64Array.from({ length: n }, (_, i) => ttft(i)),
    queueT: arrivalS,
    queueLen: Float64Array.from({ length: n }, (_, i) => queue(i)),
    finished: n,
    makespanS: n,
  });
}

describe('stability verdict', () => {
  it('least-squares slope', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(slope([1], [1])).toBe(0);
  });
  it('a growing queue with rising TTFT is overloaded', () => {
    const v = run(
      400,
      (i) => 0.1 + i * 0.05,
      (i) => i / 2,
    );
    expect(v.overloaded).toBe(true);
    expect(v.queueGrowth).toBeCloseTo(199.5, 6);
    expect(v.reason).toMatch(/^Overloaded/);
  });
  it('a flat queue, or flat TTFT, is not', () => {
    expect(
      run(
        400,
        () => 0.2,
        (i) => i % 5,
      ).overloaded,
    ).toBe(false);
    expect(
      run(
        400,
        () => 0.2,
        (i) => i / 2,
      ).overloaded,
    ).toBe(false);
    expect(
      run(
        400,
        (i) => 0.1 + i,
        (i) => i,
        false,
      ).overloaded,
    ).toBe(false);
  });
});
