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

/**
 * Metrics that may be absent from a result. A metric is absent exactly when it has no value, and
 * `metrics.absent[field]` then says why:
 * - ttftMs, e2eMs: the plan does not fit (nothing is served), it is overloaded (the queue grows
 *   without bound, so waits are unbounded), or no simulated request finished (the run was cut off);
 * - tpotMs: as above, or every request generates one token (TPOT averages the gaps between output
 *   tokens, (E2E − TTFT)/(output − 1) as vLLM's benchmark defines it, and there is none; the closed
 *   form and the simulator agree on this);
 * - energyJPerOutputToken, costUsdPerMOutputTokens: no output token is produced (the plan does not
 *   fit, or no simulated request produced a token).
 */
export const OPTIONAL_METRICS = [
  'ttftMs',
  'tpotMs',
  'e2eMs',
  'energyJPerOutputToken',
  'costUsdPerMOutputTokens',
] as const;
export type OptionalMetric = (typeof OPTIONAL_METRICS)[number];
export type AbsentReasons = Partial<Record<OptionalMetric, string>>;

/**
 * Every number present is finite (JSON never prints `null` for a metric). The latency and
 * per-token metrics listed in OPTIONAL_METRICS (metrics.ts) are absent when they have no value —
 * the plan does not fit, it is overloaded, every request generates one token (TPOT), or a
 * simulation finished no request — and `absent` then gives the reason per field.
 */
export interface Metrics {
  outputTokPerSec: number;
  outputTokPerSecPerGpu: number;
  totalTokPerSec: number;
  requestsPerSec: number;
  ttftMs?: Stats;
  tpotMs?: Stats;
  e2eMs?: Stats;
  goodputReqPerSec: number;
  sloAttainment: number;
  energyJPerOutputToken?: number;
  costUsdPerMOutputTokens?: number;
  concurrency: number;
  busyFraction: number;
  overloaded: boolean;
  /** Why each absent optional metric has no value; omitted when none is absent. */
  absent?: AbsentReasons;
}

const finiteStats = (s: Stats) =>
  Number.isFinite(s.mean) && Number.isFinite(s.p50) && Number.isFinite(s.p90) && Number.isFinite(s.p99);

/**
 * `metrics` with every optional metric that is not finite (NaN, ±Infinity, a Stats with such a
 * member) removed, and its reason recorded in `absent` (`reasons[field]`, else `fallback`). Reasons
 * already in `metrics.absent` are kept; `absent` is omitted when nothing is absent.
 */
export function dropNonFinite(metrics: Metrics, reasons: AbsentReasons, fallback: string): Metrics {
  const out: Metrics = { ...metrics };
  const absent: AbsentReasons = { ...metrics.absent };
  for (const k of OPTIONAL_METRICS) {
    const v = out[k] as Stats | number | undefined;
    const ok = v === undefined ? false : typeof v === 'number' ? Number.isFinite(v) : finiteStats(v);
    if (ok) continue;
    delete out[k];
    absent[k] ??= reasons[k] ?? fallback;
  }
  if (Object.keys(absent).length > 0) out.absent = absent;
  else delete out.absent;
  return out;
}
