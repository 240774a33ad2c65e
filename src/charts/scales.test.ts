import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scaleLog } from 'd3';
import {
  boxesOverlap,
  decadeDomain,
  legendLayout,
  logTicks,
  placeLabels,
  roundSvgNumbers,
  svgId,
  textWidth,
} from './scales';

describe('log axes', () => {
  it('snaps domains to decades', () => {
    expect(decadeDomain(0.25, 2600)).toEqual([0.1, 10000]);
    expect(decadeDomain(10, 10)).toEqual([1, 100]);
    expect(decadeDomain(-1, 5)).toEqual([1, 10]);
  });

  it('labels decades only, with minor ticks unlabelled', () => {
    const x = scaleLog().domain([0.1, 1000]).range([0, 400]);
    const ticks = logTicks([0.1, 1000], x);
    expect(ticks.filter((t) => t.label).map((t) => t.label)).toEqual(['0.1', '1', '10', '100', '1k']);
    expect(ticks.filter((t) => !t.major).length).toBe(8 * 4);
    expect(ticks.filter((t) => !t.major).every((t) => t.label === '')).toBe(true);
    // Sorted, and positions follow the scale.
    expect(ticks.map((t) => t.value)).toEqual([...ticks.map((t) => t.value)].sort((a, b) => a - b));
    expect(ticks[0]?.pos).toBeCloseTo(0);
  });

  it('thins labels on very wide domains and drops minor ticks when decades are narrow', () => {
    const d: [number, number] = [1e-3, 1e15];
    const ticks = logTicks(d, scaleLog().domain(d).range([0, 300]));
    const labelled = ticks.filter((t) => t.label);
    expect(labelled.length).toBeLessThanOrEqual(9);
    expect(ticks.every((t) => t.major)).toBe(true);
  });
});

describe('label placement', () => {
  it('never overlaps placed labels and stays in bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: 0, max: 400 }), y: fc.integer({ min: 0, max: 300 }) }), {
          maxLength: 30,
        }),
        (pts) => {
          const bounds = { x: 0, y: 0, w: 400, h: 300 };
          const placed = placeLabels(
            pts.map((p, i) => ({ id: String(i), text: `label ${i}`, x: p.x, y: p.y, r: 4 })),
            bounds,
          );
          const boxes = placed.map((l) => {
            const w = textWidth(l.text);
            const x = l.anchor === 'start' ? l.x : l.anchor === 'end' ? l.x - w : l.x - w / 2;
            return { x, y: l.y - 10, w, h: 12 };
          });
          for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i];
              const b = boxes[j];
              if (a && b) expect(boxesOverlap(a, b, -1.5)).toBe(false);
            }
          for (const b of boxes) {
            expect(b.x).toBeGreaterThanOrEqual(-0.01);
            expect(b.x + b.w).toBeLessThanOrEqual(400.01);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('legend and helpers', () => {
  it('wraps legend rows to the width', () => {
    const items = Array.from({ length: 6 }, (_, i) => ({ label: `Series ${i}`, color: 'red', shape: 'line' as const }));
    const one = legendLayout(items, 2000);
    expect(one.height).toBe(18);
    const wrapped = legendLayout(items, 200);
    expect(wrapped.height).toBeGreaterThan(18);
    for (const it of wrapped.items) expect(it.x).toBeLessThan(200);
  });

  it('sanitises ids and rounds numbers', () => {
    expect(svgId(':r1:', 'clip')).toBe('pkvr1-clip');
    expect(svgId('«r2»', 'x')).toBe('pkvr2-x');
    expect(roundSvgNumbers('<path d="M1.23456,-0.0001L10.5,2"/>')).toBe('<path d="M1.23,0L10.5,2"/>');
  });
});
