/**
 * Pareto scatter of candidate plans: colour by group (parallelism), the caller-flagged frontier as
 * a step line, the selected plan ringed. Points are buttons: click or Enter/Space selects.
 * Labels (selected + frontier) carry a halo in the chart background colour so the frontier line
 * and points stay legible around them; a label that would overlap an already placed one is skipped
 * (every point is still named by its tooltip and aria-label).
 */
import { useId, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom, AxisLeft } from '../Axis';
import { EmptyNote, Legend } from '../Legend';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { sig } from '../format';
import { svgId } from '../scales';
import { useElementWidth } from '../useElementWidth';
import { PARETO_LABEL_PX, paretoLayout } from './layout';
import type { FrontierStep, LaidParetoPoint, ParetoPoint } from './layout';

export interface ParetoScatterProps {
  title?: string;
  /** Axis titles, with units, e.g. "Cost ($ / M tokens)". */
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  points: ParetoPoint[];
  selectedId?: string | null;
  onSelect?: (id: string) => void;
  /** Staircase direction for the frontier line (default 'after': horizontal then vertical). */
  frontierStep?: FrontierStep;
  width?: number;
  height?: number;
}

/** Text halo: the stroke is painted first, in the chart background, so the fill sits on a clean band. */
const LABEL_HALO = {
  fontSize: PARETO_LABEL_PX,
  fill: 'var(--chart-fg)',
  paintOrder: 'stroke',
  stroke: 'var(--chart-bg)',
  strokeWidth: 4,
  strokeLinejoin: 'round',
  strokeOpacity: 0.92,
} as const;

/** Above this many points only frontier and selected points take keyboard focus. */
export const MAX_FOCUSABLE = 300;

export function ParetoScatter({
  title = 'Candidate plans',
  xLabel,
  yLabel,
  xLog,
  yLog,
  points,
  selectedId = null,
  onSelect,
  frontierStep,
  width,
  height = 400,
}: ParetoScatterProps) {
  const [bodyRef, w] = useElementWidth<HTMLDivElement>(width);
  const clipId = svgId(useId(), 'clip');
  const [tip, setTip] = useState<TipData | null>(null);
  const L = useMemo(
    () => paretoLayout(points, { width: w, height, xLog, yLog, selectedId, step: frontierStep }),
    [points, w, height, xLog, yLog, selectedId, frontierStep],
  );
  const { margin: m } = L;
  const plotR = w - m.right;
  const plotB = height - m.bottom;
  const selected = L.points.find((p) => p.id === selectedId);
  const nFrontier = L.points.filter((p) => p.onFrontier).length;
  const allFocusable = L.points.length <= MAX_FOCUSABLE;

  const tipFor = (p: LaidParetoPoint): TipData => ({
    x: p.cx,
    y: p.cy,
    title: p.label,
    color: p.color,
    rows: [
      ['Group', p.group],
      [xLabel, sig(p.x, 4)],
      [yLabel, sig(p.y, 4)],
      ['Pareto-optimal', p.onFrontier ? 'yes' : 'no'],
    ],
  });
  const onKey = (e: KeyboardEvent, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect?.(id);
    }
  };
  const aria =
    `Scatter of ${L.points.length} plans, ${xLabel} against ${yLabel}; ${nFrontier} on the Pareto frontier` +
    (selected ? `; selected: ${selected.label}` : '') +
    '.';

  return (
    <ChartFrame title={title} bodyRef={bodyRef} kind="pareto">
      <svg
        className="pkv-chart__svg"
        data-export-root=""
        xmlns="http://www.w3.org/2000/svg"
        width={w}
        height={height}
        role="group"
        aria-roledescription="scatter plot"
        aria-label={aria}
        onMouseLeave={() => setTip(null)}
      >
        <defs>
          <clipPath id={clipId}>
            <rect
              x={m.left - 10}
              y={m.top - 10}
              width={Math.max(0, plotR - m.left + 20)}
              height={Math.max(0, plotB - m.top + 20)}
            />
          </clipPath>
        </defs>
        <Legend items={L.legend} x={m.left} y={4} />
        <AxisBottom ticks={L.xTicks} x0={m.left} x1={plotR} y={plotB} gridTop={m.top} label={xLabel} />
        <AxisLeft ticks={L.yTicks} y0={m.top} y1={plotB} x={m.left} gridRight={plotR} label={yLabel} labelX={14} />
        {L.points.length === 0 && <EmptyNote x={(m.left + plotR) / 2} y={(m.top + plotB) / 2} text="No plans" />}
        <g clipPath={`url(#${clipId})`}>
          {L.frontierPath && (
            <path
              className="pkv-frontier"
              d={L.frontierPath}
              style={{ fill: 'none', stroke: 'var(--chart-fg)', strokeWidth: 1.75, strokeLinejoin: 'round' }}
            />
          )}
          {L.points.map((p) =>
            p.whiskerX || p.whiskerY ? (
              <g
                key={`w-${p.id}`}
                className="pkv-whisker"
                pointerEvents="none"
                style={{ stroke: p.color, strokeWidth: 1 }}
              >
                {p.whiskerX && <line x1={p.whiskerX[0]} x2={p.whiskerX[1]} y1={p.cy} y2={p.cy} />}
                {p.whiskerY && <line x1={p.cx} x2={p.cx} y1={p.whiskerY[0]} y2={p.whiskerY[1]} />}
              </g>
            ) : null,
          )}
          {L.points.map((p) => {
            const isSel = p.id === selectedId;
            const focusable = allFocusable || p.onFrontier || isSel;
            return (
              <circle
                key={p.id}
                className={`pkv-point${p.onFrontier ? ' pkv-point--frontier' : ''}${isSel ? ' pkv-point--selected' : ''}`}
                cx={p.cx}
                cy={p.cy}
                r={p.onFrontier ? 5.5 : 4}
                tabIndex={focusable ? 0 : undefined}
                role={focusable ? 'button' : undefined}
                aria-pressed={focusable ? isSel : undefined}
                aria-label={
                  focusable
                    ? `${p.label}, ${p.group}: ${xLabel} ${sig(p.x, 4)}, ${yLabel} ${sig(p.y, 4)}${p.onFrontier ? ', Pareto-optimal' : ''}`
                    : undefined
                }
                style={{
                  fill: p.color,
                  fillOpacity: p.onFrontier ? 1 : 0.45,
                  stroke: p.onFrontier ? 'var(--chart-fg)' : 'var(--chart-bg)',
                  strokeWidth: p.onFrontier ? 1.25 : 0.75,
                  cursor: onSelect ? 'pointer' : undefined,
                }}
                onClick={() => onSelect?.(p.id)}
                onKeyDown={(e) => onKey(e, p.id)}
                onMouseEnter={() => setTip(tipFor(p))}
                onMouseLeave={() => setTip(null)}
                onFocus={() => setTip(tipFor(p))}
                onBlur={() => setTip(null)}
              />
            );
          })}
          {selected && (
            <circle
              className="pkv-selection-ring"
              cx={selected.cx}
              cy={selected.cy}
              r={10}
              pointerEvents="none"
              style={{ fill: 'none', stroke: 'var(--chart-fg)', strokeWidth: 2.25 }}
            />
          )}
        </g>
        {L.labels.map((l) => (
          <text
            key={`lbl-${l.id}`}
            className="pkv-annot"
            x={l.x}
            y={l.y}
            textAnchor={l.anchor}
            pointerEvents="none"
            style={{ ...LABEL_HALO, fontWeight: l.id === selectedId ? 600 : undefined }}
          >
            {l.text}
          </text>
        ))}
      </svg>
      <ChartTooltip tip={tip} containerWidth={w} containerHeight={height} />
    </ChartFrame>
  );
}
