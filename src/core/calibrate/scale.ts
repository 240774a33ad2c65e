/**
 * The one hook through which a calibration reaches the cost model: the time multiplier of an op kind
 * (core/cost/iteration.ts `record`) and of the per-step overhead. Absent factors are 1.
 */
import type { OpKind } from '../cost/roofline.ts';
import type { CalibrationFactors, FactorName } from './schema.ts';

/** Which fitted factor scales an op of this kind (null: not calibrated, e.g. elementwise passes). */
export function factorOfKind(kind: OpKind): FactorName | null {
  switch (kind) {
    case 'gemm':
      return 'gemm';
    case 'attention':
      return 'attention';
    case 'moe':
      return 'moe';
    case 'collective':
    case 'p2p':
      return 'collective';
    case 'overhead':
      return 'host';
    default:
      return null;
  }
}

/** Time multiplier of one op of `kind` under `f` (1 without a calibration). */
export function opTimeScale(f: CalibrationFactors | undefined, kind: OpKind): number {
  if (!f) return 1;
  const name = factorOfKind(kind);
  return name ? (f[name] ?? 1) : 1;
}
