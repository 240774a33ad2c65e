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
    expect(categoricalColor(10)).toBe(categoricalColor(0));
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
