/** SVG legend (inside the chart SVG so exported files keep it). Layout comes from scales.legendLayout. */
import type { LegendLayoutItem, SwatchShape } from './scales';

export function Swatch({ shape, color, x = 0, y = 0 }: { shape: SwatchShape; color: string; x?: number; y?: number }) {
  const cy = y;
  switch (shape) {
    case 'circle':
      return <circle cx={x + 6} cy={cy} r={5} style={{ fill: color }} />;
    case 'ring':
      return <circle cx={x + 6} cy={cy} r={4.5} style={{ fill: 'none', stroke: color, strokeWidth: 2 }} />;
    case 'diamond':
      return <path d={`M${x + 6},${cy - 6}L${x + 12},${cy}L${x + 6},${cy + 6}L${x},${cy}Z`} style={{ fill: color }} />;
    case 'line':
      return <line x1={x} x2={x + 13} y1={cy} y2={cy} style={{ stroke: color, strokeWidth: 2.5 }} />;
    case 'dashed':
      return (
        <line x1={x} x2={x + 13} y1={cy} y2={cy} style={{ stroke: color, strokeWidth: 2, strokeDasharray: '4 2' }} />
      );
    case 'hatch':
      return (
        <rect
          x={x}
          y={cy - 5}
          width={12}
          height={10}
          rx={1.5}
          style={{ fill: 'var(--mem-free)', stroke: color, strokeWidth: 1, strokeDasharray: '2 2' }}
        />
      );
    default:
      return <rect x={x} y={cy - 5} width={12} height={10} rx={2} style={{ fill: color }} />;
  }
}

export function Legend({ items, x, y }: { items: readonly LegendLayoutItem[]; x: number; y: number }) {
  if (!items.length) return null;
  return (
    <g className="pkv-legend" transform={`translate(${x},${y})`} aria-hidden="true">
      {items.map((it) => (
        <g key={`${it.label}-${it.x}-${it.y}`} transform={`translate(${it.x},${it.y + 9})`}>
          <Swatch shape={it.shape} color={it.color} />
          <text x={17} dy="0.34em">
            {it.label}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Centred "No data" note for an empty plot area. */
export function EmptyNote({ x, y, text = 'No data' }: { x: number; y: number; text?: string }) {
  return (
    <text className="pkv-empty pkv-muted" x={x} y={y} textAnchor="middle" style={{ fontSize: 13 }}>
      {text}
    </text>
  );
}
