import { describe, expect, it } from 'vitest';
import { categoricalColor, kindColor, normalizeKind, resolveCssColor } from './theme';

describe('theme', () => {
  it('maps op-kind names to palette slots', () => {
    expect(normalizeKind('attention')).toBe('attention');
    expect(normalizeKind('norm/elementwise')).toBe('elementwise');
    expect(normalizeKind('KV transfer')).toBe('kv-transfer');
    expect(normalizeKind('kv_transfer')).toBe('kv-transfer');
    expect(normalizeKind('all-reduce')).toBe('collective');
    expect(normalizeKind('gate_proj')).toBe('gemm');
    expect(normalizeKind('MoE experts')).toBe('moe');
    expect(normalizeKind('pipeline bubble')).toBe('bubble');
    expect(normalizeKind('sampling')).toBe('sampling');
    expect(normalizeKind('mystery')).toBeNull();
  });

  it('uses CSS variables with fallbacks', () => {
    expect(kindColor('gemm', 0)).toBe('var(--kind-gemm, #3ca951)');
    expect(kindColor('mystery', 2)).toBe(categoricalColor(2));
    expect(kindColor('gemm', 0, '#123456')).toBe('#123456');
  });

  it('never repeats a categorical colour after 10 series (issue 14), and negatives clamp to slot 1', () => {
    const colors = Array.from({ length: 40 }, (_, i) => categoricalColor(i));
    expect(new Set(colors).size).toBe(40);
    expect(categoricalColor(10)).not.toBe(categoricalColor(0));
    expect(categoricalColor(10)).toMatch(/^hsl\(\d+(\.\d)? 62% (42|58)%\)$/);
    expect(categoricalColor(-3)).toBe(categoricalColor(0));
    // Successive extra series are far apart in hue (golden angle: ≥ 50° on the wheel, either way round).
    const hue = (c: string) => Number(/^hsl\(([\d.]+)/.exec(c)![1]);
    for (let i = 10; i < 39; i++) {
      const d = Math.abs(hue(colors[i]!) - hue(colors[i + 1]!));
      expect(Math.min(d, 360 - d)).toBeGreaterThan(50);
    }
  });

  it('resolves var() for canvas painting', () => {
    const look = (p: string) => (p === '--kind-gemm' ? ' #00ff00 ' : '');
    expect(resolveCssColor('var(--kind-gemm, #3ca951)', look)).toBe('#00ff00');
    expect(resolveCssColor('var(--missing, #3ca951)', look)).toBe('#3ca951');
    expect(resolveCssColor('var(--missing, var(--kind-gemm, red))', look)).toBe('#00ff00');
    expect(resolveCssColor('var(--missing, rgba(1, 2, 3, 0.5))', look)).toBe('rgba(1, 2, 3, 0.5)');
    expect(resolveCssColor('#abcdef', look)).toBe('#abcdef');
  });
});
