/**
 * How far to trust a number: the expected error of each headline metric for its basis, from the public
 * fidelity sets' residuals (error-bands.json, written by `bench/fidelity.ts --write-bands`). The band is the
 * median absolute % error of the most specific group with at least MIN_ROWS rows: metric | basis (measured
 * kernels or roofline) | engine | GPU family, falling back to coarser keys. A calibrated scenario narrows
 * it with its own residuals (runtime.engine.calibration.residualPct), never below BAND_FLOOR_PCT.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { Scenario } from '../scenario/schema.ts';
import BANDS from './error-bands.json';
import type { CalMetric } from './schema.ts';

export interface BandStat {
  medianPct: number;
  p90Pct: number;
  n: number;
}
export interface BandsFile {
  note: string;
  bands: Record<string, BandStat>;
}

export type BasisKind = 'measured' | 'roofline';

/** "measured kernels · H200 · SGLang 0.5.9" → measured; anything else (roofline …) → roofline. */
export function basisKindOf(basis: string | undefined): BasisKind {
  return basis?.startsWith('measured') ? 'measured' : 'roofline';
}

export function bandKey(metric: CalMetric, basis?: BasisKind, engine?: string, gpu?: string): string {
  return [metric, basis, engine, gpu].filter((x) => x !== undefined).join('|');
}

/** Groups with fewer public rows than this fall back to the coarser key. */
export const MIN_ROWS = 3;
/** No band is narrower than this: measurement noise of a benchmark run itself (aiconfigurator: ±5 %). */
export const BAND_FLOOR_PCT = 2;
/** With nothing to go on (no public row at all for the metric). */
export const UNKNOWN_BAND_PCT = 50;

const FILE = BANDS as BandsFile;

export interface Band {
  /** Expected absolute error, % of the number. */
  pct: number;
  /** Where it comes from: the public-set group, or the user's own points. */
  source: string;
}

/** The public-set band of `metric` for a result on `basis` / `engine` / `gpu`. */
export function publicBand(metric: CalMetric, basis: BasisKind, engine: string, gpu: string): Band {
  for (const k of [
    bandKey(metric, basis, engine, gpu),
    bandKey(metric, basis, engine),
    bandKey(metric, basis),
    bandKey(metric),
  ]) {
    const b = FILE.bands[k];
    if (b && b.n >= MIN_ROWS)
      return { pct: Math.max(BAND_FLOOR_PCT, b.medianPct), source: `public fidelity rows ${k} (n=${b.n})` };
  }
  return { pct: UNKNOWN_BAND_PCT, source: 'no public rows' };
}

/** The headline numbers and the fitted metric whose band each one carries. */
export const BANDED_METRICS = {
  ttftMs: 'ttftMs',
  tpotMs: 'tpotMs',
  e2eMs: 'tpotMs',
  outputTokPerSec: 'outputTokPerSec',
  outputTokPerSecPerGpu: 'outputTokPerSec',
  totalTokPerSec: 'outputTokPerSec',
  requestsPerSec: 'outputTokPerSec',
  goodputReqPerSec: 'outputTokPerSec',
  energyJPerOutputToken: 'outputTokPerSec',
  costUsdPerMOutputTokens: 'outputTokPerSec',
} as const satisfies Record<string, CalMetric>;
export type BandedMetric = keyof typeof BANDED_METRICS;

/**
 * The band of `metric` for a calibrated scenario: its own residual on the fitted points, inflated for
 * few points (× (1 + 1/√n)), and no wider than the public band it replaces.
 */
function calibratedBand(pub: Band, residualPct: number | undefined, points: number): Band {
  if (residualPct === undefined) return pub;
  const own = Math.max(BAND_FLOOR_PCT, residualPct * (1 + 1 / Math.sqrt(points)));
  return own < pub.pct ? { pct: own, source: `your ${points} benchmark points` } : pub;
}

/** Expected error of every headline number of `r` (rounded to 0.1 %). */
export function bandsOf(
  r: Pick<EvaluationResult, 'basis' | 'gpu'>,
  s: Pick<Scenario, 'runtime'>,
): Record<BandedMetric, Band> {
  const basis = basisKindOf(r.basis);
  const engine = s.runtime.engine?.name ?? 'vllm';
  const cal = s.runtime.engine?.calibration;
  const out = {} as Record<BandedMetric, Band>;
  for (const [k, m] of Object.entries(BANDED_METRICS) as [BandedMetric, CalMetric][]) {
    const b = calibratedBand(publicBand(m, basis, engine, r.gpu.id), cal?.residualPct?.[m], cal?.points ?? 1);
    out[k] = { pct: Math.round(b.pct * 10) / 10, source: b.source };
  }
  return out;
}

/** "± 12 %" */
export function formatBand(b: Band): string {
  return `± ${b.pct < 10 ? b.pct.toFixed(1) : Math.round(b.pct)} %`;
}

/** Every headline number's band as display text ("± 12 %") with where it comes from, for tables and tooltips. */
export function bandTextsOf(
  r: Pick<EvaluationResult, 'basis' | 'gpu'>,
  s: Pick<Scenario, 'runtime'>,
): Record<BandedMetric, { text: string; title: string }> {
  const bands = bandsOf(r, s);
  const out = {} as Record<BandedMetric, { text: string; title: string }>;
  for (const k of Object.keys(bands) as BandedMetric[])
    out[k] = { text: formatBand(bands[k]), title: `Expected error ${formatBand(bands[k])}: ${bands[k].source}` };
  return out;
}

/**
 * A result with the band next to each headline number, as the CLI's JSON prints it:
 * `metrics.tpotMs` is followed by `metrics.tpotMsBandPct`; `errorBands` says where each band comes from.
 */
export function withBandFields<R extends Pick<EvaluationResult, 'basis' | 'gpu' | 'metrics'>>(
  r: R,
  s: Pick<Scenario, 'runtime'>,
): R & { errorBands: Record<BandedMetric, Band> } {
  const bands = bandsOf(r, s);
  const metrics: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.metrics)) {
    metrics[k] = v;
    if (k in bands && v !== undefined) metrics[`${k}BandPct`] = bands[k as BandedMetric].pct;
  }
  return { ...r, metrics: metrics as unknown as R['metrics'], errorBands: bands };
}

/** The headline metric each search objective ranks on (core/search/objectives.ts). */
const OBJECTIVE_METRIC: Record<string, BandedMetric> = {
  'throughput-per-gpu': 'outputTokPerSecPerGpu',
  goodput: 'goodputReqPerSec',
  'ttft-p50': 'ttftMs',
  'ttft-p99': 'ttftMs',
  'tpot-p50': 'tpotMs',
  'tpot-p99': 'tpotMs',
  cost: 'costUsdPerMOutputTokens',
  energy: 'energyJPerOutputToken',
};

/** Expected error (%) of a search objective's value for result `r` (whiskers on the Pareto chart). */
export function objectiveBandPct(
  objective: string,
  r: Pick<EvaluationResult, 'basis' | 'gpu'>,
  s: Pick<Scenario, 'runtime'>,
): number | undefined {
  const m = OBJECTIVE_METRIC[objective];
  return m ? bandsOf(r, s)[m].pct : undefined;
}
