/**
 * Generic multi-series line chart with vertical markers and horizontal reference lines. Hovering
 * shows a crosshair with each series' nearest point.
 */
import { useId, useMemo, useState } from 'react';
import type { MouseEvent } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom, AxisLeft } from '../Axis';
import { EmptyNote, Legend } from '../Legend';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { sig } from '../format';
import { svgId } from '../scales';
import { useElementWidth } from '../useElementWidth';
import { lineLayout, nearestIndex } from './layout';
import type { LineSeries } from './layout';

export interface LineChartProps {
  title?: string;
  /** Axis titles, with units, e.g. "Context length (tokens)". */
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: LineSeries[];
  /** Vertical annotation lines. */
  markers?: { x: number; label: string }[];
  /** Horizontal reference lines (e.g. capacity); red unless a colour is given. */
  hLines?: { y: number; label: string; color?: string }[];
  /** Include 0 on a linear y axis when all values are ≥ 0 (default true). */
  yZero?: boolean;
  /** Fixed x domain and ticks (e.g. 1K…1M tokens in powers of two). */
  xDomain?: readonly [number, number];
  xTickValues?: readonly { value: number; label: string }[];
  /** Tooltip formatting with units (default: 4 significant digits). */
  xFormat?: (x: number) => string;
  yFormat?: (y: number) => string;
  width?: number;
  height?: number;
}

interface Hover {
  px: number;
  hits: { label: string; color: string; x: number; y: number; cx: number; cy: number }[];
}

export function LineChart({
  title = 'Line chart',
  xLabel,
  yLabel,
  xLog,
  yLog,
  series,
  markers,
  hLines,
  yZero,
  xDomain,
  xTickValues,
  xFormat,
  yFormat,
  width,
  height = 320,
}: LineChartProps) {
  const [bodyRef, w] = useElementWidth<HTMLDivElement>(width);
  const clipId = svgId(useId(), 'clip');
  const [hover, setHover] = useState<Hover | null>(null);
  const L = useMemo(
    () => lineLayout({ xLog, yLog, series, markers, hLines, yZero, xDomain, xTickValues }, w, height),
    [xLog, yLog, series, markers, hLines, yZero, xDomain, xTickValues, w, height],
  );
  const { margin: m } = L;
  const plotR = w - m.right;
  const plotB = height - m.bottom;

  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg) return;
    const px = e.clientX - svg.getBoundingClientRect().left;
    const xv = L.x.invert(px);
    const hits: Hover['hits'] = [];
    for (const s of L.series) {
      const p = s.points[nearestIndex(s.points, xv)];
      if (p) hits.push({ label: s.label, color: s.color, x: p[0], y: p[1], cx: L.x(p[0]), cy: L.y(p[1]) });
    }
    if (!hits.length) return setHover(null);
    // Snap the crosshair to the nearest hit in px.
    const best = hits.reduce((a, b) => (Math.abs(b.cx - px) < Math.abs(a.cx - px) ? b : a));
    setHover({ px: best.cx, hits: hits.filter((h) => Math.abs(h.cx - best.cx) < 24) });
  };

  const tip: TipData | null = hover
    ? {
        x: hover.px,
        y: Math.min(...hover.hits.map((h) => h.cy)),
        title: xFormat ? xFormat(hover.hits[0]?.x ?? 0) : `${xLabel}: ${sig(hover.hits[0]?.x ?? 0, 4)}`,
        rows: hover.hits.map((h) => [h.label, yFormat ? yFormat(h.y) : sig(h.y, 4)] as const),
      }
    : null;

  const aria =
    `Line chart of ${yLabel} against ${xLabel}${xLog ? ' (log x)' : ''}${yLog ? ' (log y)' : ''}: ` +
    `${L.series.map((s) => s.label).join(', ') || 'no series'}` +
    (L.markers.length ? `; markers: ${L.markers.map((mk) => mk.label).join(', ')}` : '') +
    (L.hLines.length ? `; reference lines: ${L.hLines.map((h) => h.label).join(', ')}` : '') +
    '.';

  return (
    <ChartFrame title={title} bodyRef={bodyRef} kind="lines">
      <svg
        className="pkv-chart__svg"
        data-export-root=""
        xmlns="http://www.w3.org/2000/svg"
        width={w}
        height={height}
        role="img"
        aria-label={aria}
      >
        <defs>
          <clipPath id={clipId}>
            <rect
              x={m.left}
              y={m.top - 2}
              width={Math.max(0, plotR - m.left)}
              height={Math.max(0, plotB - m.top + 4)}
            />
          </clipPath>
        </defs>
        <Legend items={L.legend} x={m.left} y={4} />
        <AxisBottom ticks={L.xTicks} x0={m.left} x1={plotR} y={plotB} gridTop={m.top} label={xLabel} />
        <AxisLeft ticks={L.yTicks} y0={m.top} y1={plotB} x={m.left} gridRight={plotR} label={yLabel} labelX={14} />

        {L.hLines.map((h) => (
          <g key={`h-${h.label}-${h.y}`} className="pkv-hline">
            <line
              x1={m.left}
              x2={plotR}
              y1={h.py}
              y2={h.py}
              style={{ stroke: h.color ?? 'var(--chart-danger)', strokeWidth: 1.5, strokeDasharray: '6 4' }}
            />
            <text
              className="pkv-annot"
              x={plotR - 4}
              y={h.py - 5}
              textAnchor="end"
              style={{ fill: h.color ?? 'var(--chart-danger)' }}
            >
              {h.label}
            </text>
          </g>
        ))}
        <g className="pkv-markers">
          {L.markers.map((mk) => (
            <line
              key={`ml-${mk.label}-${mk.x}`}
              x1={mk.px}
              x2={mk.px}
              y1={mk.labelY - 10}
              y2={plotB}
              style={{ stroke: 'var(--chart-fg-muted)', strokeWidth: 1, strokeDasharray: '3 3' }}
            />
          ))}
          {L.markers.map((mk) => (
            <text
              key={`mt-${mk.label}-${mk.x}`}
              className="pkv-annot pkv-muted"
              x={mk.anchor === 'start' ? mk.px + 4 : mk.px - 4}
              y={mk.labelY}
              textAnchor={mk.anchor}
            >
              {mk.label}
            </text>
          ))}
        </g>

        {L.series.every((s) => s.points.length === 0) && <EmptyNote x={(m.left + plotR) / 2} y={(m.top + plotB) / 2} />}
        <g clipPath={`url(#${clipId})`}>
          {L.series.map((s) => (
            <path
              key={`s-${s.label}`}
              className="pkv-series"
              d={s.path}
              style={{
                fill: 'none',
                stroke: s.color,
                strokeWidth: s.emphasis ? 3.25 : 2,
                strokeDasharray: s.dashed ? '6 4' : undefined,
                strokeLinejoin: 'round',
                strokeLinecap: 'round',
              }}
            />
          ))}
          {L.series.map((s) =>
            s.points.length === 1 && s.points[0] ? (
              <circle
                key={`single-${s.label}`}
                cx={L.x(s.points[0][0])}
                cy={L.y(s.points[0][1])}
                r={3}
                style={{ fill: s.color }}
              />
            ) : null,
          )}
        </g>

        {hover && (
          <g className="pkv-crosshair" data-export="omit" pointerEvents="none">
            <line
              x1={hover.px}
              x2={hover.px}
              y1={m.top}
              y2={plotB}
              style={{ stroke: 'var(--chart-axis)', strokeWidth: 1 }}
            />
            {hover.hits.map((h) => (
              <circle
                key={h.label}
                cx={h.cx}
                cy={h.cy}
                r={4}
                style={{ fill: h.color, stroke: 'var(--chart-bg)', strokeWidth: 1.5 }}
              />
            ))}
          </g>
        )}
        <rect
          className="pkv-hit"
          data-export="omit"
          x={m.left}
          y={m.top}
          width={Math.max(0, plotR - m.left)}
          height={Math.max(0, plotB - m.top)}
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
        />
      </svg>
      <ChartTooltip tip={tip} containerWidth={w} containerHeight={height} />
    </ChartFrame>
  );
}
