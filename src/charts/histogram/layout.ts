/**
 * Histogram layout (pure): d3.bin over finite values, linear x (the caller's unit) and count y.
 * Also the summary statistics shown in the legend line (n, median, p99).
 */
import { bin, quantileSorted, scaleLinear } from 'd3';
import { sig } from '../format';
import { linearTicks } from '../scales';
import type { Margin, Tick } from '../scales';

export interface HistBin {
  x0: number;
  x1: number;
  count: number;
  px: number;
  pw: number;
  py: number;
  ph: number;
}

export interface HistogramLayout {
  margin: Margin;
  bins: HistBin[];
  xTicks: Tick[];
  yTicks: Tick[];
  n: number;
  median: number | null;
  p99: number | null;
  medianPx: number | null;
  summary: string;
  maxCount: number;
}

export function histogramBins(values: readonly number[], bins = 20): { x0: number; x1: number; count: number }[] {
  const vals = values.filter((v) => Number.isFinite(v));
  if (!vals.length) return [];
  const b = bin().thresholds(Math.max(1, Math.round(bins)))(vals);
  return b.map((d) => ({ x0: d.x0 ?? 0, x1: d.x1 ?? 0, count: d.length }));
}

export function histogramLayout(
  values: readonly number[],
  bins: number,
  width: number,
  height: number,
): HistogramLayout {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const raw = histogramBins(sorted, bins);
  const n = sorted.length;
  const median = n ? (quantileSorted(sorted, 0.5) ?? null) : null;
  const p99 = n ? (quantileSorted(sorted, 0.99) ?? null) : null;
  const summary = n
    ? `n = ${n.toLocaleString('en-US')} · median ${sig(median ?? 0)} · p99 ${sig(p99 ?? 0)}`
    : 'no data';

  const margin: Margin = { top: 22, right: 12, bottom: 40, left: 44 };
  const x0 = margin.left;
  const x1 = Math.max(x0 + 40, width - margin.right);
  const y0 = margin.top;
  const y1 = Math.max(y0 + 30, height - margin.bottom);
  const first = raw[0];
  const last = raw[raw.length - 1];
  let xd: [number, number] = first && last ? [first.x0, last.x1] : [0, 1];
  if (xd[0] === xd[1]) xd = [xd[0] - 0.5, xd[1] + 0.5];
  const x = scaleLinear().domain(xd).range([x0, x1]);
  const maxCount = Math.max(1, ...raw.map((b) => b.count));
  const y = scaleLinear().domain([0, maxCount]).range([y1, y0]).nice();
  const xTicks = linearTicks(xd, x.ticks(Math.max(2, Math.floor((x1 - x0) / 60))), x);
  const yd = y.domain() as [number, number];
  const yTicks = linearTicks(
    yd,
    y.ticks(Math.max(2, Math.floor((y1 - y0) / 30))).filter((t) => Number.isInteger(t)),
    y,
  );
  const laid = raw.map((b) => {
    const l = b.x0 === b.x1 ? x(b.x0) - 4 : x(b.x0);
    const r = b.x0 === b.x1 ? x(b.x1) + 4 : x(b.x1);
    return { ...b, px: l + 0.5, pw: Math.max(1, r - l - 1), py: y(b.count), ph: y1 - y(b.count) };
  });
  return {
    margin,
    bins: laid,
    xTicks,
    yTicks,
    n,
    median,
    p99,
    medianPx: median === null ? null : x(median),
    summary,
    maxCount,
  };
}
