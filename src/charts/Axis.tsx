/**
 * React-rendered axes and grid (React owns every SVG node; d3 only supplies scales and ticks).
 */
import type { Tick } from './scales';

interface AxisXProps {
  ticks: readonly Tick[];
  /** Plot left/right edges in px. */
  x0: number;
  x1: number;
  /** Baseline y in px (bottom of the plot). */
  y: number;
  /** Top of the plot; grid lines run from here to `y`. Omit for no grid. */
  gridTop?: number;
  label: string;
  /** Distance below `y` of the axis title baseline. */
  labelOffset?: number;
}

export function AxisBottom({ ticks, x0, x1, y, gridTop, label, labelOffset = 34 }: AxisXProps) {
  return (
    <g className="pkv-axis pkv-axis--x" aria-hidden="true">
      {gridTop !== undefined &&
        ticks
          .filter((t) => t.major)
          .map((t) => (
            <line
              key={`g${t.value}`}
              className={t.major ? 'pkv-grid pkv-grid--major' : 'pkv-grid'}
              x1={t.pos}
              x2={t.pos}
              y1={gridTop}
              y2={y}
            />
          ))}
      <line className="pkv-domain" x1={x0} x2={x1} y1={y} y2={y} />
      {ticks.map((t) => (
        <g key={`t${t.value}`} transform={`translate(${t.pos},${y})`}>
          <line className="pkv-tick-mark" y2={t.major ? 5 : 3} />
          {t.label && (
            <text className="pkv-tick" y={17} textAnchor="middle">
              {t.label}
            </text>
          )}
        </g>
      ))}
      <text className="pkv-axis-label" x={(x0 + x1) / 2} y={y + labelOffset} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

interface AxisYProps {
  ticks: readonly Tick[];
  /** Plot top/bottom edges in px. */
  y0: number;
  y1: number;
  /** Axis x in px (left edge of the plot). */
  x: number;
  /** Right edge of the plot; grid lines run from `x` to here. Omit for no grid. */
  gridRight?: number;
  label: string;
  /** x of the rotated axis title. */
  labelX: number;
}

export function AxisLeft({ ticks, y0, y1, x, gridRight, label, labelX }: AxisYProps) {
  const mid = (y0 + y1) / 2;
  return (
    <g className="pkv-axis pkv-axis--y" aria-hidden="true">
      {gridRight !== undefined &&
        ticks
          .filter((t) => t.major)
          .map((t) => (
            <line
              key={`g${t.value}`}
              className={t.major ? 'pkv-grid pkv-grid--major' : 'pkv-grid'}
              x1={x}
              x2={gridRight}
              y1={t.pos}
              y2={t.pos}
            />
          ))}
      <line className="pkv-domain" x1={x} x2={x} y1={y0} y2={y1} />
      {ticks.map((t) => (
        <g key={`t${t.value}`} transform={`translate(${x},${t.pos})`}>
          <line className="pkv-tick-mark" x2={t.major ? -5 : -3} />
          {t.label && (
            <text className="pkv-tick" x={-8} dy="0.34em" textAnchor="end">
              {t.label}
            </text>
          )}
        </g>
      ))}
      <text className="pkv-axis-label" transform={`translate(${labelX},${mid}) rotate(-90)`} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}
