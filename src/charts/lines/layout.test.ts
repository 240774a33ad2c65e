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
    expect(
      staggerRows([
        { px: 0, w: 50 },
        { px: 20, w: 50 },
        { px: 200, w: 50 },
      ]),
    ).toEqual([0, 1, 0]);
  });

  it('sorts points, drops non-positive values on log axes and includes zero on linear y', () => {
    const L = lineLayout(
      {
        xLog: true,
        series: [
          {
            label: 'a',
            points: [
              [100, 3],
              [0, 1],
              [10, 2],
              [Number.NaN, 1],
            ],
          },
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

  it('fixed x domain and ticks (1K…1M in powers of two), explicit colours, emphasis; markers outside the domain dropped', () => {
    const xs = Array.from({ length: 11 }, (_, i) => 1024 * 2 ** i);
    const L = lineLayout(
      {
        xLog: true,
        yLog: true,
        xDomain: [1024, 1_048_576],
        xTickValues: xs.map((v) => ({ value: v, label: `${v / 1024}K` })),
        series: [
          {
            label: 'plan',
            points: xs.map((x) => [x, 1e6 / x] as [number, number]),
            color: 'var(--chart-fg)',
            emphasis: true,
          },
          { label: 'preset', points: xs.map((x) => [x, 2e6 / x] as [number, number]), dashed: true },
        ],
        markers: [
          { x: 4096, label: 'in' },
          { x: 4_000_000, label: 'out' },
        ],
        hLines: [{ y: 256, label: 'cap', color: 'gray' }],
      },
      800,
      320,
    );
    expect(L.x.domain()).toEqual([1024, 1_048_576]);
    expect(L.xTicks.map((t) => t.value)).toEqual(xs);
    expect(L.xTicks[0]!.label).toBe('1K');
    expect(L.series[0]).toMatchObject({ color: 'var(--chart-fg)', emphasis: true, dashed: false });
    expect(L.series[1]).toMatchObject({ emphasis: false, dashed: true });
    expect(L.markers.map((m) => m.label)).toEqual(['in']);
    expect(L.hLines[0]).toMatchObject({ y: 256, color: 'gray' });
    // Narrow chart: labels thin out so they do not collide.
    const N = lineLayout(
      {
        xLog: true,
        xDomain: [1024, 1_048_576],
        xTickValues: xs.map((v) => ({ value: v, label: `${v / 1024}K` })),
        series: [],
      },
      260,
      200,
    );
    expect(N.xTicks.length).toBe(11);
    expect(N.xTicks.filter((t) => t.label !== '').length).toBeLessThan(11);
  });
});
