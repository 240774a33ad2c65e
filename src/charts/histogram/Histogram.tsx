/** Small histogram preview (d3.bin) with a dashed median line and an n / median / p99 summary. */
import { useMemo, useState } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom, AxisLeft } from '../Axis';
import { Swatch } from '../Legend';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { sig } from '../format';
import { useElementWidth } from '../useElementWidth';
import { histogramLayout } from './layout';

export interface HistogramProps {
  title?: string;
  /** x-axis title with unit, e.g. "TTFT (ms)". */
  xLabel: string;
  values: number[];
  /** Approximate bin count (d3 picks nice thresholds), default 20. */
  bins?: number;
  /** Default 320 × 180 (preview size). */
  width?: number;
  height?: number;
}

const BAR = 'var(--chart-accent, #4269d0)';

export function Histogram({
  title = 'Distribution',
  xLabel,
  values,
  bins = 20,
  width = 320,
  height = 180,
}: HistogramProps) {
  const [bodyRef, w] = useElementWidth<HTMLDivElement>(width, 320, 200);
  const [tip, setTip] = useState<TipData | null>(null);
  const L = useMemo(() => histogramLayout(values, bins, w, height), [values, bins, w, height]);
  const { margin: m } = L;
  const plotR = w - m.right;
  const plotB = height - m.bottom;
  const aria = `Histogram of ${xLabel}: ${L.summary}.`;
  return (
    <ChartFrame title={title} bodyRef={bodyRef} kind="histogram">
      <svg
        className="pkv-chart__svg"
        data-export-root=""
        xmlns="http://www.w3.org/2000/svg"
        width={w}
        height={height}
        role="img"
        aria-label={aria}
        onMouseLeave={() => setTip(null)}
      >
        <g className="pkv-legend" transform={`translate(${m.left},10)`} aria-hidden="true">
          <Swatch shape="rect" color={BAR} />
          <text x={17} dy="0.34em">
            {L.summary}
          </text>
        </g>
        <AxisBottom ticks={L.xTicks} x0={m.left} x1={plotR} y={plotB} label={xLabel} labelOffset={32} />
        <AxisLeft ticks={L.yTicks} y0={m.top} y1={plotB} x={m.left} gridRight={plotR} label="Count" labelX={12} />
        {L.bins.map((b) => (
          <rect
            key={`${b.x0}-${b.x1}`}
            className="pkv-bin"
            x={b.px}
            y={b.py}
            width={b.pw}
            height={Math.max(0, b.ph)}
            style={{ fill: BAR }}
            onMouseEnter={() =>
              setTip({
                x: b.px + b.pw / 2,
                y: b.py,
                title: `${sig(b.x0, 4)} – ${sig(b.x1, 4)}`,
                rows: [
                  ['Count', b.count.toLocaleString('en-US')],
                  ['Share', L.n ? `${sig((b.count / L.n) * 100, 3)}%` : '–'],
                ],
              })
            }
            onMouseLeave={() => setTip(null)}
          />
        ))}
        {L.medianPx !== null && (
          <line
            className="pkv-median"
            x1={L.medianPx}
            x2={L.medianPx}
            y1={m.top}
            y2={plotB}
            pointerEvents="none"
            style={{ stroke: 'var(--chart-fg)', strokeWidth: 1.5, strokeDasharray: '4 3' }}
          />
        )}
      </svg>
      <ChartTooltip tip={tip} containerWidth={w} containerHeight={height} />
    </ChartFrame>
  );
}
