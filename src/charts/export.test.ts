import { describe, expect, it } from 'vitest';
import { keepStyle, safeFilename, styleString } from './export';

describe('export helpers', () => {
  it('makes safe file names', () => {
    expect(safeFilename('Roofline — H100 SXM', 'svg')).toBe('roofline-h100-sxm.svg');
    expect(safeFilename('memory.png', 'png')).toBe('memory.png');
    expect(safeFilename('***', 'png')).toBe('chart.png');
  });

  it('serialises styles', () => {
    expect(
      styleString([
        ['fill', 'rgb(1, 2, 3)'],
        ['stroke', ' '],
        ['font-family', '"Segoe UI", sans-serif'],
      ]),
    ).toBe("fill:rgb(1, 2, 3);font-family:'Segoe UI', sans-serif");
  });

  it('drops inherited values equal to the parent and initial non-inherited ones', () => {
    expect(keepStyle('fill', 'red', 'red')).toBe(false);
    expect(keepStyle('fill', 'red', 'blue')).toBe(true);
    expect(keepStyle('fill', 'red', undefined)).toBe(true);
    expect(keepStyle('opacity', '1', '0.5')).toBe(false);
    expect(keepStyle('opacity', '0.5', '0.5')).toBe(true);
    expect(keepStyle('display', 'inline', undefined)).toBe(false);
    expect(keepStyle('display', 'none', undefined)).toBe(true);
  });
});
