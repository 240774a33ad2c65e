import { describe, expect, it } from 'vitest';
import { lineLayout, nearestIndex, staggerRows } from './layout';

describe('line layout', () => {
  it('finds the nearest point by x', () => {
    const pts: [number, number][] = [
      [0, 0],
      [10, 1],
      [20, 2],
    ];
    expect(nearestIndex(pts, -5)).toBe(0);
    expect(nearestIndex(pts, 4)).toBe(0);
    expect(nearestIndex(pts, 6)).toBe(1);
    expect(nearestIndex(pts, 19)).toBe(2);
    expect(nearestIndex(pts, 99)).toBe(2);
    expect(nearestIndex([], 1)).toBe(-1);
  });

  it('staggers overlapping annotation labels into rows', () => {
    expect(staggerRows([{ px: 0, w: 50 }, { px: 20, w: 50 }, { px: 200, w: 50 }])).toEqual([0, 1, 0]);
  });

  it('sorts points, drops non-positive values on log axes and includes zero on linear y', () => {
    const L = lineLayout(
      {
        xLog: true,
        series: [
          { label: 'a', points: [[100, 3], [0, 1], [10, 2], [Number.NaN, 1]] },
          { label: 'b', points: [[1, 1]], dashed: true },
        ],
        markers: [{ x: 50, label: 'SLO' }],
        hLines: [{ y: 2.5, label: 'cap' }],
      },
      600,
      300,
    );
    expect(L.series[0]?.points).toEqual([
      [10, 2],
      [100, 3],
    ]);
    expect(L.series[1]?.dashed).toBe(true);
    expect(L.y.domain()[0]).toBe(0);
    expect(L.xTicks.filter((t) => t.label).map((t) => t.label)).toEqual(['1', '10', '100']);
    expect(L.markers[0]?.px).toBeCloseTo(L.x(50));
    expect(L.hLines[0]?.py).toBeCloseTo(L.y(2.5));
    expect(L.legend.map((l) => l.shape)).toEqual(['line', 'dashed']);
  });
});
