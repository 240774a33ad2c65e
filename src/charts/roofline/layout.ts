/**
 * Roofline layout (pure). Two spaces meet here:
 *  - data space: x = arithmetic intensity in FLOP/byte, y = performance in FLOP/s (the props give
 *    TFLOPS and GB/s; we convert once so the y axis reads 1T, 10T, 100T, 1P);
 *  - px space: SVG user units, log scales from d3-scale.
 * Roofs are attainable(I) = min(peak, bw · I); each (peak, bw) pair meets at the ridge I = peak / bw.
 */
import { scaleLog, scaleSqrt } from 'd3';
import type { ScaleLogarithmic } from 'd3';
import { GB as GIGA, TERA } from '../../core/units.ts';
import { fmtGBps, fmtTflops, sig } from '../format';
import { spreadLabels } from '../spread';
import { decadeDomain, legendLayout, logTicks, placeLabels, textWidth } from '../scales';
import type { LegendLayoutItem, Margin, PlacedLabel, Tick } from '../scales';

export type Phase = 'prefill' | 'decode';

export interface RooflinePoint {
  id: string;
  label: string;
  phase: Phase;
  intensityFlopPerByte: number;
  achievedTflops: number;
  /** 0..1, share of step time; sizes the dot. */
  timeShare: number;
  bound: string;
}

export interface RooflineInput {
  gpuLabel: string;
  ceilings: readonly { label: string; tflops: number }[];
  memoryGBps: number;
  links: readonly { label: string; GBps: number }[];
  points: readonly RooflinePoint[];
}

/** Ridge point in FLOP/byte: peak FLOP/s divided by bandwidth in byte/s (units must agree). */
export const ridgeIntensity = (peakFlopsPerS: number, bytesPerS: number): number => peakFlopsPerS / bytesPerS;

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  kind: 'slope' | 'flat';
}

/**
 * The roof for one (peak, bandwidth) pair over the x domain [x0, x1], in data units: a slope
 * y = bw·x up to the ridge, then a flat ceiling. Segments outside the domain are dropped.
 */
export function roofSegments(peakFlopsPerS: number, bytesPerS: number, [x0, x1]: readonly [number, number]): Segment[] {
  if (!(peakFlopsPerS > 0) || !(bytesPerS > 0) || !(x1 > x0)) return [];
  const ridge = ridgeIntensity(peakFlopsPerS, bytesPerS);
  const out: Segment[] = [];
  if (ridge > x0) {
    const xe = Math.min(ridge, x1);
    out.push({ x1: x0, y1: bytesPerS * x0, x2: xe, y2: bytesPerS * xe, kind: 'slope' });
  }
  if (ridge < x1) {
    const xs = Math.max(ridge, x0);
    out.push({ x1: xs, y1: peakFlopsPerS, x2: x1, y2: peakFlopsPerS, kind: 'flat' });
  }
  return out;
}

/** Attainable FLOP/s at intensity x under a roof. */
export const attainable = (peakFlopsPerS: number, bytesPerS: number, x: number): number =>
  Math.min(peakFlopsPerS, bytesPerS * x);

export { GIGA, TERA };

export const isPlottable = (p: RooflinePoint): boolean =>
  Number.isFinite(p.intensityFlopPerByte) &&
  Number.isFinite(p.achievedTflops) &&
  p.intensityFlopPerByte > 0 &&
  p.achievedTflops > 0;

export interface LaidPoint extends RooflinePoint {
  cx: number;
  cy: number;
  r: number;
  /** Attainable TFLOPS at this intensity under the top compute roof and HBM (for the tooltip). */
  roofTflops: number | null;
}

export interface LineLabel {
  text: string;
  x: number;
  y: number;
  angle: number;
}

export interface RooflineLayout {
  width: number;
  height: number;
  margin: Margin;
  x: ScaleLogarithmic<number, number>;
  y: ScaleLogarithmic<number, number>;
  xDomain: [number, number];
  yDomain: [number, number];
  xTicks: Tick[];
  yTicks: Tick[];
  legend: LegendLayoutItem[];
  legendY: number;
  /** HBM slope from the left edge to the highest ridge, px. */
  memoryPath: string;
  memoryLabel: LineLabel | null;
  ceilings: {
    label: string;
    tflops: number;
    text: string;
    y: number;
    xStart: number;
    xEnd: number;
    textX: number;
    textY: number;
  }[];
  /** Knee of each compute roof with the HBM roof; `text` is drawn rotated along the drop line. */
  ridges: { label: string; intensity: number; x: number; y: number; text: string; textX: number }[];
  links: { label: string; GBps: number; path: string; textLabel: LineLabel | null }[];
  points: LaidPoint[];
  pointLabels: PlacedLabel[];
  dropped: number;
}

const pathOf = (segs: readonly Segment[], x: (v: number) => number, y: (v: number) => number): string =>
  segs
    .map(
      (s, i) =>
        `${i === 0 ? 'M' : 'L'}${x(s.x1).toFixed(2)},${y(s.y1).toFixed(2)}L${x(s.x2).toFixed(2)},${y(s.y2).toFixed(2)}`,
    )
    .join('');

/** Label placed along a log-log slope line y = bw·x between x-range [xa, xb] (data units), at fraction t. */
function slopeLabel(
  text: string,
  bw: number,
  xa: number,
  xb: number,
  t: number,
  x: (v: number) => number,
  y: (v: number) => number,
): LineLabel | null {
  if (!(xb > xa)) return null;
  const lx = Math.exp(Math.log(xa) + t * (Math.log(xb) - Math.log(xa)));
  const px = x(lx);
  const py = y(bw * lx);
  const dx = x(xb) - x(xa);
  const dy = y(bw * xb) - y(bw * xa);
  if (Math.hypot(dx, dy) < textWidth(text) + 20) return null;
  const angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  return { text, x: px, y: py, angle };
}

/** Annotation text metrics at 11 px: ascent above the baseline and line box height. */
const CEIL_ASCENT_PX = 11;
const LABEL_LINE_PX = 13;
/** Ridge text sits this far right of its drop line. */
const RIDGE_OFFSET_PX = 13;

export const PREFILL_COLOR = 'var(--chart-prefill, #4269d0)';
export const DECODE_COLOR = 'var(--chart-decode, #e8590c)';
export const ROOF_COLOR = 'var(--chart-fg, #1f2328)';
export const LINK_COLOR = 'var(--chart-fg-muted, #5b636d)';

export function rooflineLayout(input: RooflineInput, width: number, height: number): RooflineLayout {
  const ceilings = input.ceilings.filter((c) => c.tflops > 0 && Number.isFinite(c.tflops));
  const links = input.links.filter((l) => l.GBps > 0 && Number.isFinite(l.GBps));
  const hbm = input.memoryGBps > 0 && Number.isFinite(input.memoryGBps) ? input.memoryGBps * GIGA : 0;
  const good = input.points.filter(isPlottable);
  const dropped = input.points.length - good.length;
  const peaks = ceilings.map((c) => c.tflops * TERA);
  const topPeak = peaks.length ? Math.max(...peaks) : 0;

  // --- domains -----------------------------------------------------------------------------
  // x spans the points, a decade either side of each HBM ridge, and each link roof's corner.
  const ridgeXs: number[] = [];
  if (hbm) for (const p of peaks) ridgeXs.push(ridgeIntensity(p, hbm));
  const linkRidges = topPeak ? links.map((l) => ridgeIntensity(topPeak, l.GBps * GIGA)) : [];
  const xs = [
    ...good.map((p) => p.intensityFlopPerByte),
    ...ridgeXs.map((r) => r / 10),
    ...ridgeXs.map((r) => r * 10),
    ...linkRidges.map((r) => r * 1.5),
  ];
  const xDomain = xs.length ? decadeDomain(Math.min(...xs), Math.max(...xs)) : ([0.1, 1000] as [number, number]);
  const achieved = good.map((p) => p.achievedTflops * TERA);
  const yMaxData = Math.max(topPeak, ...achieved, 1);
  const yMinCand = [...achieved.map((a) => a / 2)];
  if (topPeak) yMinCand.push(topPeak / 1e4);
  const yLo = decadeDomain(yMinCand.length ? Math.min(...yMinCand) : yMaxData / 1e4, yMaxData)[0];
  const yDomain: [number, number] = [yLo, yMaxData * 2.2];

  // --- legend and margins ------------------------------------------------------------------
  const phases = new Set(good.map((p) => p.phase));
  const legendItems = [
    ...(phases.has('prefill') || !good.length
      ? [{ label: 'Prefill op', color: PREFILL_COLOR, shape: 'circle' as const }]
      : []),
    ...(phases.has('decode') || !good.length
      ? [{ label: 'Decode op', color: DECODE_COLOR, shape: 'diamond' as const }]
      : []),
    { label: 'Compute / HBM roof', color: ROOF_COLOR, shape: 'line' as const },
    ...(links.length ? [{ label: 'Link bandwidth roof', color: LINK_COLOR, shape: 'dashed' as const }] : []),
    { label: 'Dot area ∝ share of step time', color: 'var(--chart-fg-muted, #5b636d)', shape: 'ring' as const },
  ];
  const left = 58;
  const right = 16;
  const legend = legendLayout(legendItems, width - left - right);
  const margin: Margin = { top: legend.height + 14, right, bottom: 50, left };
  const plotW = Math.max(40, width - margin.left - margin.right);
  const plotH = Math.max(40, height - margin.top - margin.bottom);

  const x = scaleLog()
    .domain(xDomain)
    .range([margin.left, margin.left + plotW]);
  const y = scaleLog()
    .domain(yDomain)
    .range([margin.top + plotH, margin.top]);
  const xTicks = logTicks(xDomain, x);
  const yTicks = logTicks(yDomain, y);

  // --- roofs -------------------------------------------------------------------------------
  const topRidge = hbm && topPeak ? ridgeIntensity(topPeak, hbm) : 0;
  const memSegs = hbm ? roofSegments(topPeak || hbm * xDomain[1], hbm, xDomain).filter((s) => s.kind === 'slope') : [];
  const memoryPath = pathOf(memSegs, x, y);
  const memVisibleFrom = hbm ? Math.max(xDomain[0], yDomain[0] / hbm) : 0;
  const memoryLabel = hbm
    ? slopeLabel(`HBM ${fmtGBps(input.memoryGBps)}`, hbm, memVisibleFrom, topRidge || xDomain[1], 0.42, x, y)
    : null;

  const plotRight = margin.left + plotW;
  const ceilingRows = ceilings
    .map((c) => {
      const peak = c.tflops * TERA;
      const ridge = hbm ? ridgeIntensity(peak, hbm) : xDomain[0];
      const text = `${c.label} ${fmtTflops(c.tflops)}`;
      const xStart = x(Math.max(ridge, xDomain[0]));
      return {
        label: c.label,
        tflops: c.tflops,
        text,
        y: y(peak),
        xStart,
        xEnd: plotRight,
        textX: plotRight - 4,
        textY: y(peak) - 5,
      };
    })
    .sort((a, b) => a.y - b.y);
  // Ceiling labels sit just above their roof; close peaks (FP8/INT8/FP4 ...) would stack their text, so
  // spread the label boxes vertically (box top = baseline - 11, 13 px tall).
  const plotBottom = margin.top + plotH;
  const ceilTops = spreadLabels(
    ceilingRows.map((c) => ({ at: c.textY - CEIL_ASCENT_PX, size: LABEL_LINE_PX })),
    margin.top,
    plotBottom,
  );
  ceilingRows.forEach((c, i) => (c.textY = (ceilTops[i] ?? c.textY - CEIL_ASCENT_PX) + CEIL_ASCENT_PX));

  // Ridge labels run vertically beside their drop line; two ridges a few px apart would overprint,
  // so spread their (rotated) boxes horizontally. `textX` is the rotated text's baseline.
  const ridgeRows = hbm
    ? ceilings.map((c) => {
        const peak = c.tflops * TERA;
        const ri = ridgeIntensity(peak, hbm);
        return { label: c.label, intensity: ri, x: x(ri), y: y(peak), text: `${c.label} ridge ${sig(ri, 3)} FLOP/B` };
      })
    : [];
  const ridgeLefts = spreadLabels(
    ridgeRows.map((r) => ({ at: r.x + RIDGE_OFFSET_PX - CEIL_ASCENT_PX, size: LABEL_LINE_PX })),
    margin.left,
    plotRight,
  );
  const ridges = ridgeRows.map((r, i) => ({
    ...r,
    textX: (ridgeLefts[i] ?? r.x + RIDGE_OFFSET_PX - CEIL_ASCENT_PX) + CEIL_ASCENT_PX,
  }));

  const linkRows = links.map((l) => {
    const bw = l.GBps * GIGA;
    const segs = topPeak ? roofSegments(topPeak, bw, xDomain).filter((s) => s.kind === 'slope') : [];
    const from = Math.max(xDomain[0], yDomain[0] / bw);
    const to = topPeak ? Math.min(xDomain[1], ridgeIntensity(topPeak, bw)) : xDomain[1];
    return {
      label: l.label,
      GBps: l.GBps,
      path: pathOf(segs, x, y),
      textLabel: slopeLabel(`${l.label} ${fmtGBps(l.GBps)}`, bw, from, to, 0.62, x, y),
    };
  });

  // --- points ------------------------------------------------------------------------------
  const rScale = scaleSqrt().domain([0, 1]).range([0, 15]).clamp(true);
  const points: LaidPoint[] = good
    .map((p) => ({
      ...p,
      cx: x(p.intensityFlopPerByte),
      cy: y(p.achievedTflops * TERA),
      r: Math.max(3.5, rScale(Number.isFinite(p.timeShare) ? p.timeShare : 0)),
      roofTflops: topPeak && hbm ? attainable(topPeak, hbm, p.intensityFlopPerByte) / TERA : null,
    }))
    .sort((a, b) => b.r - a.r);

  const bounds = { x: margin.left, y: margin.top, w: plotW, h: plotH };
  const obstacles = ceilingRows.map((c) => ({
    x: c.textX - textWidth(c.text),
    y: c.textY - 11,
    w: textWidth(c.text),
    h: 13,
  }));
  const pointLabels = placeLabels(
    [...points]
      .filter((p) => p.timeShare >= 0.04)
      .sort((a, b) => b.timeShare - a.timeShare)
      .slice(0, 10)
      .map((p) => ({ id: p.id, text: p.label, x: p.cx, y: p.cy, r: p.r })),
    bounds,
    [...obstacles, ...ridges.map((r) => ({ x: r.x - 4, y: r.y - 4, w: 8, h: 8 }))],
  );

  return {
    width,
    height,
    margin,
    x,
    y,
    xDomain,
    yDomain,
    xTicks,
    yTicks,
    legend: legend.items,
    legendY: 4,
    memoryPath,
    memoryLabel,
    ceilings: ceilingRows,
    ridges,
    links: linkRows,
    points,
    pointLabels,
    dropped,
  };
}

/** SVG path for a diamond of "radius" r centred at (cx, cy) with the same area as a circle of radius r. */
export function diamondPath(cx: number, cy: number, r: number): string {
  const d = r * Math.sqrt(Math.PI / 2);
  return `M${cx.toFixed(2)},${(cy - d).toFixed(2)}L${(cx + d).toFixed(2)},${cy.toFixed(2)}L${cx.toFixed(2)},${(cy + d).toFixed(2)}L${(cx - d).toFixed(2)},${cy.toFixed(2)}Z`;
}
