/**
 * Latency distributions from a simulated run (core/evaluate/simulated.ts) for the UI's charts:
 * empirical CDFs of TTFT, end-to-end latency and queueing per request (from the run's timeline),
 * and the KV-cache usage series. Only subtraction and sorting of the simulator's own timestamps.
 */
import type { SimulationSummary } from '../evaluate/simulated.ts';

export type CdfPoint = [number, number];

export interface LatencyCdfs {
  /** Per-request values in ms, as [value, cumulative fraction] points (at most `maxPoints`). */
  ttftMs: CdfPoint[];
  e2eMs: CdfPoint[];
  queueMs: CdfPoint[];
  /** Requests that finished (the CDFs' population). */
  finished: number;
}

/** Empirical CDF of the finite values, thinned to at most `maxPoints` points (the last point is always kept). */
export function empiricalCdf(values: ArrayLike<number>, maxPoints = 200): CdfPoint[] {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isFinite(x)) v.push(x);
  }
  v.sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const out: CdfPoint[] = [];
  for (let i = step - 1; i < n; i += step) out.push([v[i]!, (i + 1) / n]);
  if (out[out.length - 1]![1] !== 1) out.push([v[n - 1]!, 1]);
  return out;
}

/** CDFs from the simulation's timeline; null when the run kept no timeline. */
export function latencyCdfs(sim: SimulationSummary, maxPoints = 200): LatencyCdfs | null {
  const t = sim.timeline;
  if (!t) return null;
  const r = t.requests;
  const n = r.arrivalS.length;
  const ttft = new Float64Array(n);
  const e2e = new Float64Array(n);
  const queue = new Float64Array(n);
  let finished = 0;
  for (let i = 0; i < n; i++) {
    const a = r.arrivalS[i]!;
    const done = Number.isFinite(r.endS[i]!);
    if (done) finished++;
    ttft[i] = done ? (r.firstTokenS[i]! - a) * 1e3 : NaN;
    e2e[i] = done ? (r.endS[i]! - a) * 1e3 : NaN;
    queue[i] = done ? (r.prefillStartS[i]! - a) * 1e3 : NaN;
  }
  return {
    ttftMs: empiricalCdf(ttft, maxPoints),
    e2eMs: empiricalCdf(e2e, maxPoints),
    queueMs: empiricalCdf(queue, maxPoints),
    finished,
  };
}

/** KV usage over time as chart series: [time s, % of the pool] for the bin mean and the bin max. */
export function kvUsageSeries(sim: SimulationSummary): { mean: CdfPoint[]; max: CdfPoint[] } {
  const u = sim.kvUsage;
  const mean: CdfPoint[] = [];
  const max: CdfPoint[] = [];
  for (let i = 0; i < u.tS.length; i++) {
    const t = u.tS[i]!;
    if (Number.isFinite(u.mean[i]!)) mean.push([t, u.mean[i]! * 100]);
    if (Number.isFinite(u.max[i]!)) max.push([t, u.max[i]! * 100]);
  }
  return { mean, max };
}
