/**
 * Achieved-efficiency profiles for GPUs without measured kernel tables (issue 12 part 3): instead of the constants
 * calibrated on NVIDIA parts (cost/calibration.ts), the roofline runs at the shares of peak that public
 * microbenchmarks of these GPUs reach. Every figure cites data/reference/ENGINE-FACTS.md (§8 AMD Instinct).
 */
export interface AchievedEfficiency {
  /** Large-GEMM share of dense tensor-core peak per math dtype. */
  gemmPeakFraction: { bf16: number; fp8: number; fp4: number };
  /** Share of datasheet HBM bandwidth a memory-bound (small-M) GEMM / streaming kernel sustains. */
  hbmFraction: number;
  /** Kernel-time floor of a tiny GEMM, µs (the shortest kernel the tuned tables record). */
  kernelFloorUs: number;
  /** Where the figures come from (shown in the result's basis). */
  source: string;
}

/** CDNA3 (gfx942, 304 CUs): MI300X and MI325X share the chip, so the same tuned-kernel shares apply. */
const CDNA3: AchievedEfficiency = {
  gemmPeakFraction: {
    // MI300X BF16 MAMF 781.9 of 1300 TFLOPS = 0.60 (ENGINE-FACTS §8.2, [MAMF], ROCm 6.2).
    bf16: 0.6,
    // FP8 block-scale, M > 8192 median 814 of 2615 TFLOPS = 0.31 (ENGINE-FACTS §8.2, [AITER-CFG], 23k shapes).
    fp8: 0.31,
    // No fp4 tensor cores on CDNA3: fp4 weights run fp8 math (hardware/dtype.ts), so the fp8 share applies.
    fp4: 0.31,
  },
  // Decode-like M ≤ 16 GEMMs: max effective bandwidth 3.6 of 5.3 TB/s = 0.68 (ENGINE-FACTS §8.2, [AITER-CFG]).
  hbmFraction: 0.68,
  // Kernel-time floor ≈ 4.2 µs (ENGINE-FACTS §8.2, [AITER-CFG]).
  kernelFloorUs: 4.2,
  source: 'achieved efficiencies from aiter tuned GEMM tables and MAMF (ENGINE-FACTS §8.2)',
};

/** CDNA4 (gfx950, 256 CUs): MI355X. */
const CDNA4: AchievedEfficiency = {
  gemmPeakFraction: {
    // BF16, M > 8192 median 1431 of 2500 TFLOPS = 0.57 (ENGINE-FACTS §8.2, [AITER-CFG]).
    bf16: 0.57,
    // FP8 per-token, M > 8192 median 2413 of 5000 TFLOPS = 0.48 (ENGINE-FACTS §8.2, [AITER-CFG]).
    fp8: 0.48,
    // MXFP4 a4w4 block-scale, M > 8192 median 4587 of 10000 TFLOPS = 0.46 (ENGINE-FACTS §8.2, [AITER-CFG]).
    fp4: 0.46,
  },
  // Decode-like M ≤ 16: max effective bandwidth 6.0–6.8 of 8 TB/s = 75–85 % (ENGINE-FACTS §8.2); the middle, 0.80.
  hbmFraction: 0.8,
  // Kernel-time floor ≈ 4–5 µs (ENGINE-FACTS §8.2, [AITER-CFG]); the middle, 4.5 µs.
  kernelFloorUs: 4.5,
  source: 'achieved efficiencies from aiter tuned GEMM tables (ENGINE-FACTS §8.2)',
};

const BY_GPU: Readonly<Record<string, AchievedEfficiency>> = { mi300x: CDNA3, mi325x: CDNA3, mi355x: CDNA4 };

/** The achieved-efficiency profile of a catalog GPU id, or undefined (NVIDIA calibration applies). */
export function achievedEfficiencyFor(gpuId: string): AchievedEfficiency | undefined {
  return BY_GPU[gpuId];
}
