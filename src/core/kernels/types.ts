/**
 * Measured kernel profiles (issue 12): latencies distilled by scripts/distill-kernels.mjs from aiconfigurator's
 * kernel microbenchmarks (Apache-2.0, see NOTICE). `KernelProfileJson` is the committed file format; `KernelProfile`
 * the decoded form the cost model interpolates (log2 axes, log2 µs values, NaN where a point was not measured).
 */
import { bytesPerElement } from '../hardware/dtype.ts';

export type KernelEngine = 'vllm' | 'sglang' | 'trtllm';
export type GemmDtype = 'bf16' | 'fp8' | 'fp8_block' | 'nvfp4';
/** `int4`: int4 weight-only (w4a16) MoE kernels; `mxfp4_w4a16`: MXFP4 weights, 16-bit math (gpt-oss on Hopper). */
export type MoeDtype = GemmDtype | 'int4' | 'mxfp4_w4a16';
export type KvDtype = 'bf16' | 'fp8';

/**
 * Stored bytes per expert weight of each MoE table's kernels, scales included: the precisions the engine knows
 * (hardware/dtype.ts; fp8 block scales, 1/16384 B, are left out as there), int4 weight-only with a 16-bit scale per
 * group of 128, MXFP4 with an e8m0 scale per 32.
 */
export const MOE_WEIGHT_BYTES: Record<MoeDtype, number> = {
  bf16: bytesPerElement('bf16'),
  fp8: bytesPerElement('fp8'),
  fp8_block: bytesPerElement('fp8'),
  nvfp4: bytesPerElement('nvfp4'),
  int4: 0.5 + 2 / 128,
  mxfp4_w4a16: 0.5 + 1 / 32,
};
export type CommOp = 'all_reduce' | 'all_gather' | 'reduce_scatter' | 'alltoall';

/** Delta-coded quantised latencies (codec.ts); `axes` in natural units, row-major, last axis fastest. */
export interface GridJson {
  axes: number[][];
  q: (number | null)[];
}

/** One MoE layer shape: the key of a measured MoE curve and what the cost model asks for. */
export interface MoeShape {
  dtype: MoeDtype;
  hidden: number;
  inter: number;
  topk: number;
  experts: number;
  tp: number;
  ep: number;
}

export interface MoeCurveJson extends MoeShape {
  routing: string;
  tokens: number[];
  q: (number | null)[];
}

export interface KernelProfileJson {
  schema: 1;
  sourceGpu: string;
  engine: KernelEngine;
  engineVersion: string;
  source: string;
  gemm: Partial<Record<GemmDtype, GridJson>>;
  attnPrefill: Partial<Record<KvDtype, GridJson>>;
  attnDecode: Partial<Record<KvDtype, { axes: number[][]; floorQ: (number | null)[]; perMTokQ: (number | null)[] }>>;
  /** MLA context attention over (batch, isl, heads per GPU); absent on engines without the table. */
  mlaPrefill?: Partial<Record<KvDtype, GridJson>>;
  moe: MoeCurveJson[];
  comm: Partial<Record<CommOp | 'customAllReduceGraph' | 'customAllReduceEager', GridJson>> & {
    ncclVersion?: string;
    customVersion?: string;
  };
}

/** A decoded grid: log2 axis values and log2 latency in µs (NaN = not measured). */
export interface Grid {
  axes: number[][];
  logAxes: Float64Array[];
  logUs: Float64Array;
}

export interface MoeCurve extends MoeShape {
  grid: Grid;
}

export interface KernelProfile {
  /** ParaKV GPU catalog ids the profile was measured on. */
  gpuIds: readonly string[];
  sourceGpu: string;
  engine: KernelEngine;
  engineVersion: string;
  source: string;
  gemm: Partial<Record<GemmDtype, Grid>>;
  /** Context attention over (batch, isl, heads), head_dim 128. */
  attnPrefill: Partial<Record<KvDtype, Grid>>;
  /** Decode attention: latency = floor(batch, kvHeads) + perToken(batch, kvHeads) · context, head_dim 128. */
  attnDecode: Partial<Record<KvDtype, { floor: Grid; perMTok: Grid }>>;
  /** MLA context attention (DeepSeek latent attention) over (batch, isl, heads per GPU). */
  mlaPrefill: Partial<Record<KvDtype, Grid>>;
  moe: MoeCurve[];
  comm: Partial<Record<CommOp | 'customAllReduceGraph' | 'customAllReduceEager', Grid>>;
}
