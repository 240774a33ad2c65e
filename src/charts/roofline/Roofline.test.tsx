import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { Roofline } from './Roofline';
import { H100 } from './fixtures';
import { roundSvgNumbers } from '../scales';

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('<Roofline>', () => {
  const html = renderToStaticMarkup(
    <Roofline
      gpuLabel={H100.gpuLabel}
      ceilings={[...H100.ceilings]}
      memoryGBps={H100.memoryGBps}
      links={[...H100.links]}
      points={[...H100.points]}
      width={640}
    />,
  );

  it('draws one mark per plottable point, circles for prefill and diamonds for decode', () => {
    expect(count(html, 'class="pkv-point pkv-point--prefill"')).toBe(1);
    expect(count(html, 'class="pkv-point pkv-point--decode"')).toBe(2);
  });

  it('is an accessible image with titled, unit-labelled axes and a legend', () => {
    expect(html).toContain('role="img"');
    expect(html).toMatch(
      /aria-label="Log-log roofline for H100 SXM[^"]*3 ops plotted \(3 with non-positive values omitted\)/,
    );
    expect(html).toContain('Arithmetic intensity (FLOP/byte)');
    expect(html).toContain('Performance (FLOP/s)');
    expect(html).toContain('Prefill op');
    expect(html).toContain('Decode op');
    expect(html).toContain('Link bandwidth roof');
    expect(html).toContain('BF16 989 TFLOPS');
    expect(html).toContain('BF16 ridge 295 FLOP/B');
    expect(html).toContain('HBM 3.35 TB/s');
    expect(html).toContain('NVLink 450 GB/s');
  });

  it('renders in a frame with a title and export buttons', () => {
    expect(html).toContain('<h3 class="pkv-chart__title">Roofline — H100 SXM</h3>');
    expect(html).toContain('aria-label="Download “Roofline — H100 SXM” as PNG"');
    expect(html).toContain('aria-label="Download “Roofline — H100 SXM” as SVG"');
  });

  it('matches the SVG snapshot', async () => {
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0] ?? '';
    await expect(roundSvgNumbers(svg).replace(/></g, '>\n<')).toMatchFileSnapshot('../__snapshots__/roofline.svg');
  });
});
