/**
 * Storage size and tensor-core math rate per precision.
 *
 * Storage: `bytesPerElement` is the *effective* size including block-scale overhead where the
 * format mandates it:
 * - fp4 / nvfp4: 4-bit payload (0.5 B) + one fp8 (E4M3) scale per 16-element block (1/16 B)
 *   = 0.5625 B/element. The engine treats `fp4` and `nvfp4` alike (types.ts), so both use the
 *   NVFP4 layout. (MXFP4, as on AMD MI355X, has one 8-bit scale per 32 elements = 0.53125 B; the
 *   0.03 B difference is ignored.)
 * - int4 / int2: payload only (0.5 / 0.25 B). Group-wise scales (e.g. fp16 scale + zero per 128
 *   weights in AWQ/GPTQ, +0.03 B) are not counted: small and implementation-specific.
 * - fp8 / int8 per-tensor or per-channel scales are negligible and not counted.
 * `scaleOverheadBytesPerElement` reports the part of `bytesPerElement` that is scales, so a caller
 * can recover the raw payload as `bytesPerElement(d) - scaleOverheadBytesPerElement(d)`.
 */
import type { Dtype, GpuSpec } from './types.ts';

export const ALL_DTYPES: readonly Dtype[] = ['bf16', 'fp16', 'fp8', 'int8', 'int4', 'fp4', 'nvfp4', 'int2'];

/** Elements per shared fp8 scale in NVFP4. */
export const NVFP4_BLOCK_SIZE = 16;

const PAYLOAD_BYTES: Record<Dtype, number> = {
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  int4: 0.5,
  fp4: 0.5,
  nvfp4: 0.5,
  int2: 0.25,
};

/** Bytes of block scales per element already included in `bytesPerElement` (1/16 for fp4/nvfp4, else 0). */
export function scaleOverheadBytesPerElement(d: Dtype): number {
  return d === 'fp4' || d === 'nvfp4' ? 1 / NVFP4_BLOCK_SIZE : 0;
}

/** Effective storage bytes per element, block scales included (fp4/nvfp4 = 0.5625). */
export function bytesPerElement(d: Dtype): number {
  return PAYLOAD_BYTES[d] + scaleOverheadBytesPerElement(d);
}

/** Dtypes that have a tensor-core rate in `GpuSpec.denseTflops`. */
export type MathDtype = 'bf16' | 'fp16' | 'fp8' | 'int8' | 'fp4';

const is4BitFloat = (d: Dtype): boolean => d === 'fp4' || d === 'nvfp4';

/**
 * The math precision a (weights, activations) pair asks for, before checking the hardware:
 * - low-precision math only when BOTH operands are in it: fp8 x fp8 -> fp8, fp4/nvfp4 x fp4/nvfp4
 *   -> fp4, int8 x int8 -> int8;
 * - otherwise weight-only quantization: weights are dequantized and the GEMM runs at the 16-bit
 *   precision of the activations (fp16 if activations are fp16, else bf16). Mixed low-precision
 *   pairs (e.g. int4 weights x fp8 activations, W4A8) are conservatively modelled as bf16 math.
 */
export function requestedMathDtype(weights: Dtype, activations: Dtype): MathDtype {
  if (weights === 'fp8' && activations === 'fp8') return 'fp8';
  if (is4BitFloat(weights) && is4BitFloat(activations)) return 'fp4';
  if (weights === 'int8' && activations === 'int8') return 'int8';
  if (activations === 'fp16') return 'fp16';
  if (activations === 'bf16') return 'bf16';
  // Activations are themselves low precision but the pair does not match: dequantize to 16 bit,
  // keeping fp16 if the weights are fp16.
  return weights === 'fp16' ? 'fp16' : 'bf16';
}

/** Next wider precision when the GPU lacks one: fp4 -> fp8 -> bf16; int8 -> bf16. */
const WIDER: Record<MathDtype, MathDtype | null> = {
  fp4: 'fp8',
  fp8: 'bf16',
  int8: 'bf16',
  fp16: 'bf16',
  bf16: null,
};

const rate = (gpu: GpuSpec, d: MathDtype): number | null => {
  const v = gpu.denseTflops[d];
  // A non-positive or non-finite figure (e.g. a bad override) counts as "not supported".
  return v !== null && Number.isFinite(v) && v > 0 ? v : null;
};

export interface PeakTflops {
  /** Dense peak of the math actually used, TFLOPS (TOPS for int8). */
  tflops: number;
  /** The precision the GEMMs run in on this GPU, after any fallback. */
  mathDtype: Dtype;
  /** What the dtype pair asked for; differs from `mathDtype` when the GPU lacked it. */
  requested: MathDtype;
  fellBack: boolean;
}

/**
 * Dense tensor-core peak for GEMMs with these weight and activation precisions on this GPU.
 * See `requestedMathDtype` for the pairing rule; if the GPU has no rate for it (null), falls back
 * to the next wider supported precision (fp4 -> fp8 -> bf16, int8 -> bf16) and says so via
 * `mathDtype` / `fellBack`.
 */
export function peakTflopsFor(gpu: GpuSpec, weights: Dtype, activations: Dtype): PeakTflops {
  const requested = requestedMathDtype(weights, activations);
  let d: MathDtype | null = requested;
  while (d !== null) {
    const v = rate(gpu, d);
    if (v !== null) return { tflops: v, mathDtype: d, requested, fellBack: d !== requested };
    d = WIDER[d];
  }
  // bf16 itself missing or invalid: only possible with a broken override. Fail loudly rather
  // than return a zero that would turn into an infinite latency downstream.
  throw new Error(`GPU ${gpu.id} has no usable bf16 rate (denseTflops.bf16 = ${String(gpu.denseTflops.bf16)})`);
}
