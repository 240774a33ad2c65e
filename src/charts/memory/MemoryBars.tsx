/**
 * Per-GPU memory: horizontal stacked bars against a capacity line, with free space hatched and any
 * excess beyond capacity drawn in red and labelled "+x GB over". Optional offload tiers (host DRAM,
 * NVMe…) follow as used/capacity bars, each on its own scale.
 */
import { useId, useMemo, useState } from 'react';
import { ChartFrame } from '../ChartFrame';
import { AxisBottom } from '../Axis';
import { EmptyNote, Legend } from '../Legend';
import { ChartTooltip } from '../Tooltip';
import type { TipData } from '../Tooltip';
import { fmtGB, fmtPercent } from '../format';
import { svgId } from '../scales';
import { useElementWidth } from '../useElementWidth';
import { DANGER, memoryLayout } from './layout';
import type { GpuMemory, MemoryRow, MemoryTier } from './layout';

export interface MemoryBarsProps {
  title?: string;
  /** HBM capacity per GPU in GB. */
  capacityGB: number;
  gpus: GpuMemory[];
  /** Offload tiers (host DRAM, NVMe, remote), each drawn against its own capacity. */
  tiers?: MemoryTier[];
  width?: number;
}

function rowTip(r: MemoryRow, capacityGB: number, x: number): TipData {
  const rows: [string, string][] = r.segments.map((s) => [
    s.label,
    `${fmtGB(s.valueGB)} (${fmtPercent(s.valueGB / (capacityGB || 1))})`,
  ]);
  rows.push(['Total', fmtGB(r.totalGB)], ['Capacity', fmtGB(capacityGB)]);
  rows.push(r.over ? ['Over by', fmtGB(r.overGB)] : ['Free', fmtGB(r.freeGB)]);
  if (r.count > 1) {
    const shown = r.members.slice(0, 4).join(', ');
    rows.push(['Identical GPUs', `${r.count} (${shown}${r.count > 4 ? ', …' : ''})`]);
  }
  return { x, y: r.y + r.h, title: r.label, rows };
}

export function MemoryBars({ title = 'Memory per GPU', capacityGB, gpus, tiers, width }: MemoryBarsProps) {
  const [bodyRef, w] = useElementWidth<HTMLDivElement>(width);
  const uid = useId();
  const hatchId = svgId(uid, 'hatch');
  const [tip, setTip] = useState<TipData | null>(null);
  const L = useMemo(() => memoryLayout(capacityGB, gpus, tiers, w), [capacityGB, gpus, tiers, w]);
  const { margin: m } = L;
  const firstRowY = L.rows[0]?.y ?? m.top;
  const aria =
    `Memory per GPU against ${fmtGB(capacityGB)} capacity: ${L.rows.length} bar${L.rows.length === 1 ? '' : 's'}` +
    (L.grouped ? ` (${gpus.length} GPUs, identical ones grouped)` : '') +
    (L.overCount ? `; ${L.overCount} over capacity` : '; all within capacity') +
    (L.tiers.length ? `; offload tiers: ${L.tiers.map((t) => `${t.label} ${t.text}`).join(', ')}` : '') +
    '.';

  return (
    <ChartFrame title={title} bodyRef={bodyRef} kind="memory">
      <svg
        className="pkv-chart__svg"
        data-export-root=""
        xmlns="http://www.w3.org/2000/svg"
        width={w}
        height={L.height}
        role="img"
        aria-label={aria}
        onMouseLeave={() => setTip(null)}
      >
        <defs>
          <pattern id={hatchId} patternUnits="userSpaceOnUse" width={6} height={6} patternTransform="rotate(45)">
            <rect width={6} height={6} style={{ fill: 'var(--mem-free, #f1f3f5)' }} />
            <line x1={0} y1={0} x2={0} y2={6} style={{ stroke: 'var(--mem-free-stroke, #b9c0c8)', strokeWidth: 1.2 }} />
          </pattern>
        </defs>
        <Legend items={L.legend} x={m.left} y={4} />
        <AxisBottom
          ticks={L.xTicks}
          x0={L.plotX0}
          x1={L.plotX1}
          y={L.axisY}
          gridTop={firstRowY - 4}
          label="Memory per GPU (GB)"
        />

        {L.rows.map((r) => (
          <g
            key={`${r.label}-${r.y}`}
            className={r.over ? 'pkv-membar pkv-membar--over' : 'pkv-membar'}
            onMouseEnter={() => setTip(rowTip(r, L.capacityGB, Math.min(r.endX, L.plotX1)))}
            onMouseLeave={() => setTip(null)}
          >
            <rect className="pkv-hit" x={0} y={r.y - 3} width={w} height={r.h + 6} />
            <text x={m.left - 8} y={r.y + r.h / 2} dy="0.34em" textAnchor="end">
              {r.label}
            </text>
            {r.segments.map((s) => (
              <rect
                key={s.key}
                className={`pkv-seg pkv-seg--${s.key}`}
                x={s.px0}
                y={r.y}
                width={Math.max(0, s.px1 - s.px0)}
                height={r.h}
                style={{ fill: s.color, stroke: 'var(--chart-bg)', strokeWidth: 1 }}
              />
            ))}
            {r.freePx && r.freePx[1] - r.freePx[0] > 0.5 && (
              <rect
                className="pkv-free"
                x={r.freePx[0]}
                y={r.y}
                width={r.freePx[1] - r.freePx[0]}
                height={r.h}
                style={{ fill: `url(#${hatchId})`, stroke: 'var(--mem-free-stroke, #b9c0c8)', strokeWidth: 1 }}
              />
            )}
            {r.excessPx && (
              <>
                <rect
                  className="pkv-excess"
                  x={r.excessPx[0]}
                  y={r.y - 2}
                  width={Math.max(1, r.excessPx[1] - r.excessPx[0])}
                  height={r.h + 4}
                  style={{ fill: DANGER, fillOpacity: 0.85, stroke: DANGER, strokeWidth: 1 }}
                />
                <rect
                  className="pkv-over-outline"
                  x={r.segments[0]?.px0 ?? L.plotX0}
                  y={r.y - 2}
                  width={Math.max(0, r.excessPx[1] - (r.segments[0]?.px0 ?? L.plotX0))}
                  height={r.h + 4}
                  style={{ fill: 'none', stroke: DANGER, strokeWidth: 2 }}
                />
              </>
            )}
            <text
              className={r.over ? 'pkv-danger-text' : 'pkv-muted'}
              x={r.endX}
              y={r.y + r.h / 2}
              dy="0.34em"
              textAnchor="start"
            >
              {r.endText}
            </text>
          </g>
        ))}

        {L.rows.length === 0 && <EmptyNote x={(L.plotX0 + L.plotX1) / 2} y={L.axisY - 14} text="No GPUs" />}
        <g className="pkv-capacity">
          <line
            x1={L.capacityX}
            x2={L.capacityX}
            y1={firstRowY - 8}
            y2={L.axisY}
            style={{ stroke: 'var(--chart-fg)', strokeWidth: 1.5, strokeDasharray: '5 3' }}
          />
        </g>

        {L.tiers.length > 0 && (
          <g className="pkv-tiers">
            <text className="pkv-axis-label" x={m.left - 8} y={L.tiersTitleY} textAnchor="end">
              Offload tiers
            </text>
            <text className="pkv-tick" x={L.plotX0} y={L.tiersTitleY}>
              (each bar is the tier's own capacity)
            </text>
            {L.tiers.map((t) => (
              <g
                key={t.label}
                className={t.over ? 'pkv-tier pkv-tier--over' : 'pkv-tier'}
                onMouseEnter={() =>
                  setTip({
                    x: Math.min(t.usedPx, L.plotX1),
                    y: t.y + t.h,
                    title: t.label,
                    rows: [
                      ['Used', fmtGB(t.usedGB)],
                      ['Capacity', fmtGB(t.capacityGB)],
                      ['Utilisation', t.capacityGB > 0 ? fmtPercent(t.usedGB / t.capacityGB) : '–'],
                    ],
                  })
                }
                onMouseLeave={() => setTip(null)}
              >
                <rect className="pkv-hit" x={0} y={t.y - 3} width={w} height={t.h + 6} />
                <text x={m.left - 8} y={t.y + t.h / 2} dy="0.34em" textAnchor="end">
                  {t.label}
                </text>
                <rect
                  x={L.plotX0}
                  y={t.y}
                  width={L.plotX1 - L.plotX0}
                  height={t.h}
                  style={{
                    fill: `url(#${hatchId})`,
                    stroke: t.over ? DANGER : 'var(--mem-free-stroke, #b9c0c8)',
                    strokeWidth: t.over ? 2 : 1,
                  }}
                />
                <rect
                  x={L.plotX0}
                  y={t.y}
                  width={Math.max(0, t.usedPx - L.plotX0)}
                  height={t.h}
                  style={{ fill: t.over ? DANGER : 'var(--chart-accent, #4269d0)' }}
                />
                <text
                  className={t.over ? 'pkv-danger-text' : 'pkv-muted'}
                  x={L.plotX1 + 6}
                  y={t.y + t.h / 2}
                  dy="0.34em"
                >
                  {t.text}
                </text>
              </g>
            ))}
          </g>
        )}
      </svg>
      <ChartTooltip tip={tip} containerWidth={w} containerHeight={L.height} />
    </ChartFrame>
  );
}
