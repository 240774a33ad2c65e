/**
 * Pure layout helpers shared by the SVG charts: tick generation, text-size estimates, greedy label
 * placement and legend flow. No DOM: everything here runs in Node for tests and SSR.
 *
 * Coordinate space: "px" is SVG user space, which equals CSS pixels because the charts render at
 * their measured width without a viewBox.
 */
import { decadeLabel, linearTickFormat } from './format';

export interface Tick {
  value: number;
  /** Position in px along the axis. */
  pos: number;
  /** Empty for minor ticks. */
  label: string;
  major: boolean;
}

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Expand [min, max] outward to whole decades; degenerate or single-decade inputs get one decade each side. */
export function decadeDomain(min: number, max: number): [number, number] {
  if (!(min > 0) || !Number.isFinite(min)) min = 1;
  if (!(max > 0) || !Number.isFinite(max)) max = min * 10;
  if (max < min) [min, max] = [max, min];
  let lo = Math.floor(Math.log10(min) + 1e-9);
  let hi = Math.ceil(Math.log10(max) - 1e-9);
  if (hi <= lo) {
    lo -= 1;
    hi += 1;
  }
  return [10 ** lo, 10 ** hi];
}

/**
 * Ticks for a log axis: a labelled tick at each decade (every other decade when the domain spans
 * more than `maxLabels` decades) and unlabelled minor ticks at 2..9 × 10^k when decades are wide
 * enough in px.
 */
export function logTicks(domain: readonly [number, number], toPx: (v: number) => number, maxLabels = 8): Tick[] {
  const [d0, d1] = domain[0] <= domain[1] ? domain : [domain[1], domain[0]];
  if (!(d0 > 0)) return [];
  const lo = Math.floor(Math.log10(d0) + 1e-9);
  const hi = Math.ceil(Math.log10(d1) - 1e-9);
  const decades = hi - lo;
  const every = decades > maxLabels ? Math.ceil(decades / maxLabels) : 1;
  const decadePx = decades > 0 ? Math.abs(toPx(10 ** hi) - toPx(10 ** lo)) / decades : 0;
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e++) {
    const v = 10 ** e;
    if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) {
      const labelled = (e - lo) % every === 0;
      ticks.push({ value: v, pos: toPx(v), label: labelled ? decadeLabel(v) : '', major: true });
    }
    if (decadePx >= 40) {
      for (let m = 2; m <= 9; m++) {
        const mv = m * v;
        if (mv > d0 && mv < d1) ticks.push({ value: mv, pos: toPx(mv), label: '', major: false });
      }
    }
  }
  return ticks.sort((a, b) => a.value - b.value);
}

/** Ticks for a linear axis using d3's nice tick values. */
export function linearTicks(
  domain: readonly [number, number],
  values: readonly number[],
  toPx: (v: number) => number,
): Tick[] {
  const f = linearTickFormat(domain, values);
  return values.map((v) => ({ value: v, pos: toPx(v), label: f(v), major: true }));
}

/** Rough rendered width of `text` at `fontPx` in a UI sans-serif (no DOM to measure in SSR). */
export function textWidth(text: string, fontPx = 11): number {
  let w = 0;
  for (const ch of text) {
    if ("il.,:;|!'`".includes(ch)) w += 0.3;
    else if ('fjrtI()[] '.includes(ch)) w += 0.38;
    else if ('mwMW%@'.includes(ch)) w += 0.86;
    else if (ch >= 'A' && ch <= 'Z') w += 0.66;
    else if (ch >= '0' && ch <= '9') w += 0.56;
    else w += 0.54;
  }
  return w * fontPx;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const boxesOverlap = (a: Box, b: Box, pad = 1): boolean =>
  a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;

export interface LabelRequest {
  id: string;
  text: string;
  /** Anchor (centre of the mark) in px. */
  x: number;
  y: number;
  /** Mark radius in px: labels are offset by this much. */
  r: number;
}

export interface PlacedLabel {
  id: string;
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end' | 'middle';
  /** The px box it covers (what later labels must not overlap). */
  box: Box;
}

/**
 * Greedy label placement: in priority order, try right, left, above, below each anchor and keep
 * the first position that stays inside `bounds` and overlaps neither placed labels nor `obstacles`.
 * Labels that fit nowhere are dropped (the tooltip still shows them).
 * `soft` obstacles (other marks, lines) are avoided when some position allows it; otherwise a
 * label may sit over them (charts give labels a halo so lines stay legible around the text).
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  bounds: Box,
  obstacles: readonly Box[] = [],
  fontPx = 11,
  soft: readonly Box[] = [],
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  const taken: Box[] = [...obstacles];
  const h = fontPx + 2;
  for (const q of requests) {
    const w = textWidth(q.text, fontPx);
    const gap = q.r + 3;
    const at = (x: number, y: number, anchor: PlacedLabel['anchor'], box: Box): [PlacedLabel, Box] => [
      { id: q.id, text: q.text, x, y, anchor, box },
      box,
    ];
    const candidates: [PlacedLabel, Box][] = [
      at(q.x + gap, q.y + fontPx * 0.35, 'start', { x: q.x + gap, y: q.y - h / 2, w, h }),
      at(q.x - gap, q.y + fontPx * 0.35, 'end', { x: q.x - gap - w, y: q.y - h / 2, w, h }),
      at(q.x, q.y - gap - 2, 'middle', { x: q.x - w / 2, y: q.y - gap - h, w, h }),
      at(q.x, q.y + gap + fontPx, 'middle', { x: q.x - w / 2, y: q.y + gap, w, h }),
    ];
    const ok = candidates.filter(([, box]) => {
      const inside =
        box.x >= bounds.x &&
        box.y >= bounds.y &&
        box.x + box.w <= bounds.x + bounds.w &&
        box.y + box.h <= bounds.y + bounds.h;
      return inside && !taken.some((t) => boxesOverlap(t, box));
    });
    const best = ok.find(([, box]) => !soft.some((t) => boxesOverlap(t, box))) ?? ok[0];
    if (best) {
      placed.push(best[0]);
      taken.push(best[1]);
    }
  }
  return placed;
}

export type SwatchShape = 'rect' | 'circle' | 'diamond' | 'line' | 'dashed' | 'hatch' | 'ring';

export interface LegendItem {
  label: string;
  color: string;
  shape: SwatchShape;
}

export interface LegendLayoutItem extends LegendItem {
  x: number;
  y: number;
}

export const LEGEND_ROW = 18;

/** Flow legend items left-to-right into rows no wider than `width`. Returns positions and total height. */
export function legendLayout(
  items: readonly LegendItem[],
  width: number,
  fontPx = 11,
): { items: LegendLayoutItem[]; height: number } {
  const out: LegendLayoutItem[] = [];
  let x = 0;
  let row = 0;
  for (const it of items) {
    const w = 16 + textWidth(it.label, fontPx) + 14;
    if (x > 0 && x + w > width) {
      row += 1;
      x = 0;
    }
    out.push({ ...it, x, y: row * LEGEND_ROW });
    x += w;
  }
  return { items: out, height: items.length ? (row + 1) * LEGEND_ROW : 0 };
}

/** Sanitise React's useId() output for use inside url(#…) references. */
export const svgId = (raw: string, suffix: string): string => `pkv${raw.replace(/[^a-zA-Z0-9_-]/g, '')}-${suffix}`;

/** Round every number in an SVG string to `digits` decimals (stable snapshots, Observable Plot style). */
export function roundSvgNumbers(svg: string, digits = 2): string {
  return svg.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (m) => {
    const r = Number(Number(m).toFixed(digits));
    return String(Object.is(r, -0) ? 0 : r);
  });
}
