/**
 * Pareto scatter layout (pure). Data space is whatever the caller plots (e.g. x = $/Mtok,
 * y = tokens/s per GPU); px space is SVG user units. The frontier flags come from the caller: this
 * module only orders the flagged points by x and draws them as a staircase.
 */
import { scaleLinear, scaleLog } from 'd3';
import type { ScaleContinuousNumeric } from 'd3';
import { categoricalColor } from '../theme';
import { decadeDomain, legendLayout, linearTicks, logTicks, placeLabels } from '../scales';
import type { Box, LegendLayoutItem, Margin, PlacedLabel, Tick } from '../scales';

export interface ParetoPoint {
  id: string;
  x: number;
  y: number;
  label: string;
  /** Colour group, e.g. parallelism "TP8". */
  group: string;
  onFrontier: boolean;
  /** Expected error of x / y, % (core/calibrate/bands.ts): drawn as whiskers on frontier points. */
  xBandPct?: number;
  yBandPct?: number;
}

/**
 * 'after': from each frontier point go horizontally to the next point's x, then vertically (the
 * usual shape when the better direction for x is "smaller"). 'before': vertical first.
 */
export type FrontierStep = 'after' | 'before';

/** Staircase vertices (data space) through the frontier points sorted by x, then y. */
export function frontierVertices(
  points: readonly { x: number; y: number }[],
  step: FrontierStep = 'after',
): [number, number][] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const out: [number, number][] = [];
  pts.forEach((p, i) => {
    const prev = pts[i - 1];
    if (prev) out.push(step === 'after' ? [p.x, prev.y] : [prev.x, p.y]);
    out.push([p.x, p.y]);
  });
  return out;
}

/** SVG path for vertices mapped to px. */
export function verticesPath(
  v: readonly [number, number][],
  x: (n: number) => number,
  y: (n: number) => number,
): string {
  return v.map(([a, b], i) => `${i === 0 ? 'M' : 'L'}${x(a).toFixed(2)},${y(b).toFixed(2)}`).join('');
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
/** Distinct groups in natural order ("TP2" < "TP8" < "TP16"). */
export const groupOrder = (groups: Iterable<string>): string[] => [...new Set(groups)].sort(collator.compare);

/** Font size of point labels (px); the label boxes below assume it. */
export const PARETO_LABEL_PX = 11;

/** Thin boxes along a polyline's segments (px), for labels to keep off the line. */
export function segmentBoxes(v: readonly [number, number][], half = 1): Box[] {
  const out: Box[] = [];
  for (let i = 1; i < v.length; i++) {
    const [ax, ay] = v[i - 1]!;
    const [bx, by] = v[i]!;
    out.push({
      x: Math.min(ax, bx) - half,
      y: Math.min(ay, by) - half,
      w: Math.abs(bx - ax) + 2 * half,
      h: Math.abs(by - ay) + 2 * half,
    });
  }
  return out;
}

export interface LaidParetoPoint extends ParetoPoint {
  cx: number;
  cy: number;
  /** Whisker ends in px (value × (1 ± band)), present on frontier points with a band. */
  whiskerX?: [number, number];
  whiskerY?: [number, number];
  color: string;
}

export interface ParetoLayout {
  margin: Margin;
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
  xTicks: Tick[];
  yTicks: Tick[];
  legend: LegendLayoutItem[];
  groups: { name: string; color: string }[];
  /** Non-frontier first, then frontier, so frontier points draw on top. */
  points: LaidParetoPoint[];
  frontierPath: string;
  labels: PlacedLabel[];
  dropped: number;
}

function pad(lo: number, hi: number, f = 0.05): [number, number] {
  if (lo === hi) {
    const d = Math.abs(lo) || 1;
    return [lo - d * 0.5, hi + d * 0.5];
  }
  const d = (hi - lo) * f;
  return [lo - d, hi + d];
}

export function paretoLayout(
  points: readonly ParetoPoint[],
  opts: {
    width: number;
    height: number;
    xLog?: boolean;
    yLog?: boolean;
    selectedId?: string | null;
    step?: FrontierStep;
  },
): ParetoLayout {
  const { width, height, xLog = false, yLog = false } = opts;
  const good = points.filter(
    (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!xLog || p.x > 0) && (!yLog || p.y > 0),
  );
  const groupNames = groupOrder(good.map((p) => p.group));
  const colorOf = new Map(groupNames.map((g, i) => [g, categoricalColor(i)]));

  const legendItems = [
    ...groupNames.map((g) => ({ label: g, color: colorOf.get(g) ?? categoricalColor(0), shape: 'circle' as const })),
    { label: 'Pareto frontier', color: 'var(--chart-fg, #1f2328)', shape: 'line' as const },
    ...(opts.selectedId ? [{ label: 'Selected', color: 'var(--chart-fg, #1f2328)', shape: 'ring' as const }] : []),
  ];
  const left = 62;
  const right = 18;
  const legend = legendLayout(legendItems, width - left - right);
  const margin: Margin = { top: legend.height + 14, right, bottom: 48, left };
  const x0 = margin.left;
  const x1 = Math.max(x0 + 40, width - margin.right);
  const y0 = margin.top;
  const y1 = Math.max(y0 + 40, height - margin.bottom);

  const xs = good.map((p) => p.x);
  const ys = good.map((p) => p.y);
  const xLo = xs.length ? Math.min(...xs) : 0;
  const xHi = xs.length ? Math.max(...xs) : 1;
  const yLo = ys.length ? Math.min(...ys) : 0;
  const yHi = ys.length ? Math.max(...ys) : 1;

  const x: ScaleContinuousNumeric<number, number> = xLog
    ? scaleLog()
        .domain(decadeDomain(xLo || 1, xHi || 10))
        .range([x0, x1])
    : scaleLinear().domain(pad(xLo, xHi)).range([x0, x1]).nice();
  const y: ScaleContinuousNumeric<number, number> = yLog
    ? scaleLog()
        .domain(decadeDomain(yLo || 1, yHi || 10))
        .range([y1, y0])
    : scaleLinear().domain(pad(yLo, yHi)).range([y1, y0]).nice();
  const xd = x.domain() as [number, number];
  const yd = y.domain() as [number, number];
  const xTicks = xLog ? logTicks(xd, x) : linearTicks(xd, x.ticks(Math.max(2, Math.floor((x1 - x0) / 80))), x);
  const yTicks = yLog ? logTicks(yd, y) : linearTicks(yd, y.ticks(Math.max(2, Math.floor((y1 - y0) / 50))), y);

  const whisker = (scale: (n: number) => number, v: number, pct: number | undefined, log: boolean) => {
    if (pct === undefined || !(pct > 0)) return undefined;
    const lo = v * Math.max(log ? 0.01 : 0, 1 - pct / 100);
    return [scale(log && lo <= 0 ? v : lo), scale(v * (1 + pct / 100))] as [number, number];
  };
  const laid = good.map((p) => {
    const q: LaidParetoPoint = { ...p, cx: x(p.x), cy: y(p.y), color: colorOf.get(p.group) ?? categoricalColor(0) };
    if (p.onFrontier) {
      const wx = whisker(x, p.x, p.xBandPct, xLog);
      const wy = whisker(y, p.y, p.yBandPct, yLog);
      if (wx) q.whiskerX = wx;
      if (wy) q.whiskerY = wy;
    }
    return q;
  });
  const ordered = [...laid.filter((p) => !p.onFrontier), ...laid.filter((p) => p.onFrontier).sort((a, b) => a.x - b.x)];
  const frontier = laid.filter((p) => p.onFrontier);
  const frontierPath = verticesPath(frontierVertices(frontier, opts.step), x, y);

  const selected = laid.find((p) => p.id === opts.selectedId);
  const labelReqs = [
    ...(selected ? [selected] : []),
    ...(frontier.length <= 10 ? [...frontier].sort((a, b) => a.x - b.x).filter((p) => p !== selected) : []),
  ].map((p) => ({ id: p.id, text: p.label, x: p.cx, y: p.cy, r: p === selected ? 9 : 6 }));
  // Labels keep off other points, the selection ring and the frontier line where they can; two
  // labels never overlap (the later one, in priority order, is skipped; the tooltip still names it).
  const marks: Box[] = laid.map((p) => {
    const r = p === selected ? 10 : p.onFrontier ? 5.5 : 4;
    return { x: p.cx - r, y: p.cy - r, w: 2 * r, h: 2 * r };
  });
  const line = segmentBoxes(frontierVertices(frontier, opts.step).map(([a, b]) => [x(a), y(b)]));
  const labels = placeLabels(labelReqs, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, [], PARETO_LABEL_PX, [
    ...marks,
    ...line,
  ]);

  return {
    margin,
    x,
    y,
    xTicks,
    yTicks,
    legend: legend.items,
    groups: groupNames.map((g) => ({ name: g, color: colorOf.get(g) ?? categoricalColor(0) })),
    points: ordered,
    frontierPath,
    labels,
    dropped: points.length - good.length,
  };
}
