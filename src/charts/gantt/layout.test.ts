import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildLaneIndex,
  firstVisible,
  gutterWidth,
  laneAtY,
  layoutRows,
  maxZoom,
  spanAt,
  timeTickFormat,
  timeUnitFor,
  transformForWindow,
} from './layout';
import type { SpanTable } from './layout';

function table(rows: [lane: number, start: number, end: number, kind?: number][]): SpanTable {
  return {
    lane: Uint16Array.from(rows.map((r) => r[0])),
    startUs: Float64Array.from(rows.map((r) => r[1])),
    endUs: Float64Array.from(rows.map((r) => r[2])),
    kind: Uint8Array.from(rows.map((r) => r[3] ?? 0)),
    detail: rows.map((_, i) => i),
  };
}

describe('firstVisible (binary search)', () => {
  it('finds the first entry ending after t', () => {
    const ends = [10, 20, 20, 30];
    expect(firstVisible(ends, 0)).toBe(0);
    expect(firstVisible(ends, 10)).toBe(1);
    expect(firstVisible(ends, 19.9)).toBe(1);
    expect(firstVisible(ends, 20)).toBe(3);
    expect(firstVisible(ends, 30)).toBe(4);
    expect(firstVisible([], 5)).toBe(0);
  });

  it('agrees with a linear scan on any non-decreasing array', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.integer({ min: -10, max: 1010 }), (raw, t) => {
        const a = Float64Array.from([...raw].sort((x, y) => x - y));
        const linear = a.findIndex((v) => v > t);
        expect(firstVisible(a, t)).toBe(linear === -1 ? a.length : linear);
      }),
    );
  });
});

describe('buildLaneIndex', () => {
  it('sorts spans per lane by start and tracks the running max end', () => {
    const s = table([
      [1, 50, 60],
      [0, 30, 40],
      [0, 0, 100], // long span overlapping the next ones
      [0, 10, 20],
      [5, 0, 1], // unknown lane: ignored
    ]);
    const idx = buildLaneIndex(s, 2);
    expect(Array.from(idx.order[0] ?? [])).toEqual([2, 3, 1]);
    expect(Array.from(idx.prefixMaxEnd[0] ?? [])).toEqual([100, 100, 100]);
    expect(Array.from(idx.order[1] ?? [])).toEqual([0]);
    expect(idx.t0).toBe(0);
    expect(idx.t1).toBe(100);
  });

  it('has a sane extent when empty', () => {
    const idx = buildLaneIndex(table([]), 3);
    expect(idx.order).toHaveLength(3);
    expect([idx.t0, idx.t1]).toEqual([0, 1]);
  });

  it('visits exactly the spans intersecting a window (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 80 })),
          {
            maxLength: 60,
          },
        ),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 1, max: 200 }),
        (rows, a, w) => {
          const s = table(rows.map(([l, st, d]) => [l, st, st + d]));
          const idx = buildLaneIndex(s, 3);
          const b = a + w;
          for (let lane = 0; lane < 3; lane++) {
            const order = idx.order[lane] ?? new Uint32Array();
            const seen: number[] = [];
            for (let j = firstVisible(idx.prefixMaxEnd[lane] ?? [], a); j < order.length; j++) {
              const i = order[j] ?? 0;
              if ((s.startUs[i] ?? 0) >= b) break;
              if ((s.endUs[i] ?? 0) > a) seen.push(i);
            }
            const expected = rows
              .map((r, i) => [r, i] as const)
              .filter(([[l, st, d]]) => l === lane && st < b && st + d > a)
              .map(([, i]) => i);
            expect(seen.sort((x, y) => x - y)).toEqual(expected);
          }
        },
      ),
    );
  });
});

describe('spanAt', () => {
  const s = table([
    [0, 0, 10],
    [0, 10, 10.2],
    [0, 20, 30],
  ]);
  const idx = buildLaneIndex(s, 1);
  it('hits the span under t, or the nearest within tolerance', () => {
    expect(spanAt(idx, s, 0, 5)).toBe(0);
    expect(spanAt(idx, s, 0, 25)).toBe(2);
    expect(spanAt(idx, s, 0, 15)).toBe(-1);
    expect(spanAt(idx, s, 0, 18, 3)).toBe(2);
    // At a shared boundary the shorter (thin) span wins.
    expect(spanAt(idx, s, 0, 10.1)).toBe(1);
    expect(spanAt(idx, s, 3, 5)).toBe(-1);
  });
});

describe('rows', () => {
  const lanes = [
    { label: 'GPU 0', group: 'Node 0 / Stage 0' },
    { label: 'GPU 1', group: 'Node 0 / Stage 0' },
    { label: 'GPU 0', group: 'Node 0 / Stage 1' },
  ];

  it('inserts a header whenever the group changes', () => {
    const r = layoutRows(lanes, 20, 18);
    expect(r.rows.map((x) => [x.type, x.label])).toEqual([
      ['group', 'Node 0 / Stage 0'],
      ['lane', 'GPU 0'],
      ['lane', 'GPU 1'],
      ['group', 'Node 0 / Stage 1'],
      ['lane', 'GPU 0'],
    ]);
    expect(Array.from(r.laneY)).toEqual([18, 38, 76]);
    expect(r.contentHeight).toBe(96);
    expect(laneAtY(r, 5)).toBe(-1);
    expect(laneAtY(r, 20)).toBe(0);
    expect(laneAtY(r, 57.9)).toBe(1);
    expect(laneAtY(r, 60)).toBe(-1);
    expect(laneAtY(r, 80)).toBe(2);
    expect(laneAtY(r, 500)).toBe(-1);
  });

  it('has no headers when no lane has a group', () => {
    const r = layoutRows([
      { label: 'prefill', group: '' },
      { label: 'decode', group: '' },
    ]);
    expect(r.rows.every((x) => x.type === 'lane')).toBe(true);
  });

  it('sizes the gutter from labels', () => {
    expect(gutterWidth([{ label: 'a', group: '' }])).toBe(84);
    expect(gutterWidth([{ label: 'x'.repeat(200), group: '' }])).toBe(220);
  });
});

describe('time scale helpers', () => {
  it('picks units for the visible window', () => {
    expect(timeUnitFor(1).unit).toBe('ns');
    expect(timeUnitFor(800).unit).toBe('µs');
    expect(timeUnitFor(110_000).unit).toBe('ms');
    expect(timeUnitFor(9e6).unit).toBe('s');
  });

  it('formats ticks with just enough decimals', () => {
    const ms = timeUnitFor(110_000);
    expect([0, 10_000, 20_000].map(timeTickFormat(10_000, ms))).toEqual(['0', '10', '20']);
    expect([23_000, 23_500].map(timeTickFormat(500, ms))).toEqual(['23.0', '23.5']);
    expect(timeTickFormat(0.2, timeUnitFor(3))(1.4)).toBe('1.4');
  });

  it('limits zoom and restores a window', () => {
    expect(maxZoom(100_000)).toBe(200_000);
    expect(maxZoom(0.1)).toBe(1);
    const { k, tx } = transformForWindow([0, 1000], [100, 1100], [250, 500]);
    const base = (t: number) => 100 + t;
    expect(k * base(250) + tx).toBeCloseTo(100);
    expect(k * base(500) + tx).toBeCloseTo(1100);
  });
});
