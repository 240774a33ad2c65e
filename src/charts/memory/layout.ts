/**
 * Memory bars layout (pure): one horizontal stacked bar per GPU (weights | KV cache |
 * recurrent state | activations | reserved | other), free space up to capacity, and the excess beyond capacity. x is GB on a
 * linear scale; rows are px. Values are plotted as given; negatives and NaN count as 0.
 */
import { scaleLinear } from 'd3';
import { fmtGB, sig } from '../format';
import { legendLayout, linearTicks, textWidth } from '../scales';
import type { LegendLayoutItem, Margin, Tick } from '../scales';

export interface GpuMemory {
  label: string;
  weightsGB: number;
  kvCacheGB: number;
  /** Recurrent state of linear-attention / Mamba layers (maxNumSeqs fixed states, flat in context). */
  stateGB?: number;
  activationsGB: number;
  reservedGB: number;
  otherGB?: number;
}

export interface MemoryTier {
  label: string;
  usedGB: number;
  capacityGB: number;
}

export const MEMORY_PARTS = [
  { key: 'weightsGB', label: 'Weights', color: 'var(--mem-weights, #4269d0)' },
  { key: 'kvCacheGB', label: 'KV cache', color: 'var(--mem-kv, #efb118)' },
  { key: 'stateGB', label: 'Recurrent state', color: 'var(--mem-state, #ff8ab7)' },
  { key: 'activationsGB', label: 'Activations', color: 'var(--mem-activations, #6cc5b0)' },
  { key: 'reservedGB', label: 'Reserved / runtime', color: 'var(--mem-reserved, #9498a0)' },
  { key: 'otherGB', label: 'Other', color: 'var(--mem-other, #a463f2)' },
] as const;
export type MemoryPartKey = (typeof MEMORY_PARTS)[number]['key'];

export const DANGER = 'var(--chart-danger, #cf222e)';

const val = (v: number | undefined): number => (v !== undefined && Number.isFinite(v) && v > 0 ? v : 0);

export interface StackSegment {
  key: MemoryPartKey;
  label: string;
  color: string;
  valueGB: number;
  /** Cumulative start/end in GB. */
  x0: number;
  x1: number;
}

/** Cumulative stack of one GPU's memory parts (zero-size parts omitted) and its total in GB. */
export function stackGpu(g: GpuMemory): { segments: StackSegment[]; totalGB: number } {
  let acc = 0;
  const segments: StackSegment[] = [];
  for (const p of MEMORY_PARTS) {
    const v = val(g[p.key]);
    if (v <= 0) continue;
    segments.push({ key: p.key, label: p.label, color: p.color, valueGB: v, x0: acc, x1: acc + v });
    acc += v;
  }
  return { segments, totalGB: acc };
}

export interface GpuGroup {
  label: string;
  count: number;
  members: string[];
  gpu: GpuMemory;
}

const gpuKey = (g: GpuMemory): string => MEMORY_PARTS.map((p) => Math.round(val(g[p.key]) * 1e6)).join('|');

/**
 * With more than `maxBars` GPUs, collapse GPUs whose numbers are identical (to 1e-6 GB) into one
 * bar labelled "first label ×N", keeping first-appearance order. Otherwise one bar per GPU.
 */
export function groupGpus(gpus: readonly GpuMemory[], maxBars = 16): GpuGroup[] {
  if (gpus.length <= maxBars) return gpus.map((g) => ({ label: g.label, count: 1, members: [g.label], gpu: g }));
  const byKey = new Map<string, GpuGroup>();
  for (const g of gpus) {
    const k = gpuKey(g);
    const grp = byKey.get(k);
    if (grp) {
      grp.count += 1;
      grp.members.push(g.label);
    } else byKey.set(k, { label: g.label, count: 1, members: [g.label], gpu: g });
  }
  return [...byKey.values()].map((g) => ({ ...g, label: g.count > 1 ? `${g.label} ×${g.count}` : g.label }));
}

export interface MemoryRow {
  label: string;
  count: number;
  members: string[];
  gpu: GpuMemory;
  y: number;
  h: number;
  segments: (StackSegment & { px0: number; px1: number })[];
  totalGB: number;
  over: boolean;
  overGB: number;
  freeGB: number;
  /** px extents of the free-space rect (capacity minus used), when not over. */
  freePx: [number, number] | null;
  /** px extents of the excess beyond capacity, when over. */
  excessPx: [number, number] | null;
  endText: string;
  endX: number;
}

export interface TierRow {
  label: string;
  usedGB: number;
  capacityGB: number;
  y: number;
  h: number;
  usedPx: number;
  over: boolean;
  text: string;
}

export interface MemoryLayout {
  width: number;
  height: number;
  margin: Margin;
  plotX0: number;
  plotX1: number;
  capacityX: number;
  capacityGB: number;
  xTicks: Tick[];
  legend: LegendLayoutItem[];
  rows: MemoryRow[];
  axisY: number;
  tiersTitleY: number;
  tiers: TierRow[];
  grouped: boolean;
  overCount: number;
}

/** End-of-bar text for an offload tier. */
export function tierText(usedGB: number, capacityGB: number): string {
  if (usedGB > capacityGB + 1e-9) return `+${sig(usedGB - capacityGB, 3)} GB over`;
  const pct = capacityGB > 0 ? ` (${sig((usedGB / capacityGB) * 100, 2)}%)` : '';
  return `${fmtGB(usedGB)} / ${fmtGB(capacityGB)}${pct}`;
}

export const ROW_H = 20;
export const ROW_GAP = 8;
const TIER_H = 14;

export function memoryLayout(
  capacityGB: number,
  gpus: readonly GpuMemory[],
  tiers: readonly MemoryTier[] | undefined,
  width: number,
): MemoryLayout {
  const groups = groupGpus(gpus);
  const grouped = groups.length < gpus.length;
  const stacks = groups.map((g) => ({ g, s: stackGpu(g.gpu) }));
  const cap = val(capacityGB);
  const maxTotal = Math.max(cap, ...stacks.map((s) => s.s.totalGB), 1);

  const usedParts = new Set(stacks.flatMap((s) => s.s.segments.map((seg) => seg.key)));
  const anyOver = stacks.some((s) => s.s.totalGB > cap + 1e-9);
  const legendItems = [
    ...MEMORY_PARTS.filter((p) => (p.key !== 'otherGB' && p.key !== 'stateGB') || usedParts.has(p.key)).map((p) => ({
      label: p.label,
      color: p.color,
      shape: 'rect' as const,
    })),
    { label: 'Free', color: 'var(--mem-free-stroke, #b9c0c8)', shape: 'hatch' as const },
    { label: `Capacity ${fmtGB(cap)}`, color: 'var(--chart-fg, #1f2328)', shape: 'dashed' as const },
    ...(anyOver ? [{ label: 'Over capacity', color: DANGER, shape: 'rect' as const }] : []),
  ];

  const labelW = Math.min(
    220,
    Math.max(56, ...groups.map((g) => textWidth(g.label, 11)), ...(tiers ?? []).map((t) => textWidth(t.label, 11))) +
      12,
  );
  const endTexts = stacks.map(({ s }) =>
    s.totalGB > cap + 1e-9 ? `+${sig(s.totalGB - cap, 3)} GB over` : `${sig(s.totalGB, 3)} / ${sig(cap, 3)} GB`,
  );
  const tierTexts = (tiers ?? []).map((t) => tierText(val(t.usedGB), val(t.capacityGB)));
  const right = Math.min(
    200,
    Math.max(...endTexts.map((t) => textWidth(t, 11)), ...tierTexts.map((t) => textWidth(t, 11)), 40) + 14,
  );
  const legend = legendLayout(legendItems, width - labelW - 8);
  const margin: Margin = { top: legend.height + 12, right, bottom: 0, left: labelW };
  const plotX0 = margin.left;
  const plotX1 = Math.max(plotX0 + 40, width - margin.right);
  const x = scaleLinear()
    .domain([0, maxTotal * 1.02])
    .range([plotX0, plotX1])
    .nice();
  const domain = x.domain() as [number, number];
  const xTicks = linearTicks(domain, x.ticks(Math.max(2, Math.floor((plotX1 - plotX0) / 70))), x);

  let y = margin.top + 6;
  const rows: MemoryRow[] = stacks.map(({ g, s }, i) => {
    const over = s.totalGB > cap + 1e-9;
    const row: MemoryRow = {
      label: g.label,
      count: g.count,
      members: g.members,
      gpu: g.gpu,
      y,
      h: ROW_H,
      segments: s.segments.map((seg) => ({ ...seg, px0: x(seg.x0), px1: x(seg.x1) })),
      totalGB: s.totalGB,
      over,
      overGB: over ? s.totalGB - cap : 0,
      freeGB: over ? 0 : cap - s.totalGB,
      freePx: over ? null : [x(s.totalGB), x(cap)],
      excessPx: over ? [x(cap), x(s.totalGB)] : null,
      endText: endTexts[i] ?? '',
      endX: x(Math.max(s.totalGB, cap)) + 6,
    };
    y += ROW_H + ROW_GAP;
    return row;
  });
  if (!rows.length) y += ROW_H + ROW_GAP; // room for a "No GPUs" note
  const axisY = y - ROW_GAP + 6;
  let bottom = axisY + 44;

  const tierRows: TierRow[] = [];
  const tiersTitleY = bottom + 6;
  if (tiers?.length) {
    let ty = tiersTitleY + 10;
    for (const t of tiers) {
      const tc = val(t.capacityGB);
      const used = val(t.usedGB);
      const frac = tc > 0 ? used / tc : used > 0 ? Infinity : 0;
      const over = frac > 1 + 1e-9;
      tierRows.push({
        label: t.label,
        usedGB: used,
        capacityGB: tc,
        y: ty,
        h: TIER_H,
        usedPx: plotX0 + Math.min(1, frac) * (plotX1 - plotX0),
        over,
        text: tierText(used, tc),
      });
      ty += TIER_H + ROW_GAP;
    }
    bottom = ty + 4;
  }

  return {
    width,
    height: Math.ceil(bottom),
    margin,
    plotX0,
    plotX1,
    capacityX: x(cap),
    capacityGB: cap,
    xTicks,
    legend: legend.items,
    rows,
    axisY,
    tiersTitleY,
    tiers: tierRows,
    grouped,
    overCount: rows.filter((r) => r.over).length,
  };
}
