/**
 * Multi-series line chart layout (pure): latency CDFs, KV usage over time, KV capacity vs context.
 * Data space is the caller's; px space is SVG user units. Non-finite points, and non-positive ones
 * on log axes, are dropped.
 */
import { bisector, line, scaleLinear, scaleLog } from 'd3';
import type { ScaleContinuousNumeric } from 'd3';
import { categoricalColor } from '../theme';
import { decadeDomain, legendLayout, linearTicks, logTicks, textWidth } from '../scales';
import type { LegendLayoutItem, Margin, Tick } from '../scales';

export interface LineSeries {
  label: string;
  points: [number, number][];
  dashed?: boolean;
  /** Explicit colour (default: the categorical palette by index). */
  color?: string;
  /** Drawn thicker (e.g. the selected plan's own series). */
  emphasis?: boolean;
}

export interface LineChartInput {
  xLog?: boolean;
  yLog?: boolean;
  series: readonly LineSeries[];
  markers?: readonly { x: number; label: string }[];
  hLines?: readonly { y: number; label: string; color?: string }[];
  /** Include y = 0 on a linear y axis when all values are ≥ 0 (default true). */
  yZero?: boolean;
  /** Fixed x domain (default: the data's, widened to whole decades on a log axis). */
  xDomain?: readonly [number, number];
  /** Fixed x ticks with their labels (default: decades on a log axis, nice numbers otherwise). */
  xTickValues?: readonly { value: number; label: string }[];
}

export interface LaidSeries {
  label: string;
  color: string;
  dashed: boolean;
  emphasis: boolean;
  /** Sorted by x, filtered. */
  points: [number, number][];
  path: string;
}

export interface LineLayout {
  margin: Margin;
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
  xTicks: Tick[];
  yTicks: Tick[];
  legend: LegendLayoutItem[];
  series: LaidSeries[];
  markers: { x: number; label: string; px: number; labelY: number; anchor: 'start' | 'end' }[];
  hLines: { y: number; label: string; color?: string; py: number }[];
}

/** Index of the point whose x is nearest to `x` in an x-sorted array (−1 when empty). */
export function nearestIndex(points: readonly (readonly [number, number])[], x: number): number {
  if (!points.length) return -1;
  const i = bisector((p: readonly [number, number]) => p[0]).left(points, x);
  if (i <= 0) return 0;
  if (i >= points.length) return points.length - 1;
  const a = points[i - 1];
  const b = points[i];
  if (!a || !b) return Math.min(i, points.length - 1);
  return x - a[0] <= b[0] - x ? i - 1 : i;
}

/**
 * Stagger annotation labels placed at px positions `xs` (each `w` px wide, anchored at x + 4) into
 * rows so neighbours do not overlap. Returns the row index per label.
 */
export function staggerRows(items: readonly { px: number; w: number }[], maxRows = 4): number[] {
  const order = items.map((it, i) => ({ ...it, i })).sort((a, b) => a.px - b.px);
  const rowEnds: number[] = [];
  const rows = new Array<number>(items.length).fill(0);
  for (const it of order) {
    let r = rowEnds.findIndex((end) => it.px + 4 > end + 4);
    if (r === -1) r = rowEnds.length < maxRows ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[r] = it.px + 4 + it.w;
    rows[it.i] = r;
  }
  return rows;
}

function extent(vals: readonly number[]): [number, number] | null {
  if (!vals.length) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vals) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Blank the labels of fixed ticks that would collide (keep every k-th, at least 34 px apart). */
function thinTicks(ticks: Tick[]): Tick[] {
  if (ticks.length < 2) return ticks;
  const widest = Math.max(...ticks.map((t) => textWidth(t.label, 11)));
  const gap = Math.abs((ticks[ticks.length - 1]!.pos - ticks[0]!.pos) / (ticks.length - 1));
  const every = gap > 0 ? Math.max(1, Math.ceil((widest + 10) / gap)) : 1;
  return ticks.map((t, i) => (i % every === 0 ? t : { ...t, label: '' }));
}

export function lineLayout(input: LineChartInput, width: number, height: number): LineLayout {
  const { xLog = false, yLog = false, yZero = true } = input;
  const ok = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!xLog || x > 0) && (!yLog || y > 0);
  const clean = input.series.map((s, i) => ({
    label: s.label,
    color: s.color ?? categoricalColor(i),
    dashed: !!s.dashed,
    emphasis: !!s.emphasis,
    points: s.points.filter(([x, y]) => ok(x, y)).sort((a, b) => a[0] - b[0]),
  }));
  const xFixed =
    input.xDomain && input.xDomain[0] < input.xDomain[1] && (!xLog || input.xDomain[0] > 0) ? input.xDomain : null;
  const markers = (input.markers ?? []).filter(
    (mk) => Number.isFinite(mk.x) && (!xLog || mk.x > 0) && (!xFixed || (mk.x >= xFixed[0] && mk.x <= xFixed[1])),
  );
  const hLines = (input.hLines ?? []).filter((h) => Number.isFinite(h.y) && (!yLog || h.y > 0));

  const xe = extent([...clean.flatMap((s) => s.points.map((p) => p[0])), ...markers.map((mk) => mk.x)]) ?? [0, 1];
  let ye = extent([...clean.flatMap((s) => s.points.map((p) => p[1])), ...hLines.map((h) => h.y)]) ?? [0, 1];
  if (!yLog && yZero && ye[0] >= 0) ye = [0, ye[1]];
  if (ye[0] === ye[1]) ye = [ye[0] - (Math.abs(ye[0]) || 1) * 0.5, ye[1] + (Math.abs(ye[1]) || 1) * 0.5];
  const xd0: [number, number] =
    xe[0] === xe[1] ? [xe[0] - (Math.abs(xe[0]) || 1) * 0.5, xe[1] + (Math.abs(xe[1]) || 1) * 0.5] : xe;

  const legendItems = clean.map((s) => ({
    label: s.label,
    color: s.color,
    shape: s.dashed ? ('dashed' as const) : ('line' as const),
  }));
  const left = 62;
  const right = 18;
  const legend = legendLayout(legendItems, width - left - right);
  const x0 = left;
  const x1 = Math.max(x0 + 40, width - right);
  const x: ScaleContinuousNumeric<number, number> = xFixed
    ? (xLog ? scaleLog() : scaleLinear()).domain([xFixed[0], xFixed[1]]).range([x0, x1])
    : xLog
      ? scaleLog().domain(decadeDomain(xe[0], xe[1])).range([x0, x1])
      : scaleLinear().domain(xd0).range([x0, x1]).nice();
  // Marker labels sit above the plot, staggered into rows (row 0 nearest the plot).
  const mpx = markers.map((mk) => ({ ...mk, px: x(mk.x), w: textWidth(mk.label, 11) }));
  const rows = staggerRows(mpx);
  const nRows = mpx.length ? Math.max(...rows) + 1 : 0;
  const markerBand = nRows ? 4 + nRows * 13 : 0;
  const margin: Margin = { top: legend.height + 10 + markerBand, right, bottom: 48, left };
  const y0 = margin.top;
  const y1 = Math.max(y0 + 40, height - margin.bottom);
  const y: ScaleContinuousNumeric<number, number> = yLog
    ? scaleLog().domain(decadeDomain(ye[0], ye[1])).range([y1, y0])
    : scaleLinear().domain(ye).range([y1, y0]).nice();
  const xd = x.domain() as [number, number];
  const yd = y.domain() as [number, number];
  const xTicks = input.xTickValues
    ? thinTicks(
        input.xTickValues
          .filter((t) => t.value >= xd[0] && t.value <= xd[1])
          .map((t) => ({ value: t.value, pos: x(t.value), label: t.label, major: true })),
      )
    : xLog
      ? logTicks(xd, x)
      : linearTicks(xd, x.ticks(Math.max(2, Math.floor((x1 - x0) / 80))), x);
  const yTicks = yLog ? logTicks(yd, y) : linearTicks(yd, y.ticks(Math.max(2, Math.floor((y1 - y0) / 45))), y);

  const gen = line<[number, number]>()
    .x((d) => x(d[0]))
    .y((d) => y(d[1]));
  const series: LaidSeries[] = clean.map((s) => ({ ...s, path: gen(s.points) ?? '' }));

  const laidMarkers = mpx.map((mk, i) => {
    const row = rows[i] ?? 0;
    const flip = mk.px + 4 + mk.w > x1;
    return {
      x: mk.x,
      label: mk.label,
      px: mk.px,
      labelY: y0 - 4 - row * 13,
      anchor: flip ? ('end' as const) : ('start' as const),
    };
  });

  return {
    margin,
    x,
    y,
    xTicks,
    yTicks,
    legend: legend.items,
    series,
    markers: laidMarkers,
    hLines: hLines.map((h) => ({ ...h, py: y(h.y) })),
  };
}
