/**
 * `--calibrate <files>` for `parakv evaluate` and `parakv search`: read the benchmark results
 * (comma-separated paths; the flag may repeat), fit runtime.engine.calibration to them (core/calibrate)
 * and hand back the calibrated scenario. Refused runs and the before/after errors go to stderr.
 */
import { calibrateScenario, type BenchFile } from '../core/calibrate/index.ts';
import { MAX_BENCH_BYTES } from '../core/calibrate/parse/index.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { describeReadError } from './input.ts';
import { UsageError, type CliIo } from './io.ts';
import type { FileLimit } from './read-file.ts';

export const BENCH_FILE_LIMIT: FileLimit = {
  what: 'a benchmark result',
  maxBytes: MAX_BENCH_BYTES,
  hint: 'save the result without per-request details (drop --save-detailed)',
};

/** Every `--calibrate` value in `args`, split on commas. */
export function calibrateFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--calibrate' || a.startsWith('--calibrate=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined || v === '' || v.startsWith('--')) throw new UsageError('--calibrate needs benchmark files');
      out.push(...v.split(',').filter((p) => p !== ''));
    }
  }
  return out;
}

/** `args` without the --calibrate flags and their values (for the commands' own argument parsers). */
export function withoutCalibrateFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--calibrate') i++;
    else if (!args[i]!.startsWith('--calibrate=')) out.push(args[i]!);
  }
  return out;
}

const pct = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)}%`);

/** The scenario calibrated on the benchmark files at `paths`; a UsageError naming the problem. */
export function calibrateFromFiles(s: Scenario, paths: readonly string[], io: CliIo): Scenario {
  const files: BenchFile[] = paths.map((p) => {
    try {
      return { name: p, text: io.readFile(p, BENCH_FILE_LIMIT) };
    } catch (e) {
      throw new UsageError(`--calibrate: cannot read ${p}: ${describeReadError(e)}`);
    }
  });
  const r = calibrateScenario(s, files);
  for (const why of r.refused) io.stderr(`parakv: --calibrate: refused ${why}\n`);
  if (!r.ok) throw new UsageError(`--calibrate: ${r.message}`);
  for (const w of r.warnings) io.stderr(`parakv: --calibrate: ${w}\n`);
  const f = r.fit;
  const factors = f.fitted.map((n) => `${n} ×${f.factors[n].toFixed(3)}`).join(', ') || 'none movable';
  const metrics = (['ttftMs', 'tpotMs', 'outputTokPerSec'] as const)
    .filter((m) => f.beforePct[m] !== undefined)
    .map((m) => `${m} ${pct(f.beforePct[m])} → ${pct(f.afterPct[m])}`)
    .join(', ');
  const split = r.split
    ? `; split check (fit ${r.split.fitOn}, score ${r.split.scoredOn}): tpotMs ${pct(r.split.beforePct.tpotMs)} → ${pct(r.split.afterPct.tpotMs)}`
    : '';
  if (f.leftOut.length)
    io.stderr(
      `parakv: --calibrate: left out of the fit (beyond 4× the metric's expected error): ${f.leftOut.join(', ')}\n`,
    );
  io.stderr(
    `parakv: calibrated on ${f.calibration.points} of your points: ${factors}; median error ${metrics}${split}\n`,
  );
  return r.scenario;
}
