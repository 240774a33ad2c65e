/**
 * Layout of the calibration scatter (pure, no DOM): one panel per metric, predicted (y) against measured
 * (x) on shared linear axes from 0, the y = x diagonal, and each point twice: before the fit (hollow)
 * and after (filled). Points on the diagonal are predicted exactly.
 */
import { scaleLinear } from 'd3';
import { linearTicks, type Margin, type Tick } from '../scales';

export interface ScatterPoint {
  where: string;
  measured: number;
  before: number;
  after: number;
}

export interface ScatterLayout {
  margin: Margin;
  xTicks: Tick[];
  yTicks: Tick[];
  /** Diagonal from (0,0) to (max,max) in px. */
  diagonal: { x1: number; y1: number; x2: number; y2: number };
  points: {
    where: string;
    x: number;
    yBefore: number;
    yAfter: number;
    measured: number;
    before: number;
    after: number;
  }[];
}

export function calibrationScatterLayout(
  points: readonly ScatterPoint[],
  width: number,
  height: number,
): ScatterLayout {
  const margin: Margin = { top: 12, right: 12, bottom: 40, left: 52 };
  const finite = points.filter((p) => [p.measured, p.before, p.after].every((v) => Number.isFinite(v) && v >= 0));
  const max = Math.max(1e-9, ...finite.flatMap((p) => [p.measured, p.before, p.after])) * 1.08;
  const x = scaleLinear()
    .domain([0, max])
    .range([margin.left, width - margin.right])
    .nice();
  const y = scaleLinear()
    .domain([0, max])
    .range([height - margin.bottom, margin.top])
    .nice();
  const top = Math.max(x.domain()[1]!, y.domain()[1]!);
  x.domain([0, top]);
  y.domain([0, top]);
  return {
    margin,
    xTicks: linearTicks([0, top], x.ticks(5), x),
    yTicks: linearTicks([0, top], y.ticks(5), y),
    diagonal: { x1: x(0), y1: y(0), x2: x(top), y2: y(top) },
    points: finite.map((p) => ({
      where: p.where,
      x: x(p.measured),
      yBefore: y(p.before),
      yAfter: y(p.after),
      measured: p.measured,
      before: p.before,
      after: p.after,
    })),
  };
}
