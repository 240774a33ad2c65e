/**
 * Decoding of the committed profile files (scripts/distill-kernels.mjs): each latency is stored as
 * q = round(100 · log2(latency in µs)), delta-coded along the flattened grid (first present value absolute,
 * then differences from the previous present value), null where the table has no row.
 */
import type { Grid, GridJson, KernelProfile, KernelProfileJson } from './types.ts';

/** Delta-coded quantised values → log2 µs (NaN where null). */
export function decodeLogUs(q: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(q.length);
  let prev = 0;
  for (let i = 0; i < q.length; i++) {
    const d = q[i];
    if (d === null || d === undefined) {
      out[i] = NaN;
      continue;
    }
    prev += d;
    out[i] = prev / 100;
  }
  return out;
}

export function decodeGrid(axes: number[][], q: readonly (number | null)[]): Grid {
  const size = axes.reduce((n, a) => n * a.length, 1);
  if (size !== q.length) throw new Error(`kernel profile grid: ${q.length} values for axes of ${size} points`);
  return { axes, logAxes: axes.map((a) => Float64Array.from(a, Math.log2)), logUs: decodeLogUs(q) };
}

const grid = (g: GridJson): Grid => decodeGrid(g.axes, g.q);

function mapValues<K extends string, A, B>(rec: Partial<Record<K, A>>, f: (a: A) => B): Partial<Record<K, B>> {
  const out: Partial<Record<K, B>> = {};
  for (const k of Object.keys(rec) as K[]) {
    const v = rec[k];
    if (v !== undefined) out[k] = f(v);
  }
  return out;
}

export function decodeProfile(json: KernelProfileJson, gpuIds: readonly string[]): KernelProfile {
  const comm: Record<string, GridJson> = {};
  for (const [k, v] of Object.entries(json.comm)) if (typeof v === 'object') comm[k] = v;
  return {
    gpuIds,
    sourceGpu: json.sourceGpu,
    engine: json.engine,
    engineVersion: json.engineVersion,
    source: json.source,
    gemm: mapValues(json.gemm, grid),
    attnPrefill: mapValues(json.attnPrefill, grid),
    attnDecode: mapValues(json.attnDecode, (d) => ({
      floor: decodeGrid(d.axes, d.floorQ),
      perMTok: decodeGrid(d.axes, d.perMTokQ),
    })),
    mlaPrefill: mapValues(json.mlaPrefill ?? {}, grid),
    moe: json.moe.map((m) => ({
      dtype: m.dtype,
      hidden: m.hidden,
      inter: m.inter,
      topk: m.topk,
      experts: m.experts,
      tp: m.tp,
      ep: m.ep,
      grid: decodeGrid([m.tokens], m.q),
    })),
    comm: mapValues(comm, grid) as KernelProfile['comm'],
  };
}
