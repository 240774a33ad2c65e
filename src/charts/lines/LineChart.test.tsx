import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { LineChart } from './LineChart';

const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('<LineChart>', () => {
  const html = renderToStaticMarkup(
    <LineChart
      title="KV usage over time"
      xLabel="Time (s)"
      yLabel="KV cache used (GB)"
      series={[
        {
          label: 'GPU 0',
          points: [
            [0, 1],
            [1, 5],
            [2, 9],
          ],
        },
        {
          label: 'GPU 1',
          points: [
            [0, 2],
            [1, 4],
            [2, 6],
          ],
          dashed: true,
        },
      ]}
      markers={[{ x: 1.5, label: 'burst' }]}
      hLines={[{ y: 10, label: 'capacity 10 GB' }]}
      width={600}
    />,
  );

  it('draws one path per series plus markers and reference lines', () => {
    expect(count(html, 'class="pkv-series"')).toBe(2);
    expect(count(html, 'stroke-dasharray:6 4')).toBeGreaterThanOrEqual(2);
    expect(html).toContain('>burst<');
    expect(html).toContain('>capacity 10 GB<');
    expect(count(html, 'class="pkv-hline"')).toBe(1);
  });

  it('has titled axes with units, a legend and an aria label', () => {
    expect(html).toContain('Time (s)');
    expect(html).toContain('KV cache used (GB)');
    expect(html).toContain('>GPU 0<');
    expect(html).toContain('>GPU 1<');
    expect(html).toContain('role="img"');
    expect(html).toContain(
      'aria-label="Line chart of KV cache used (GB) against Time (s): GPU 0, GPU 1; markers: burst; reference lines: capacity 10 GB."',
    );
  });
});
