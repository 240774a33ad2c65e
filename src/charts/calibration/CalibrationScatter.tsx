/** Predicted vs measured for one metric on the user's benchmark points: before (hollow) and after (filled) the fit. */
import { useMemo } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom, AxisLeft } from '../Axis';
import { calibrationScatterLayout, type ScatterPoint } from './layout';

export interface CalibrationScatterProps {
  title: string;
  /** Axis unit label, e.g. "TPOT (ms)". */
  label: string;
  points: readonly ScatterPoint[];
  width?: number;
  height?: number;
}

const BEFORE = 'var(--chart-muted, #9aa0a6)';
const AFTER = 'var(--chart-accent, #4269d0)';

export function CalibrationScatter({ title, label, points, width = 260, height = 220 }: CalibrationScatterProps) {
  const L = useMemo(() => calibrationScatterLayout(points, width, height), [points, width, height]);
  const { margin: m } = L;
  return (
    <ChartFrame title={title} kind="calibration-scatter">
      <svg
        className="pkv-chart__svg"
        data-export-root=""
        xmlns="http://www.w3.org/2000/svg"
        width={width}
        height={height}
        role="img"
        aria-label={`${title}: predicted against measured ${label} on ${L.points.length} points, before (hollow) and after (filled) calibration`}
      >
        <AxisBottom
          ticks={L.xTicks}
          x0={m.left}
          x1={width - m.right}
          y={height - m.bottom}
          label={`measured ${label}`}
          labelOffset={32}
        />
        <AxisLeft
          ticks={L.yTicks}
          y0={m.top}
          y1={height - m.bottom}
          x={m.left}
          label={`predicted ${label}`}
          labelX={12}
        />
        <line {...L.diagonal} stroke="currentColor" strokeDasharray="4 3" opacity={0.5} />
        {L.points.map((p, i) => (
          <g key={i}>
            <title>{`${p.where}: measured ${p.measured.toPrecision(3)}, before ${p.before.toPrecision(3)}, after ${p.after.toPrecision(3)}`}</title>
            <circle cx={p.x} cy={p.yBefore} r={4} fill="none" stroke={BEFORE} strokeWidth={1.5} />
            <circle cx={p.x} cy={p.yAfter} r={3.5} fill={AFTER} />
          </g>
        ))}
      </svg>
    </ChartFrame>
  );
}
