/**
 * `runtime.engine.calibration`: scale factors fitted to the user's own benchmark (issue 15). Each factor
 * multiplies the time of one class of work in the cost model (core/cost/iteration.ts through ./scale.ts):
 * 1.2 = that work runs 20 % slower on the user's stack than the profile says (its efficiency is 1/1.2 of
 * the profile's). Bounded so a hostile link cannot make a step free or endless; versioned (`v`).
 */
import { z } from 'zod';
import { intField, numField } from '../scenario/fields.ts';

export const CALIBRATION_VERSION = 1;

/** The fitted classes of work, in the order the fit and the UI list them. */
export const FACTOR_NAMES = ['gemm', 'attention', 'moe', 'host', 'collective'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

export const FACTOR_LABELS: Record<FactorName, string> = {
  gemm: 'GEMM time (dense linear layers)',
  attention: 'attention time (prefill + decode kernels)',
  moe: 'MoE layer time (router + grouped expert GEMMs)',
  host: 'per-step host overhead + launch gaps',
  collective: 'collective latency (all-reduce, all-gather, all-to-all, send/recv)',
};

/** Every factor lies in [1/4, 4]: past that the benchmark describes another stack, not a slower one. */
export const FACTOR_MIN = 0.25;
export const FACTOR_MAX = 4;

/** Metrics the bench files measure and the fit scores. */
export const CAL_METRICS = ['ttftMs', 'tpotMs', 'outputTokPerSec'] as const;
export type CalMetric = (typeof CAL_METRICS)[number];

const factor = (name: FactorName) => numField(`runtime.engine.calibration.factors.${name}`, FACTOR_MIN, FACTOR_MAX);
const residual = (m: CalMetric) => numField(`runtime.engine.calibration.residualPct.${m}`, 0, 1000);

export const calibrationSchema = z
  .object({
    v: z.literal(CALIBRATION_VERSION, {
      error: `runtime.engine.calibration.v must be ${CALIBRATION_VERSION} (re-import the benchmark to refit)`,
    }),
    /** Benchmark points the fit used. */
    points: intField('runtime.engine.calibration.points', 1, 10_000),
    factors: z
      .object({
        gemm: factor('gemm'),
        attention: factor('attention'),
        moe: factor('moe'),
        host: factor('host'),
        collective: factor('collective'),
      })
      .partial()
      .strict(),
    /** Median absolute % error left on the user's own points after the fit, per metric (narrows the bands). */
    residualPct: z
      .object({ ttftMs: residual('ttftMs'), tpotMs: residual('tpotMs'), outputTokPerSec: residual('outputTokPerSec') })
      .partial()
      .strict()
      .optional(),
    /** What was imported, e.g. "vllm-bench-serve ×12". */
    source: z
      .string({ error: 'runtime.engine.calibration.source must be a string' })
      .max(120, { error: 'runtime.engine.calibration.source must be at most 120 characters' })
      .optional(),
  })
  .strict();

export type Calibration = z.infer<typeof calibrationSchema>;
export type CalibrationFactors = Calibration['factors'];
