/**
 * Log-log roofline: compute ceilings per dtype, the HBM roof, scale-up/scale-out links as extra
 * bandwidth roofs, and measured ops as dots (prefill = circles, decode = diamonds; area ∝ time
 * share). React renders every node; layout.ts does the maths.
 */
import { useId, useMemo, useState } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom, AxisLeft } from '../Axis';
import { EmptyNote, Legend } from '../Legend';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { fmtGBps, fmtPercent, fmtTflops, sig } from '../format';
import { svgId } from '../scales';
import { useElementWidth } from '../useElementWidth';
import { DECODE_COLOR, LINK_COLOR, PREFILL_COLOR, ROOF_COLOR, diamondPath, rooflineLayout } from './layout';
import type { LaidPoint, RooflinePoint } from './layout';

export interface RooflineProps {
  title?: string;
  gpuLabel: string;
  /** Compute roofs, one per dtype. */
  ceilings: { label: string; tflops: number }[];
  /** HBM bandwidth in GB/s. */
  memoryGBps: number;
  /** Scale-up / scale-out links drawn as extra bandwidth roofs. */
  links: { label: string; GBps: number }[];
  points: RooflinePoint[];
  width?: number;
  height?: number;
}

function pointTip(p: LaidPoint): TipData {
  const rows: [string, string][] = [
    ['Phase', p.phase],
    ['Intensity', `${sig(p.intensityFlopPerByte)} FLOP/B`],
    ['Achieved', fmtTflops(p.achievedTflops)],
  ];
  if (p.roofTflops !== null)
    rows.push(['Roof here', `${fmtTflops(p.roofTflops)} (${fmtPercent(p.achievedTflops / p.roofTflops)} of it)`]);
  rows.push(['Share of step time', fmtPercent(p.timeShare)], ['Bound', p.bound]);
  return { x: p.cx, y: p.cy, title: p.label, rows, color: p.phase === 'prefill' ? PREFILL_COLOR : DECODE_COLOR };
}

export function Roofline({ title, gpuLabel, ceilings, memoryGBps, links, points, width, height = 420 }: RooflineProps) {
  const [bodyRef, w] = useElementWidth<HTMLDivElement>(width);
  const uid = useId();
  const clipId = svgId(uid, 'clip');
  const [tip, setTip] = useState<TipData | null>(null);
  const L = useMemo(
    () => rooflineLayout({ gpuLabel, ceilings, memoryGBps, links, points }, w, height),
    [gpuLabel, ceilings, memoryGBps, links, points, w, height],
  );
  const { margin: m } = L;
  const plotR = w - m.right;
  const plotB = height - m.bottom;
  const heading = title ?? `Roofline — ${gpuLabel}`;
  const aria =
    `Log-log roofline for ${gpuLabel}: compute roofs ${ceilings.map((c) => `${c.label} ${fmtTflops(c.tflops)}`).join(', ') || 'none'}; ` +
    `HBM ${fmtGBps(memoryGBps)}` +
    (links.length ? `; links ${links.map((l) => `${l.label} ${fmtGBps(l.GBps)}`).join(', ')}` : '') +
    `; ${L.points.length} ops plotted` +
    (L.dropped ? ` (${L.dropped} with non-positive values omitted)` : '') +
    '.';

  return (
    <ChartFrame title={heading} bodyRef={bodyRef} kind="roofline">
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
        <defs>
          <clipPath id={clipId}>
            <rect x={m.left} y={m.top} width={Math.max(0, plotR - m.left)} height={Math.max(0, plotB - m.top)} />
          </clipPath>
        </defs>
        <Legend items={L.legend} x={m.left} y={L.legendY} />
        <AxisBottom
          ticks={L.xTicks}
          x0={m.left}
          x1={plotR}
          y={plotB}
          gridTop={m.top}
          label="Arithmetic intensity (FLOP/byte)"
        />
        <AxisLeft
          ticks={L.yTicks}
          y0={m.top}
          y1={plotB}
          x={m.left}
          gridRight={plotR}
          label="Performance (FLOP/s)"
          labelX={14}
        />

        <g clipPath={`url(#${clipId})`}>
          {L.links.map((l) => (
            <path
              key={`link-${l.label}`}
              className="pkv-roof pkv-roof--link"
              d={l.path}
              style={{ fill: 'none', stroke: LINK_COLOR, strokeWidth: 1.5, strokeDasharray: '6 4' }}
            />
          ))}
          {L.memoryPath && (
            <path
              className="pkv-roof pkv-roof--memory"
              d={L.memoryPath}
              style={{ fill: 'none', stroke: ROOF_COLOR, strokeWidth: 2.25 }}
            />
          )}
          {L.ceilings.map((c) => (
            <line
              key={`ceil-${c.label}`}
              className="pkv-roof pkv-roof--compute"
              x1={c.xStart}
              x2={c.xEnd}
              y1={c.y}
              y2={c.y}
              style={{ stroke: ROOF_COLOR, strokeWidth: 2.25 }}
            />
          ))}
          {L.ridges.map((r) => (
            <g key={`ridge-${r.label}`} className="pkv-ridge">
              <line
                x1={r.x}
                x2={r.x}
                y1={r.y}
                y2={plotB}
                style={{ stroke: 'var(--chart-axis)', strokeWidth: 1, strokeDasharray: '2 3' }}
              />
              <circle
                cx={r.x}
                cy={r.y}
                r={3.5}
                style={{ fill: 'var(--chart-bg)', stroke: ROOF_COLOR, strokeWidth: 1.5 }}
              >
                <title>{`${r.label} ridge: ${sig(r.intensity)} FLOP/byte`}</title>
              </circle>
            </g>
          ))}
        </g>

        {L.memoryLabel && (
          <text
            className="pkv-annot"
            transform={`translate(${L.memoryLabel.x},${L.memoryLabel.y}) rotate(${L.memoryLabel.angle}) translate(0,-6)`}
            textAnchor="middle"
          >
            {L.memoryLabel.text}
          </text>
        )}
        {L.links.map(
          (l) =>
            l.textLabel && (
              <text
                key={`linklabel-${l.label}`}
                className="pkv-annot pkv-muted"
                transform={`translate(${l.textLabel.x},${l.textLabel.y}) rotate(${l.textLabel.angle}) translate(0,-5)`}
                textAnchor="middle"
              >
                {l.textLabel.text}
              </text>
            ),
        )}
        {L.ridges.map((r) => (
          <text
            key={`ridgetext-${r.label}`}
            className="pkv-annot pkv-muted"
            transform={`translate(${r.textX},${plotB - 6}) rotate(-90)`}
            textAnchor="start"
          >
            {r.text}
          </text>
        ))}

        {L.points.length === 0 && (
          <EmptyNote
            x={(m.left + plotR) / 2}
            y={(m.top + plotB) / 2}
            text={ceilings.length ? 'No ops to plot' : 'No data'}
          />
        )}
        <g className="pkv-points" clipPath={`url(#${clipId})`}>
          {L.points.map((p) => {
            const color = p.phase === 'prefill' ? PREFILL_COLOR : DECODE_COLOR;
            const style = { fill: color, fillOpacity: 0.82, stroke: 'var(--chart-bg)', strokeWidth: 1.25 };
            const handlers = { onMouseEnter: () => setTip(pointTip(p)), onMouseLeave: () => setTip(null) };
            return p.phase === 'prefill' ? (
              <circle
                key={p.id}
                className="pkv-point pkv-point--prefill"
                cx={p.cx}
                cy={p.cy}
                r={p.r}
                style={style}
                {...handlers}
              />
            ) : (
              <path
                key={p.id}
                className="pkv-point pkv-point--decode"
                d={diamondPath(p.cx, p.cy, p.r)}
                style={style}
                {...handlers}
              />
            );
          })}
        </g>
        {/* The peaks' labels above the points: a large op's dot sits on its roof, right under the label. */}
        {L.ceilings.map((c) => (
          <text
            key={`ceiltext-${c.label}`}
            className="pkv-annot"
            x={c.textX}
            y={c.textY}
            textAnchor="end"
            style={{ fontWeight: 600 }}
          >
            {c.text}
          </text>
        ))}
        {L.pointLabels.map((l) => (
          <text key={`pl-${l.id}`} className="pkv-annot" x={l.x} y={l.y} textAnchor={l.anchor} pointerEvents="none">
            {l.text}
          </text>
        ))}
      </svg>
      <ChartTooltip tip={tip} containerWidth={w} containerHeight={height} />
    </ChartFrame>
  );
}
