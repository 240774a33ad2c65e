import { describe, expect, it } from 'vitest';
import { frontierVertices, groupOrder, paretoLayout, verticesPath } from './layout';
import type { ParetoPoint } from './layout';

describe('frontier step path', () => {
  const pts = [
    { x: 3, y: 30 },
    { x: 1, y: 10 },
    { x: 2, y: 25 },
  ];

  it("'after' goes horizontally then vertically, sorted by x", () => {
    expect(frontierVertices(pts)).toEqual([
      [1, 10],
      [2, 10],
      [2, 25],
      [3, 25],
      [3, 30],
    ]);
  });

  it("'before' goes vertically then horizontally", () => {
    expect(frontierVertices(pts, 'before')).toEqual([
      [1, 10],
      [1, 25],
      [2, 25],
      [2, 30],
      [3, 30],
    ]);
  });

  it('maps to an SVG path', () => {
    expect(
      verticesPath(
        frontierVertices(pts),
        (x) => x * 10,
        (y) => 100 - y,
      ),
    ).toBe('M10.00,90.00L20.00,90.00L20.00,75.00L30.00,75.00L30.00,70.00');
    expect(frontierVertices([])).toEqual([]);
  });
});

describe('paretoLayout', () => {
  const points: ParetoPoint[] = [
    { id: 'a', x: 0.1, y: 500, label: 'a', group: 'TP8', onFrontier: true },
    { id: 'b', x: 0.5, y: 1500, label: 'b', group: 'TP2', onFrontier: true },
    { id: 'c', x: 0.6, y: 900, label: 'c', group: 'TP16', onFrontier: false },
    { id: 'd', x: Number.NaN, y: 1, label: 'd', group: 'TP2', onFrontier: false },
  ];

  it('orders groups naturally and colours by group', () => {
    expect(groupOrder(['TP16', 'TP2', 'TP8', 'TP2'])).toEqual(['TP2', 'TP8', 'TP16']);
    const L = paretoLayout(points, { width: 600, height: 400 });
    expect(L.groups.map((g) => g.name)).toEqual(['TP2', 'TP8', 'TP16']);
    expect(L.points.find((p) => p.id === 'b')?.color).toBe(L.groups[0]?.color);
  });

  it('drops non-finite points and draws frontier points last', () => {
    const L = paretoLayout(points, { width: 600, height: 400 });
    expect(L.dropped).toBe(1);
    expect(L.points.map((p) => p.id)).toEqual(['c', 'a', 'b']);
    expect(L.frontierPath.split('L')).toHaveLength(3);
  });

  it('drops non-positive x on a log axis', () => {
    const L = paretoLayout([...points, { id: 'z', x: 0, y: 1, label: 'z', group: 'TP2', onFrontier: false }], {
      width: 600,
      height: 400,
      xLog: true,
    });
    expect(L.points.map((p) => p.id)).not.toContain('z');
    expect(L.xTicks.some((t) => t.label === '0.1')).toBe(true);
  });
});
