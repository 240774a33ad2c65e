import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryBars } from './MemoryBars';
import { roundSvgNumbers } from '../scales';

const count = (html: string, needle: string) => html.split(needle).length - 1;
const gpu = (label: string, weightsGB = 17.5, kvCacheGB = 46) => ({
  label,
  weightsGB,
  kvCacheGB,
  activationsGB: 4,
  reservedGB: 5.5,
});

describe('<MemoryBars>', () => {
  it('draws a red bar and "+x GB over" when a GPU exceeds capacity', () => {
    const html = renderToStaticMarkup(
      <MemoryBars capacityGB={80} gpus={[gpu('GPU 0'), gpu('GPU 1', 35, 44.2)]} width={640} />,
    );
    expect(count(html, 'class="pkv-membar"')).toBe(1);
    expect(count(html, 'class="pkv-membar pkv-membar--over"')).toBe(1);
    expect(count(html, 'class="pkv-excess"')).toBe(1);
    expect(html).toMatch(/class="pkv-excess"[^>]*var\(--chart-danger/);
    expect(html).toContain('+8.7 GB over');
    expect(html).toContain('1 over capacity');
    expect(html).toContain('Memory per GPU (GB)');
    expect(html).toContain('Capacity 80 GB');
    expect(html).toContain('role="img"');
  });

  it('draws free space hatched and one segment per non-zero part', () => {
    const html = renderToStaticMarkup(<MemoryBars capacityGB={80} gpus={[gpu('GPU 0')]} width={640} />);
    expect(count(html, 'class="pkv-free"')).toBe(1);
    expect(count(html, 'class="pkv-seg ')).toBe(4);
    expect(html).toContain('73 / 80 GB');
    expect(html).not.toContain('GB over');
    expect(html).toContain('all within capacity');
  });

  it('groups identical GPUs when there are more than 16', () => {
    const gpus = Array.from({ length: 24 }, (_, i) => gpu(`GPU ${i}`, i < 8 ? 40 : 38));
    const html = renderToStaticMarkup(<MemoryBars capacityGB={141} gpus={gpus} width={640} />);
    expect(count(html, 'class="pkv-membar"')).toBe(2);
    expect(html).toContain('GPU 0 ×8');
    expect(html).toContain('GPU 8 ×16');
    expect(html).toContain('24 GPUs, identical ones grouped');
  });

  it('matches the SVG snapshot', async () => {
    const html = renderToStaticMarkup(
      <MemoryBars
        title="Memory"
        capacityGB={80}
        gpus={[gpu('GPU 0'), gpu('GPU 1', 35, 44.2)]}
        tiers={[{ label: 'Host DRAM', usedGB: 412, capacityGB: 2048 }]}
        width={640}
      />,
    );
    const svg = /<svg[\s\S]*<\/svg>/.exec(html)?.[0] ?? '';
    await expect(roundSvgNumbers(svg).replace(/></g, '>\n<')).toMatchFileSnapshot('../__snapshots__/memory.svg');
  });
});
