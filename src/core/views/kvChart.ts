/**
 * The KV capacity chart as lines (issue 6), pure: one line per KV strategy of sequences held or decode
 * tok/s against context, with the plan's HBM limit, where offload starts, the workload's context and
 * the engine's sequence cap as annotations. The points come from views/kv.ts (kvCapacityChart).
 */
import type { Fidelity } from '../kv/types.ts';
import type { KvCapacityChart, KvChartSeries } from './kv.ts';

export type KvChartMetric = 'seqs' | 'throughput';

export interface KvChartLine {
  id: string;
  label: string;
  fidelity: Fidelity;
  current: boolean;
  /** Dashed: approximate (lossy) strategies. */
  dashed: boolean;
  points: [number, number][];
}

export interface KvChartLines {
  lines: KvChartLine[];
  /** Vertical annotations (context, tokens). */
  markers: { x: number; label: string }[];
  /** Horizontal reference lines. */
  hLines: { y: number; label: string }[];
  /** Presets dropped because they equal the plan's own curve. */
  sameAsCurrent: string[];
}

const kTok = (n: number): string =>
  n >= 1024 * 1024
    ? `${+(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 2)}M`
    : n >= 1024
      ? `${Math.round(n / 1024)}K`
      : String(n);

/** "1K", "128K", "1M" for power-of-two contexts; otherwise rounded to whole K tokens. */
export const contextLabel = kTok;

function valueOf(p: KvChartSeries['points'][number], metric: KvChartMetric): number {
  return metric === 'seqs' ? p.maxSeqs : p.decodeTokPerS;
}

/**
 * The capacity chart as lines: y = sequences the plan holds (HBM + host/NVMe tiers) or decode tok/s at
 * that many, per strategy; presets whose curve equals the plan's own are left out (named in
 * `sameAsCurrent`). Annotations: the plan's HBM limit (the longest context one sequence fits), where
 * offload starts (the plan's own, else the first offload preset's), the workload's context, and the
 * engine's sequence cap.
 */
export function kvChartLines(chart: KvCapacityChart, metric: KvChartMetric): KvChartLines {
  const current = chart.series.find((s) => s.current) ?? chart.series[0];
  const key = (s: KvChartSeries) => JSON.stringify(s.points.map((p) => [p.maxSeqs, p.hbmSeqs, p.decodeTokPerS]));
  const curKey = current ? key(current) : '';
  const sameAsCurrent: string[] = [];
  const lines: KvChartLine[] = [];
  for (const s of chart.series) {
    if (!s.current && key(s) === curKey) {
      sameAsCurrent.push(s.label);
      continue;
    }
    const tag = s.fidelity === 'exact' ? '' : s.fidelity === 'near-lossless' ? ' (near-lossless)' : ' (lossy)';
    lines.push({
      id: s.id,
      label: `${s.current ? s.label.replace(/^current: /, 'this plan: ') : s.label}${tag}`,
      fidelity: s.fidelity,
      current: s.current,
      dashed: s.fidelity === 'approximate',
      points: s.points.map((p) => [p.contextTokens, valueOf(p, metric)] as [number, number]),
    });
  }
  const lo = chart.contexts[0] ?? 1024;
  const hi = chart.contexts[chart.contexts.length - 1] ?? 1024 * 1024;
  const inRange = (x: number | null): x is number => x !== null && x >= lo && x <= hi;
  const markers: { x: number; label: string }[] = [];
  if (current && inRange(current.hbmLimitTokens))
    markers.push({ x: current.hbmLimitTokens, label: `HBM limit: 1 seq at ${kTok(current.hbmLimitTokens)}` });
  const off =
    current && current.offloadStartsAtTokens !== null
      ? current
      : chart.series.find((s) => s.offloadStartsAtTokens !== null && !sameAsCurrent.includes(s.label));
  if (off && inRange(off.offloadStartsAtTokens))
    markers.push({
      x: off.offloadStartsAtTokens,
      label: `offload starts (${off.current ? 'this plan' : off.label}): ${kTok(off.offloadStartsAtTokens)}`,
    });
  if (inRange(chart.workloadContextTokens))
    markers.push({ x: chart.workloadContextTokens, label: `your context ${kTok(chart.workloadContextTokens)}` });
  const hLines =
    metric === 'seqs'
      ? [{ y: chart.maxNumSeqsCap, label: `engine cap: ${chart.maxNumSeqsCap} seqs (maxNumSeqs × groups)` }]
      : [];
  return { lines, markers, hLines, sameAsCurrent };
}
