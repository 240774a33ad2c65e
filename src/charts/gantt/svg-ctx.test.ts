import { describe, expect, it } from 'vitest';
import type { drawGantt } from './draw.ts';
import { fontAttrs, SvgCtx } from './svg-ctx.ts';

describe('SvgCtx (the Gantt SVG export, issue 14)', () => {
  it('records rects, text, clips and translation as SVG', () => {
    const c = new SvgCtx(200, 100);
    c.setTransform(2, 0, 0, 2, 0, 0); // the PNG's 2× scale is undone by the caller for SVG; here it scales
    c.setTransform(1, 0, 0, 1, 0, 0);
    c.fillStyle = '#112233';
    c.fillRect(1, 2, 30, 4);
    c.save();
    c.translate(0, 50);
    c.beginPath();
    c.rect(10, 0, 100, 40);
    c.clip();
    c.font = '600 14px Inter, sans-serif';
    c.textAlign = 'center';
    c.textBaseline = 'middle';
    c.fillText('a<b', 20, 5);
    c.restore();
    c.strokeStyle = 'red';
    c.lineWidth = 2;
    c.strokeRect(0, 0, 5, 5);
    const svg = c.toString('Gantt');
    expect(svg).toContain('<rect x="1" y="2" width="30" height="4" fill="#112233"/>');
    expect(svg).toContain('<clipPath id="gc1"><path d="M10 50h100v40h-100Z"/></clipPath>');
    expect(svg).toContain(
      '<g clip-path="url(#gc1)"><text x="20" y="55" fill="#112233" font-size="14" font-family="Inter, sans-serif" font-weight="600" text-anchor="middle" dominant-baseline="central">a&lt;b</text></g>',
    );
    expect(svg).toContain('stroke="red" stroke-width="2"');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"')).toBe(true);
    expect(svg).toContain('<title>Gantt</title>');
  });

  it('parses canvas font strings', () => {
    expect(fontAttrs('11px system-ui')).toBe(' font-size="11" font-family="system-ui"');
    expect(fontAttrs('bold 10.5px "Inter"')).toBe(
      ' font-size="10.5" font-family="&quot;Inter&quot;" font-weight="bold"',
    );
    expect(fontAttrs('garbage')).toBe('');
  });

  it('is a drop-in context for drawGantt (type and calls)', () => {
    const c = new SvgCtx(300, 40);
    // drawGantt accepts it where it takes a canvas context: the compile step checks the shape.
    const painter: Parameters<typeof drawGantt>[0] = c;
    expect(painter).toBe(c);
  });
});
