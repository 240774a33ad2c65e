/**
 * Canvas painting for the Gantt, shared by the on-screen view and the PNG export. Takes a 2D
 * context and already-resolved colours; reads no DOM, so tests can drive it with a recording
 * context. See layout.ts for the coordinate spaces.
 *
 * Per visible lane: binary-search the first span ending after the left edge, walk until a span
 * starts after the right edge, and merge runs of same-colour sub-pixel spans into one rect.
 */
import { color as d3color } from 'd3';
import { firstVisible } from './layout';
import type { LaneIndex, RowLayout, SpanTable } from './layout';

export interface GanttPalette {
  /** Resolved fill per kind index. */
  kinds: string[];
  fg: string;
  muted: string;
  bg: string;
  panel: string;
  grid: string;
  border: string;
  focus: string;
  font: string;
}

export interface DrawParams {
  width: number;
  height: number;
  gutter: number;
  /** Content-space y at the top of the viewport. */
  scrollTop: number;
  rows: RowLayout;
  index: LaneIndex;
  spans: SpanTable;
  /** Zoomed time → view x. */
  xOf: (us: number) => number;
  /** Visible time window. */
  t0: number;
  t1: number;
  palette: GanttPalette;
  /** Span label text (drawn inside spans wide enough), by span index. */
  labelOf?: (span: number) => string;
  hovered?: number;
}

export interface DrawStats {
  rects: number;
  visited: number;
  lanesDrawn: number;
}

const PAD_Y = 2;

type Ctx = Pick<
  CanvasRenderingContext2D,
  | 'fillRect'
  | 'clearRect'
  | 'fillText'
  | 'strokeRect'
  | 'save'
  | 'restore'
  | 'beginPath'
  | 'rect'
  | 'clip'
  | 'measureText'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
> & {
  fillStyle: CanvasRenderingContext2D['fillStyle'];
  strokeStyle: CanvasRenderingContext2D['strokeStyle'];
  lineWidth: number;
  font: string;
  textBaseline: CanvasTextBaseline;
  textAlign: CanvasTextAlign;
};

/** Dark or light text for legibility on `fill` (WCAG relative luminance threshold). */
export function textColorOn(fill: string): string {
  const c = d3color(fill)?.rgb();
  if (!c) return '#10151c';
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  return L > 0.18 ? '#10151c' : '#f5f7fa';
}

/** Truncate `text` with an ellipsis to fit `maxW` px. */
export function fitText(ctx: Pick<CanvasRenderingContext2D, 'measureText'>, text: string, maxW: number): string {
  if (maxW <= 0) return '';
  if (ctx.measureText(text).width <= maxW) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= maxW) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

export function drawGantt(ctx: Ctx, p: DrawParams): DrawStats {
  const { width, height, gutter, scrollTop, rows, index, spans, xOf, t0, t1, palette } = p;
  const stats: DrawStats = { rects: 0, visited: 0, lanesDrawn: 0 };
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, width, height);

  const labels: { x: number; y: number; w: number; text: string; kind: number }[] = [];
  const right = width;

  // Row backgrounds and separators.
  for (const r of rows.rows) {
    const y = r.y - scrollTop;
    if (y + r.h < 0 || y > height) continue;
    if (r.type === 'group') {
      ctx.fillStyle = palette.panel;
      ctx.fillRect(gutter, y, right - gutter, r.h);
    } else {
      ctx.fillStyle = palette.grid;
      ctx.fillRect(gutter, y + r.h - 0.5, right - gutter, 0.5);
    }
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(gutter, 0, right - gutter, height);
  ctx.clip();
  for (const r of rows.rows) {
    if (r.type !== 'lane') continue;
    const y = r.y - scrollTop;
    if (y + r.h < 0 || y > height) continue;
    const order = index.order[r.lane];
    const pm = index.prefixMaxEnd[r.lane];
    if (!order || !pm || !order.length) continue;
    stats.lanesDrawn++;
    const top = y + PAD_Y;
    const h = Math.max(1, r.h - 2 * PAD_Y);
    let pendKind = -1;
    let pendX0 = 0;
    let pendX1 = 0;
    const flush = () => {
      if (pendKind < 0) return;
      ctx.fillStyle = palette.kinds[pendKind] ?? palette.muted;
      ctx.fillRect(pendX0, top, Math.max(1, pendX1 - pendX0), h);
      stats.rects++;
      pendKind = -1;
    };
    for (let j = firstVisible(pm, t0); j < order.length; j++) {
      const i = order[j] ?? 0;
      const s = spans.startUs[i] ?? 0;
      if (s >= t1) break;
      const e = spans.endUs[i] ?? 0;
      stats.visited++;
      if (e <= t0) continue; // overlapped spans can end before the window even after the search
      let x0 = xOf(s);
      let x1 = xOf(e);
      if (x0 < gutter - 1) x0 = gutter - 1;
      if (x1 > right + 1) x1 = right + 1;
      const k = spans.kind[i] ?? 0;
      if (x1 - x0 < 1) x1 = x0 + 1;
      // Merge into the pending rect if same colour and touching (sub-pixel runs collapse to one rect).
      if (pendKind === k && x0 <= pendX1 + 0.5) {
        if (x1 > pendX1) pendX1 = x1;
        continue;
      }
      flush();
      pendKind = k;
      pendX0 = x0;
      pendX1 = x1;
      if (p.labelOf && x1 - x0 > 42 && h >= 11 && labels.length < 400) {
        const text = p.labelOf(i);
        if (text)
          labels.push({
            x: Math.max(x0, gutter) + 4,
            y: top + h / 2,
            w: Math.min(x1, right) - Math.max(x0, gutter) - 8,
            text,
            kind: k,
          });
      }
    }
    flush();
  }

  if (labels.length) {
    ctx.font = `10px ${palette.font}`;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const textColors = palette.kinds.map(textColorOn);
    for (const l of labels) {
      const t = fitText(ctx, l.text, l.w);
      if (!t) continue;
      ctx.fillStyle = textColors[l.kind] ?? '#10151c';
      ctx.fillText(t, l.x, l.y + 0.5);
    }
  }

  if (p.hovered !== undefined && p.hovered >= 0) {
    const i = p.hovered;
    const lane = spans.lane[i] ?? 0;
    const ly = (rows.laneY[lane] ?? 0) - scrollTop;
    const x0 = xOf(spans.startUs[i] ?? 0);
    const x1 = Math.max(x0 + 1, xOf(spans.endUs[i] ?? 0));
    ctx.strokeStyle = palette.fg;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 - 1, ly + PAD_Y - 1, x1 - x0 + 2, rows.laneH - 2 * PAD_Y + 2);
  }
  ctx.restore();

  // Gutter with group headers and lane labels, painted over any span that crossed it.
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, gutter, height);
  ctx.fillStyle = palette.border;
  ctx.fillRect(gutter - 1, 0, 1, height);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const r of rows.rows) {
    const y = r.y - scrollTop;
    if (y + r.h < 0 || y > height) continue;
    if (r.type === 'group') {
      ctx.fillStyle = palette.panel;
      ctx.fillRect(0, y, gutter - 1, r.h);
      ctx.font = `600 11px ${palette.font}`;
      ctx.fillStyle = palette.fg;
      ctx.fillText(fitText(ctx, r.label, gutter - 12), 6, y + r.h / 2 + 0.5);
    } else {
      ctx.font = `11px ${palette.font}`;
      ctx.fillStyle = palette.muted;
      ctx.fillText(fitText(ctx, r.label, gutter - 22), 14, y + r.h / 2 + 0.5);
    }
  }
  return stats;
}
