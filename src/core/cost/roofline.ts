/**
 * Roofline timing of one kernel: time = max(FLOPs / achievable compute, bytes / achievable bandwidth)
 * (Williams, Waterman & Patterson, "Roofline", CACM 2009), plus its launch gap.
 */
import { CALIBRATION } from './calibration.ts';

export type OpKind =
  | 'gemm'
  | 'attention'
  | 'moe'
  | 'collective'
  | 'p2p'
  | 'elementwise'
  | 'embedding'
  | 'sampling'
  | 'overhead'
  | 'kv-transfer';

export type Bound = 'compute' | 'memory' | 'network' | 'latency' | 'overhead';

export interface OpCost {
  name: string;
  kind: OpKind;
  /** FLOPs and bytes moved per GPU for one execution of the op. */
  flops: number;
  bytes: number;
  timeS: number;
  computeS: number;
  memoryS: number;
  bound: Bound;
  /** Human-readable shape, e.g. "M=256 K=8192 N=1280". */
  shape: string;
  /** Times the op runs per iteration on this GPU (e.g. number of layers in the stage). */
  count: number;
  /** Pipeline stage the op belongs to (0 when pp = 1). */
  stage: number;
}

/** Efficiency of a GEMM with M rows (tokens): saturating ramp towards the large-GEMM fraction. */
export function gemmEfficiency(m: number, peakFraction: number): number {
  return (peakFraction * m) / (m + CALIBRATION.gemmHalfM);
}

export interface RooflineTime {
  timeS: number;
  computeS: number;
  memoryS: number;
  bound: Bound;
}

/**
 * max(compute, memory) for one kernel at the given achievable rates (FLOP/s, B/s), written into `out`
 * (a caller's scratch: the simulator costs thousands of ops per plan).
 */
export function rooflineInto(
  out: RooflineTime,
  flops: number,
  bytes: number,
  flopsPerS: number,
  bytesPerS: number,
): RooflineTime {
  const computeS = flopsPerS > 0 ? flops / flopsPerS : 0;
  const memoryS = bytesPerS > 0 ? bytes / bytesPerS : 0;
  out.timeS = computeS >= memoryS ? computeS : memoryS;
  out.computeS = computeS;
  out.memoryS = memoryS;
  out.bound = computeS >= memoryS ? 'compute' : 'memory';
  return out;
}
