/**
 * Calibrate a scenario on the user's own benchmark files (issue 15): parse, refuse runs that contradict
 * the scenario, fit, split-check. Never throws; bad files and refusals come back as one line each.
 */
import type { Scenario } from '../scenario/schema.ts';
import { fitCalibration, splitCheck, withFactors, type FitPoint, type FitResult, type SplitCheck } from './fit.ts';
import { contradiction, pointScenario } from './match.ts';
import { MAX_BENCH_POINTS, parseBenchmark } from './parse/index.ts';
import type { BenchPoint } from './types.ts';

export { parseBenchmark, detectBenchFormat } from './parse/index.ts';
export { fitCalibration, splitCheck, predict } from './fit.ts';
export type { BenchPoint, BenchFormat } from './types.ts';
export { calibrationSchema, FACTOR_NAMES, FACTOR_LABELS, type Calibration } from './schema.ts';

export interface BenchFile {
  name: string;
  text: string;
}

export type CalibrationOutcome =
  | {
      ok: true;
      fit: FitResult;
      split: SplitCheck | null;
      /** Runs refused because they contradict the scenario, each with the reason. */
      refused: string[];
      warnings: string[];
      /** The scenario with runtime.engine.calibration set. */
      scenario: Scenario;
    }
  | { ok: false; message: string; refused: string[] };

/** Runs of `points` that describe `s`, as fit points; the rest refused with the reason. */
export function matchPoints(s: Scenario, points: readonly BenchPoint[]): { accepted: FitPoint[]; refused: string[] } {
  const accepted: FitPoint[] = [];
  const refused: string[] = [];
  for (const p of points) {
    const why = contradiction(p, s);
    if (why) refused.push(why);
    else accepted.push({ where: p.where, scenario: pointScenario(s, p), measured: p.measured });
  }
  return { accepted, refused };
}

/** Parse `files`, match them to `s` and fit; the outcome carries the calibrated scenario. */
export function calibrateScenario(s: Scenario, files: readonly BenchFile[]): CalibrationOutcome {
  const points: BenchPoint[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const r = parseBenchmark(f.text, f.name);
    if (!r.ok) return { ok: false, message: r.message, refused: [] };
    points.push(...r.points);
    warnings.push(...r.warnings);
  }
  if (points.length > MAX_BENCH_POINTS)
    return { ok: false, message: `${points.length} runs; calibrate on at most ${MAX_BENCH_POINTS}`, refused: [] };
  const { accepted, refused } = matchPoints(s, points);
  if (accepted.length === 0)
    return {
      ok: false,
      message: refused.length
        ? `every run contradicts the scenario: ${refused[0]}`
        : 'no benchmark runs to calibrate on',
      refused,
    };
  const formats = [...new Set(points.map((p) => p.format))].join('+');
  const fit = fitCalibration(accepted, `${formats} ×${accepted.length}`);
  const scenario = withFactors(s, fit.calibration.factors, accepted.length);
  scenario.runtime.engine!.calibration = fit.calibration;
  return { ok: true, fit, split: splitCheck(accepted), refused, warnings, scenario };
}

/** "calibrated on 12 of your points" (the chip), or null without a calibration. */
export function calibrationChip(s: Pick<Scenario, 'runtime'>): string | null {
  const c = s.runtime.engine?.calibration;
  if (!c) return null;
  return `calibrated on ${c.points} of your point${c.points === 1 ? '' : 's'}`;
}
