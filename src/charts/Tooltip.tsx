/**
 * HTML tooltip positioned inside a chart body (which is `position: relative`). Coordinates are px
 * relative to the body's top-left, i.e. the chart SVG's user space.
 */
import type { ReactNode } from 'react';

export interface TipData {
  x: number;
  y: number;
  title: ReactNode;
  rows: readonly (readonly [string, ReactNode])[];
  /** Optional colour swatch before the title. */
  color?: string;
}

/**
 * Flips to the left of the anchor in the right 40% of the chart, and above it in the bottom 45%
 * when `containerHeight` is known, so it stays over the plot.
 */
export function ChartTooltip({
  tip,
  containerWidth,
  containerHeight,
}: {
  tip: TipData | null;
  containerWidth: number;
  containerHeight?: number;
}) {
  if (!tip) return null;
  const flip = tip.x > containerWidth * 0.6;
  const up = containerHeight !== undefined && tip.y > containerHeight * 0.55;
  const style = {
    left: flip ? undefined : tip.x + 14,
    right: flip ? Math.max(0, containerWidth - tip.x + 14) : undefined,
    top: up ? undefined : Math.max(0, tip.y - 10),
    bottom: up && containerHeight !== undefined ? Math.max(0, containerHeight - tip.y - 10) : undefined,
  };
  return (
    <div className="pkv-tooltip" role="tooltip" style={style}>
      <div className="pkv-tooltip__title">
        {tip.color && <span className="pkv-swatch" style={{ background: tip.color }} />}
        {tip.title}
      </div>
      {tip.rows.length > 0 && (
        <table>
          <tbody>
            {tip.rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
