import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import { drawGantt, fitText, textColorOn } from './draw';
import type { GanttPalette } from './draw';
import { buildLaneIndex, layoutRows } from './layout';
import type { SpanTable } from './layout';

/** A recording stand-in for CanvasRenderingContext2D (10px per char text metrics). */
function recorder() {
  const rects: { x: number; y: number; w: number; h: number; fill: string }[] = [];
  const texts: string[] = [];
  const ctx = {
    fillStyle: '' as string | CanvasGradient | CanvasPattern,
    strokeStyle: '' as string | CanvasGradient | CanvasPattern,
    lineWidth: 1,
    font: '',
    textBaseline: 'alphabetic' as CanvasTextBaseline,
    textAlign: 'left' as CanvasTextAlign,
    fillRect(x: number, y: number, w: number, h: number) {
      rects.push({ x, y, w, h, fill: String(this.fillStyle) });
    },
    clearRect() {},
    fillText(t: string) {
      texts.push(t);
    },
    strokeRect() {},
    save() {},
    restore() {},
    beginPath() {},
    rect() {},
    clip() {},
    moveTo() {},
    lineTo() {},
    stroke() {},
    measureText: (t: string) => ({ width: t.length * 10 }) as TextMetrics,
  };
  return { ctx, rects, texts };
}

const palette: GanttPalette = {
  kinds: ['#k0', '#k1', '#k2'],
  fg: '#fg',
  muted: '#muted',
  bg: '#bg',
  panel: '#panel',
  grid: '#grid',
  border: '#border',
  focus: '#focus',
  font: 'sans-serif',
};

/** 20 lanes × 1000 back-to-back 10 µs spans = 20k spans over 10 ms. */
function bigTable(lanes = 20, per = 1000): SpanTable {
  const n = lanes * per;
  const s: SpanTable = {
    lane: new Uint16Array(n),
    startUs: new Float64Array(n),
    endUs: new Float64Array(n),
    kind: new Uint8Array(n),
    detail: Array.from({ length: n }, (_, i) => i % 3),
  };
  for (let l = 0, k = 0; l < lanes; l++)
    for (let j = 0; j < per; j++, k++) {
      s.lane[k] = l;
      s.startUs[k] = j * 10;
      s.endUs[k] = j * 10 + 10;
      s.kind[k] = (j >> 4) % 3; // runs of 16 same-kind spans
    }
  return s;
}

const lanes = Array.from({ length: 20 }, (_, i) => ({ label: `GPU ${i % 8}`, group: `Stage ${i >> 3}` }));

function run(t0: number, t1: number, opts: { scrollTop?: number; height?: number } = {}) {
  const spans = bigTable();
  const index = buildLaneIndex(spans, 20);
  const rows = layoutRows(lanes, 20, 18);
  const width = 1000;
  const gutter = 100;
  const x = scaleLinear().domain([t0, t1]).range([gutter, width]);
  const r = recorder();
  const stats = drawGantt(r.ctx, {
    width,
    height: opts.height ?? rows.contentHeight,
    gutter,
    scrollTop: opts.scrollTop ?? 0,
    rows,
    index,
    spans,
    xOf: x,
    t0,
    t1,
    palette,
    labelOf: (i) => ['attn', 'gemm', 'allreduce'][spans.detail[i] ?? 0] ?? '',
  });
  return { ...r, stats, rows };
}

describe('drawGantt', () => {
  it('culls to the visible window with the binary search', () => {
    const { stats } = run(5000, 5100);
    expect(stats.lanesDrawn).toBe(20);
    // ~11 spans intersect per lane; never the whole lane.
    expect(stats.visited).toBeLessThanOrEqual(20 * 12);
  });

  it('merges same-kind sub-pixel runs at full zoom-out', () => {
    const { stats } = run(0, 10_000);
    expect(stats.visited).toBe(20_000);
    // 1000 spans/lane in 900 px: runs of 16 same-kind spans merge, ~63 rects per lane.
    expect(stats.rects).toBeLessThanOrEqual(20 * 64);
  });

  it('skips lanes outside the vertical viewport', () => {
    const { stats } = run(0, 10_000, { scrollTop: 200, height: 100 });
    expect(stats.lanesDrawn).toBeLessThanOrEqual(6);
    expect(stats.lanesDrawn).toBeGreaterThan(0);
  });

  it('paints span colours by kind, labels wide spans and lane labels', () => {
    const { rects, texts } = run(0, 100); // spans 0..9, all kind 0
    expect(rects.some((r) => r.fill === '#k0')).toBe(true);
    expect(texts).toContain('GPU 0');
    expect(texts).toContain('Stage 0');
    expect(texts.some((t) => t === 'attn' || t === 'gemm' || t === 'allreduce')).toBe(true);
    const spanRects = rects.filter((r) => r.fill.startsWith('#k'));
    for (const r of spanRects) expect(r.x).toBeGreaterThanOrEqual(99);
  });

  it('fits and contrasts text', () => {
    const m = { measureText: (t: string) => ({ width: t.length * 10 }) as TextMetrics };
    expect(fitText(m, 'hello', 100)).toBe('hello');
    expect(fitText(m, 'hello world', 50)).toBe('hell…');
    expect(fitText(m, 'hello', 5)).toBe('');
    expect(textColorOn('#ffffff')).toBe('#10151c');
    expect(textColorOn('#4d535c')).toBe('#f5f7fa');
    expect(textColorOn('rgb(239, 177, 24)')).toBe('#10151c');
  });
});
