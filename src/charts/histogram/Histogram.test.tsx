import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Histogram } from './Histogram';
import { histogramBins, histogramLayout } from './layout';

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('histogram', () => {
  const values = Array.from({ length: 100 }, (_, i) => i);

  it('bins values with d3.bin and keeps every finite value', () => {
    const bins = histogramBins([...values, Number.NaN, Infinity], 10);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(100);
    expect(bins[0]?.x0).toBe(0);
    const L = histogramLayout(values, 10, 320, 180);
    expect(L.n).toBe(100);
    expect(L.median).toBeCloseTo(49.5);
    expect(L.summary).toBe('n = 100 · median 49.5 · p99 98');
  });

  it('renders one bar per bin, a median line and labelled axes', () => {
    const html = renderToStaticMarkup(<Histogram title="TTFT" xLabel="TTFT (ms)" values={values} bins={10} />);
    const L = histogramLayout(values, 10, 320, 180);
    expect(count(html, 'class="pkv-bin"')).toBe(L.bins.length);
    expect(count(html, 'class="pkv-median"')).toBe(1);
    expect(html).toContain('TTFT (ms)');
    expect(html).toContain('>Count<');
    expect(html).toContain('width="320"');
  });

  it('handles no data and a single repeated value', () => {
    expect(renderToStaticMarkup(<Histogram xLabel="x (ms)" values={[]} />)).toContain('no data');
    const L = histogramLayout([5, 5, 5], 20, 320, 180);
    expect(L.bins.reduce((a, b) => a + b.count, 0)).toBe(3);
    expect(L.bins.every((b) => b.pw >= 1)).toBe(true);
  });
});
