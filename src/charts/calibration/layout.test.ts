import { describe, expect, it } from 'vitest';
import { paretoLayout } from '../pareto/layout';
import { calibrationScatterLayout } from './layout';

describe('whiskers and the calibration scatter', () => {
  it('draws whiskers on frontier points at value × (1 ± band)', () => {
    const L = paretoLayout(
      [
        { id: 'a', x: 10, y: 100, label: 'a', group: 'TP1', onFrontier: true, xBandPct: 10, yBandPct: 20 },
        { id: 'b', x: 20, y: 50, label: 'b', group: 'TP1', onFrontier: false, xBandPct: 10, yBandPct: 20 },
      ],
      { width: 400, height: 300 },
    );
    const a = L.points.find((p) => p.id === 'a')!;
    expect(a.whiskerY![0]).toBeCloseTo(L.y(80), 6);
    expect(a.whiskerY![1]).toBeCloseTo(L.y(120), 6);
    expect(a.whiskerX![1]).toBeCloseTo(L.x(11), 6);
    expect(L.points.find((p) => p.id === 'b')!.whiskerY).toBeUndefined();
  });
  it('puts an exact prediction on the diagonal', () => {
    const L = calibrationScatterLayout([{ where: 'r', measured: 8, before: 6, after: 8 }], 260, 220);
    const p = L.points[0]!;
    const t = (p.x - L.diagonal.x1) / (L.diagonal.x2 - L.diagonal.x1);
    expect(p.yAfter).toBeCloseTo(L.diagonal.y1 + t * (L.diagonal.y2 - L.diagonal.y1), 6);
    expect(p.yBefore).toBeGreaterThan(p.yAfter); // predicted lower sits lower on the chart
  });
});
