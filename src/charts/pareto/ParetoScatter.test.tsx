import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ParetoScatter, MAX_FOCUSABLE } from './ParetoScatter';
import { frontierVertices, paretoLayout, segmentBoxes } from './layout';
import type { ParetoPoint } from './layout';
import { boxesOverlap } from '../scales';

const count = (html: string, needle: string) => html.split(needle).length - 1;

const points: ParetoPoint[] = Array.from({ length: 12 }, (_, i) => ({
  id: `p${i}`,
  x: 0.1 + i * 0.1,
  y: 500 + ((i * 37) % 11) * 100,
  label: `plan ${i}`,
  group: i % 2 ? 'TP8' : 'TP4',
  onFrontier: i % 4 === 0,
}));

describe('<ParetoScatter>', () => {
  const html = renderToStaticMarkup(
    <ParetoScatter
      xLabel="Cost ($ / M tokens)"
      yLabel="Throughput (tokens/s/GPU)"
      points={points}
      selectedId="p4"
      width={600}
    />,
  );

  it('draws one focusable circle per point, a frontier step line and the selection ring', () => {
    expect(count(html, 'class="pkv-point')).toBe(12);
    expect(count(html, 'tabindex="0"')).toBe(12);
    expect(count(html, 'role="button"')).toBe(12);
    expect(count(html, 'class="pkv-frontier"')).toBe(1);
    expect(count(html, 'class="pkv-selection-ring"')).toBe(1);
    expect(html).toContain('aria-pressed="true"');
    expect(count(html, 'aria-pressed="true"')).toBe(1);
  });

  it('labels axes with units and has a legend per group', () => {
    expect(html).toContain('Cost ($ / M tokens)');
    expect(html).toContain('Throughput (tokens/s/GPU)');
    expect(html).toContain('>TP4<');
    expect(html).toContain('>TP8<');
    expect(html).toContain('Pareto frontier');
    expect(html).toMatch(/aria-label="Scatter of 12 plans[^"]*3 on the Pareto frontier; selected: plan 4\./);
  });

  it('limits focus stops for very large point sets', () => {
    const many: ParetoPoint[] = Array.from({ length: MAX_FOCUSABLE + 10 }, (_, i) => ({
      id: `m${i}`,
      x: i,
      y: i % 17,
      label: `m${i}`,
      group: 'TP1',
      onFrontier: i % 100 === 0,
    }));
    const big = renderToStaticMarkup(<ParetoScatter xLabel="x (s)" yLabel="y (1/s)" points={many} width={600} />);
    expect(count(big, 'class="pkv-point')).toBe(many.length);
    expect(count(big, 'tabindex="0"')).toBe(4);
  });

  it('skips a label that would overlap an already placed one; every point is still named', () => {
    // Six frontier plans almost on top of each other, plus one far away.
    const crowd: ParetoPoint[] = [
      ...Array.from({ length: 6 }, (_, i) => ({
        id: `c${i}`,
        x: 1 + i * 0.001,
        y: 100 + i * 0.1,
        label: `TP${i + 1} DP2`,
        group: 'TP2',
        onFrontier: true,
      })),
      { id: 'far', x: 3, y: 400, label: 'TP8 DP1', group: 'TP8', onFrontier: true },
    ];
    const L = paretoLayout(crowd, { width: 600, height: 400, selectedId: 'c3' });
    const shown = L.labels.map((l) => l.id);
    // The selected plan is labelled first; the far one has room; the crowd cannot all fit.
    expect(shown[0]).toBe('c3');
    expect(shown).toContain('far');
    expect(shown.length).toBeLessThan(crowd.length);
    for (let i = 0; i < L.labels.length; i++)
      for (let j = i + 1; j < L.labels.length; j++)
        expect(boxesOverlap(L.labels[i]!.box, L.labels[j]!.box, 0)).toBe(false);

    const out = renderToStaticMarkup(
      <ParetoScatter xLabel="x (s)" yLabel="y (1/s)" points={crowd} selectedId="c3" width={600} height={400} />,
    );
    expect(count(out, 'class="pkv-annot"')).toBe(L.labels.length);
    // Labels carry a halo in the chart background colour, painted under the text.
    expect(out).toMatch(/class="pkv-annot"[^>]*style="[^"]*paint-order:stroke;stroke:var\(--chart-bg\)/);
    // Points whose labels were skipped are still named (aria-label, and the tooltip on hover/focus).
    for (const p of crowd) expect(out).toContain(`aria-label="${p.label}, ${p.group}:`);
  });

  it('keeps labels off the frontier line and other points when there is room', () => {
    const pts: ParetoPoint[] = [
      { id: 'a', x: 1, y: 1, label: 'TP4 DP1', group: 'TP4', onFrontier: true },
      { id: 'b', x: 2, y: 5, label: 'TP4 DP2', group: 'TP4', onFrontier: true },
      { id: 'c', x: 3, y: 9, label: 'TP4 DP3', group: 'TP4', onFrontier: true },
    ];
    const L = paretoLayout(pts, { width: 600, height: 400, step: 'after' });
    expect(L.labels).toHaveLength(3);
    // 'after' steps leave each point horizontally to the right: b's label goes to the left instead.
    expect(L.labels.find((l) => l.id === 'b')?.anchor).toBe('end');
    const line = segmentBoxes(frontierVertices(pts, 'after').map(([a, b]) => [L.x(a), L.y(b)]));
    const dots = L.points.map((p) => ({ x: p.cx - 5.5, y: p.cy - 5.5, w: 11, h: 11 }));
    for (const l of L.labels) for (const o of [...line, ...dots]) expect(boxesOverlap(l.box, o)).toBe(false);
  });
});
