/**
 * Serving metrics shared by the steady-state estimator and the simulator: energy, cost, SLO goodput.
 */
import type { GpuSpec } from '../hardware/types.ts';
import { CALIBRATION } from '../cost/calibration.ts';

export interface Stats {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export const constantStats = (v: number): Stats => ({ mean: v, p50: v, p90: v, p99: v });

/** Board power per GPU: idle plus the busy share of (busy power − idle). */
export function gpuPowerW(gpu: GpuSpec, busyFraction: number): number {
  const busyW = gpu.tdpW * CALIBRATION.busyPowerFractionOfTdp;
  return gpu.idleW + Math.max(0, busyW - gpu.idleW) * Math.min(1, Math.max(0, busyFraction));
}

/** Joules per output token for `gpus` GPUs producing `outputTokPerSec`. */
export function energyJPerOutputToken(
  gpu: GpuSpec,
  gpus: number,
  busyFraction: number,
  outputTokPerSec: number,
): number {
  if (outputTokPerSec <= 0) return Infinity;
  return (gpus * gpuPowerW(gpu, busyFraction)) / outputTokPerSec;
}

/** USD per million output tokens at the GPU's hourly price. */
export function costUsdPerMOutputTokens(gpu: GpuSpec, gpus: number, outputTokPerSec: number): number {
  if (outputTokPerSec <= 0) return Infinity;
  return ((gpus * gpu.priceUsdPerHour) / 3600 / outputTokPerSec) * 1e6;
}
