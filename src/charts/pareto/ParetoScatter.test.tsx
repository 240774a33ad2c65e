import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { ParetoScatter, MAX_FOCUSABLE } from './ParetoScatter';
import type { ParetoPoint } from './layout';

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
    <ParetoScatter xLabel="Cost ($ / M tokens)" yLabel="Throughput (tokens/s/GPU)" points={points} selectedId="p4" width={600} />,
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
});
