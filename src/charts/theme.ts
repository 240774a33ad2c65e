/**
 * Colour tokens shared by the charts. Values are CSS custom properties defined in theme.css, so SVG
 * marks use `var(--…)` strings directly; the canvas Gantt resolves them with `resolveCssColor`.
 * The hex fallbacks (light theme) apply where no stylesheet is loaded (Node snapshots, exports
 * taken from a detached node).
 */

import { GANTT_KINDS, type GanttKind } from '../core/views/gantt.ts';

/** The span kinds the engine's Gantt data uses (core/views/gantt.ts), in palette order. */
export const OP_KINDS = GANTT_KINDS;
export type OpKind = GanttKind;

const KIND_FALLBACK: Record<OpKind, string> = {
  attention: '#4269d0',
  gemm: '#3ca951',
  moe: '#a463f2',
  collective: '#ff725c',
  'kv-transfer': '#efb118',
  bubble: '#c3c8cf',
  idle: '#e6e8ec',
  elementwise: '#6cc5b0',
  sampling: '#ff8ab7',
  other: '#9c6b4e',
};

export const CATEGORICAL_FALLBACK = [
  '#4269d0',
  '#efb118',
  '#ff725c',
  '#6cc5b0',
  '#3ca951',
  '#ff8ab7',
  '#a463f2',
  '#97bbf5',
  '#9c6b4e',
  '#9498a0',
] as const;

/** Map a free-form op-kind name ("Norm/Elementwise", "kv_transfer", "all-reduce") to a palette slot. */
export function normalizeKind(name: string): OpKind | null {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if ((OP_KINDS as readonly string[]).includes(n)) return n as OpKind;
  if (/attn|attention|flash/.test(n)) return 'attention';
  if (/kv-?(transfer|xfer|copy|move|offload|swap)|^kv$/.test(n)) return 'kv-transfer';
  if (/collective|all-?reduce|all-?gather|reduce-?scatter|all-?to-?all|a2a|p2p|send|recv|comm|nccl/.test(n))
    return 'collective';
  if (/moe|expert|router/.test(n)) return 'moe';
  if (/gemm|matmul|linear|mlp|ffn|qkv|proj/.test(n)) return 'gemm';
  if (/bubble/.test(n)) return 'bubble';
  if (/idle|wait/.test(n)) return 'idle';
  if (/norm|elementwise|element-wise|rope|activation|silu|gelu|residual/.test(n)) return 'elementwise';
  if (/sampl|logit|softmax-out|lm-head-sample/.test(n)) return 'sampling';
  return null;
}

/**
 * Categorical colour for index i: the ten palette slots (`var(--chart-cat-N, #fallback)`), then, so
 * series 11+ never repeat a colour (issue 14), hues spaced by the golden angle (137.5°) at two
 * lightness levels, which keeps successive extra series far apart on the colour wheel.
 */
export function categoricalColor(i: number): string {
  const n = Number.isFinite(i) ? Math.max(0, Math.floor(i)) : 0;
  if (n < 10) return `var(--chart-cat-${n + 1}, ${CATEGORICAL_FALLBACK[n]})`;
  const j = n - 10;
  const hue = (20 + j * 137.508) % 360;
  return `hsl(${hue.toFixed(1)} 62% ${j % 2 === 0 ? 42 : 58}%)`;
}

/** Colour for an op kind: the explicit colour if given, else the kind's palette slot, else categorical. */
export function kindColor(name: string, index: number, explicit?: string): string {
  if (explicit) return explicit;
  const k = normalizeKind(name);
  if (k) return `var(--kind-${k}, ${KIND_FALLBACK[k]})`;
  return categoricalColor(index);
}

const VAR_RE = /^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$/;

/**
 * Resolve a colour string that may be `var(--x, fallback)` against an element's computed style
 * (canvas cannot paint CSS variables). Plain colours pass through.
 */
export function resolveCssColor(value: string, lookup: (prop: string) => string): string {
  const m = VAR_RE.exec(value.trim());
  if (!m) return value;
  const [, prop, fallback] = m;
  const v = prop ? lookup(prop).trim() : '';
  if (v) return v;
  return fallback ? resolveCssColor(fallback, lookup) : '#888888';
}

/** Lookup function over an element's computed style; returns '' outside the browser. */
export function cssLookup(el: Element | null): (prop: string) => string {
  if (!el || typeof getComputedStyle !== 'function') return () => '';
  const cs = getComputedStyle(el);
  return (prop) => cs.getPropertyValue(prop);
}
