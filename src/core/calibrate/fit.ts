/**
 * Fit the calibration factors to benchmark points: robust (Huber) least squares by iteratively
 * reweighted least squares (Huber 1964; Holland & Welsch 1977), deterministic, bounded.
 *
 * Model. A factor multiplies the time of one class of work (./schema.ts), so each latency the cost model
 * predicts is, to first order, affine in the factors, and each throughput's reciprocal (time per token)
 * is too: m_j(f) ≈ a_j + Σ_k b_jk·f_k. The design (a, b) comes from the engine itself, 1 + K evaluations
 * per point (K = factors the deployment exercises: a dense model has no MoE layer, TP 1 no collective),
 * linearised around the current estimate; a second round re-linearises at the estimate when the
 * verifying evaluation disagrees with the affine model (queueing makes TTFT mildly non-linear).
 *
 * Objective. Relative residuals e_j = (m_j(f) − y_j)/y_j (throughputs: y_j·m_j(f) − 1 on time per token),
 * standardised by the metric's public error band σ_m (bands.ts): z_j = e_j/σ_m; Σ ρ_δ(z_j) + λ·Σ (f_k − 1)², ρ_δ Huber's loss with δ = 1.345 (known unit scale), λ a weak pull to
 * the profile (PRIOR_WEIGHT per observation) so a factor the points cannot see stays at 1. Bounds [FACTOR_MIN,
 * FACTOR_MAX] by an active set: a factor that leaves them is pinned to the bound and the rest refit.
 */
import { evaluateFast } from '../evaluate/fast.ts';
import { publicBand } from './bands.ts';
import type { Scenario } from '../scenario/schema.ts';
import {
  CAL_METRICS,
  CALIBRATION_VERSION,
  FACTOR_MAX,
  FACTOR_MIN,
  FACTOR_NAMES,
  type CalMetric,
  type Calibration,
  type CalibrationFactors,
  type FactorName,
} from './schema.ts';

export interface FitPoint {
  where: string;
  /** The deployment under this run's load (match.ts pointScenario). */
  scenario: Scenario;
  measured: Partial<Record<CalMetric, number>>;
}

export type Factors = Record<FactorName, number>;
export type Prediction = Partial<Record<CalMetric, number>>;

export const UNIT_FACTORS: Factors = { gemm: 1, attention: 1, moe: 1, host: 1, collective: 1 };

/**
 * Calibrated runtimes, one object per (base runtime, factors, points): every point of a fit shares the
 * deployment, so sharing the runtime object lets the engine's per-runtime memos hit across points.
 */
const runtimeMemo = new WeakMap<object, Map<string, Scenario['runtime']>>();

/** The scenario with `f` as its calibration (existing calibration replaced). */
export function withFactors(s: Scenario, f: CalibrationFactors, points = 1): Scenario {
  const key = `${points}|${FACTOR_NAMES.map((n) => f[n] ?? '').join('|')}`;
  let byKey = runtimeMemo.get(s.runtime);
  let runtime = byKey?.get(key);
  if (!runtime) {
    const engine = { ...(s.runtime.engine ?? { name: 'vllm' as const }) };
    runtime = { ...s.runtime, engine: { ...engine, calibration: { v: CALIBRATION_VERSION, points, factors: f } } };
    if (!byKey) runtimeMemo.set(s.runtime, (byKey = new Map()));
    if (byKey.size < 256) byKey.set(key, runtime);
  }
  return { ...s, runtime };
}

/** The engine's prediction of the metrics a point measured. */
export function predict(s: Scenario, f: CalibrationFactors | null): Prediction {
  const r = evaluateFast(f ? withFactors(s, f) : withoutCalibration(s));
  const m = r.metrics;
  const out: Prediction = {};
  if (m.ttftMs && Number.isFinite(m.ttftMs.mean)) out.ttftMs = m.ttftMs.mean;
  if (m.tpotMs && Number.isFinite(m.tpotMs.mean)) out.tpotMs = m.tpotMs.mean;
  if (Number.isFinite(m.outputTokPerSec) && m.outputTokPerSec > 0) out.outputTokPerSec = m.outputTokPerSec;
  return out;
}

function withoutCalibration(s: Scenario): Scenario {
  if (!s.runtime.engine?.calibration) return s;
  const { calibration: _c, ...engine } = s.runtime.engine;
  void _c;
  return { ...s, runtime: { ...s.runtime, engine } };
}

/** Throughputs enter the fit as time per token (affine in the factors); latencies as they are. */
const isRate = (m: CalMetric) => m === 'outputTokPerSec';
const toTime = (m: CalMetric, v: number) => (isRate(m) ? 1 / v : v);

interface Obs {
  point: number;
  metric: CalMetric;
  /** Measured value on the time scale (ms, or s per token for throughputs). */
  y: number;
  a: number;
  b: number[];
  /**
   * Expected relative error of the metric before any fit (its public band, bands.ts): residuals are
   * standardised by it, so a metric the model misses structurally (closed-loop TTFT, ±30 %) pulls the
   * factors less than one it predicts closely (TPOT, ±9 %).
   */
  sigma?: number;
}

/**
 * Weight of the pull toward the profile per observation. Small: on exact data it must not bias a factor the
 * points do determine (a 5 % recovery needs it well under the residual scale), yet it keeps the normal
 * equations regular when a factor is nearly invisible.
 */
const PRIOR_WEIGHT = 1e-7;

/** Huber's tuning constant for unit-scale residuals (Huber 1964: 95 % efficiency at the normal). */
const HUBER_DELTA = 1.345;

/** Solve the k×k system M·x = v (Gaussian elimination with partial pivoting); null if singular. */
function solve(M: number[][], v: number[]): number[] | null {
  const n = v.length;
  const A = M.map((row, i) => [...row, v[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    if (Math.abs(A[p]![c]!) < 1e-300) return null;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = c + 1; r < n; r++) {
      const q = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= n; k++) A[r]![k]! -= q * A[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= A[r]![k]! * x[k]!;
    x[r] = s / A[r]![r]!;
  }
  return x;
}

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/** Standardised relative residual of observation o at factors x (over the fitted factor list). */
function residual(o: Obs, x: number[]): number {
  let m = o.a;
  for (let k = 0; k < x.length; k++) m += o.b[k]! * x[k]!;
  return (m - o.y) / o.y / (o.sigma ?? 1);
}

/**
 * Huber IRLS over the affine design with bounds; returns the fitted factors (same order as `o.b`).
 * `start` is the linearisation point, so the weak prior pulls toward 1, not toward the start.
 */
export function huberIrls(obs: readonly Obs[], k: number, maxIter = 50, mask?: readonly boolean[]): number[] {
  let x = new Array<number>(k).fill(1);
  const pinned = new Array<number | null>(k).fill(null);
  const lambda = PRIOR_WEIGHT * obs.length;
  for (let pass = 0; pass <= k; pass++) {
    for (let it = 0; it < maxIter; it++) {
      const e = obs.map((o) => residual(o, x));
      // Residuals are already in units of their expected error (σ_m), so the scale is known: Huber's
      // δ = 1.345 (95 % efficiency under normal errors). Past it an observation's pull stops growing.
      const delta = HUBER_DELTA;
      const w = e.map((r, j) => (mask && !mask[j] ? 0 : Math.abs(r) <= delta ? 1 : delta / Math.abs(r)));
      // Normal equations of Σ w_j ((a_j + b_j·x − y_j)/y_j)² + λ Σ (x − 1)² over the free factors.
      const free = [...Array(k).keys()].filter((i) => pinned[i] === null);
      const M = free.map(() => new Array<number>(free.length).fill(0));
      const v = new Array<number>(free.length).fill(0);
      obs.forEach((o, j) => {
        let rhs = o.y - o.a;
        for (let i = 0; i < k; i++) if (pinned[i] !== null) rhs -= o.b[i]! * pinned[i]!;
        const s = w[j]! / (o.y * o.y * (o.sigma ?? 1) ** 2);
        free.forEach((fi, p) => {
          v[p]! += s * o.b[fi]! * rhs;
          free.forEach((fq, q) => (M[p]![q]! += s * o.b[fi]! * o.b[fq]!));
        });
      });
      free.forEach((_, p) => {
        M[p]![p]! += lambda;
        v[p]! += lambda;
      });
      const sol = solve(M, v);
      if (!sol) break;
      const next = x.map((xi, i) => pinned[i] ?? xi);
      free.forEach((fi, p) => (next[fi] = sol[p]!));
      const moved = next.reduce((a, xi, i) => Math.max(a, Math.abs(xi - x[i]!)), 0);
      x = next;
      if (moved < 1e-7) break;
    }
    const out = x.findIndex((xi, i) => pinned[i] === null && (xi < FACTOR_MIN || xi > FACTOR_MAX));
    if (out < 0) break;
    pinned[out] = x[out]! < FACTOR_MIN ? FACTOR_MIN : FACTOR_MAX;
    x[out] = pinned[out];
  }
  return x.map((xi) => Math.min(FACTOR_MAX, Math.max(FACTOR_MIN, xi)));
}

/**
 * Standardised residual past which an observation is left out after the first fit: 4 times the metric's
 * typical public error means the run shows something the factors cannot express (a queueing regime the
 * model misses, a mis-labelled run), and Huber's bounded pull would still drag every factor toward it.
 */
export const REJECT_Z = 4;

/** Huber fit, then one refit without the observations still beyond REJECT_Z (their indices returned). */
export function robustFit(obs: readonly Obs[], k: number): { x: number[]; rejected: number[] } {
  const x0 = huberIrls(obs, k);
  const rejected = obs.map((o, j) => (Math.abs(residual(o, x0)) > REJECT_Z ? j : -1)).filter((j) => j >= 0);
  if (rejected.length === 0 || rejected.length === obs.length) return { x: x0, rejected: [] };
  const mask = obs.map((_, j) => !rejected.includes(j));
  return { x: huberIrls(obs, k, 50, mask), rejected };
}

export interface PointScore {
  where: string;
  metric: CalMetric;
  measured: number;
  before: number;
  after: number;
}

export interface FitResult {
  /** Every factor; the unfitted ones are 1. */
  factors: Factors;
  /** Factors the points could move (the deployment exercises that class of work). */
  fitted: FactorName[];
  /** Too few points to fit them apart: one common scale moved them all (MIN_POINTS_PER_FACTOR). */
  tied: boolean;
  /** Observations left out of the fit (beyond REJECT_Z of their metric's expected error), "where metric". */
  leftOut: string[];
  rounds: number;
  /** Per point and metric: measured, predicted before and after the fit. */
  rows: PointScore[];
  /** Median absolute % error per metric, before and after. */
  beforePct: Partial<Record<CalMetric, number>>;
  afterPct: Partial<Record<CalMetric, number>>;
  /** The calibration to put in runtime.engine.calibration. */
  calibration: Calibration;
}

const pctErr = (p: number, y: number) => (100 * Math.abs(p - y)) / y;

/** Median absolute % error per metric of rows' `before` or `after`. */
export function medianErrors(
  rows: readonly PointScore[],
  which: 'before' | 'after',
): Partial<Record<CalMetric, number>> {
  const out: Partial<Record<CalMetric, number>> = {};
  for (const m of CAL_METRICS) {
    const e = rows.filter((r) => r.metric === m).map((r) => pctErr(r[which], r.measured));
    if (e.length) out[m] = median(e);
  }
  return out;
}

/** Nonzero factors as a calibration `factors` object (only the fitted ones). */
function factorsObject(names: readonly FactorName[], x: readonly number[]): CalibrationFactors {
  const f: CalibrationFactors = {};
  names.forEach((n, i) => (f[n] = Math.round(x[i]! * 1e4) / 1e4));
  return f;
}

const STEP = 2;

/** The metric's pooled public band as a fraction (bands.ts), the residual scale of its observations. */
function publicSigma(m: CalMetric): number {
  return publicBand(m, 'measured', '', '').pct / 100;
}

/** Linearise every point's metrics around factors `c` (over `names`): the affine design. */
function design(points: readonly FitPoint[], names: readonly FactorName[], c: Factors, base: Prediction[]): Obs[] {
  const obs: Obs[] = [];
  const slopes = points.map((p) =>
    names.map((n) => {
      const f = { ...c, [n]: c[n] * STEP };
      return predict(p.scenario, f);
    }),
  );
  points.forEach((p, i) => {
    for (const m of CAL_METRICS) {
      const y = p.measured[m];
      const m0 = base[i]![m];
      if (y === undefined || !(y > 0) || m0 === undefined) continue;
      const b: number[] = [];
      let ok = true;
      names.forEach((n, k) => {
        const mk = slopes[i]![k]![m];
        if (mk === undefined) ok = false;
        else b.push((toTime(m, mk) - toTime(m, m0)) / (c[n] * (STEP - 1)));
      });
      if (!ok) continue;
      const a = toTime(m, m0) - names.reduce((s, n, k) => s + b[k]! * c[n], 0);
      obs.push({ point: i, metric: m, y: toTime(m, y), a, b, sigma: publicSigma(m) });
    }
  });
  return obs;
}

/** Factors the deployment exercises: moving them moves some prediction (checked at the profile). */
function exercised(points: readonly FitPoint[], base: Prediction[]): FactorName[] {
  // Probe the first, middle and last points: a factor hidden at one load (host time behind an overlapped
  // step) may show at another.
  const probes = [...new Set([0, points.length >> 1, points.length - 1])].filter((i) => i >= 0 && i < points.length);
  return FACTOR_NAMES.filter((n) =>
    probes.some((i) => {
      const p = predict(points[i]!.scenario, { ...UNIT_FACTORS, [n]: STEP });
      return CAL_METRICS.some((m) => {
        const a = base[i]![m];
        const b = p[m];
        return a !== undefined && b !== undefined && Math.abs(b - a) > 1e-6 * Math.abs(a);
      });
    }),
  );
}

/**
 * Points per separately fitted factor. With fewer, the exercised factors are tied into one common time
 * scale: two runs cannot tell GEMM from attention from host time, and fitting them apart would chase noise
 * to the bounds.
 */
export const MIN_POINTS_PER_FACTOR = 3;

/** Fit the factors to `points` (each already matched to the scenario, see match.ts). */
export function fitCalibration(points: readonly FitPoint[], source?: string): FitResult {
  const before = points.map((p) => predict(p.scenario, null));
  const names = exercised(points, before);
  const tied = names.length > 1 && points.length < MIN_POINTS_PER_FACTOR * names.length;
  let c: Factors = { ...UNIT_FACTORS };
  let base = before;
  let after = before;
  let rounds = 0;
  let left: string[] = [];
  for (; rounds < 2 && names.length > 0;) {
    rounds++;
    const full = design(points, names, c, base);
    if (full.length === 0) break;
    // Tied: one parameter moves every factor together (its design column is the sum of theirs).
    const obs = tied ? full.map((o) => ({ ...o, b: [o.b.reduce((x, y) => x + y, 0)] })) : full;
    const fitted = robustFit(obs, tied ? 1 : names.length);
    const x = fitted.x;
    left = fitted.rejected.map((j) => `${points[obs[j]!.point]!.where} ${obs[j]!.metric}`);
    const next = { ...UNIT_FACTORS };
    names.forEach((n, i) => (next[n] = tied ? x[0]! : x[i]!));
    c = next;
    after = points.map((p) => predict(p.scenario, c));
    // Re-linearise only when the affine model missed the verified predictions by more than 0.5 %.
    const worst = full.reduce((w, o) => {
      const v = after[o.point]![o.metric];
      if (v === undefined) return w;
      const lin = o.a + names.reduce((s, n, k) => s + o.b[k]! * c[n], 0);
      return Math.max(w, Math.abs(toTime(o.metric, v) - lin) / lin);
    }, 0);
    if (worst <= 0.005) break;
    base = after;
  }
  const rows: PointScore[] = [];
  points.forEach((p, i) => {
    for (const m of CAL_METRICS) {
      const y = p.measured[m];
      const b = before[i]![m];
      const a = after[i]![m];
      if (y !== undefined && y > 0 && b !== undefined && a !== undefined)
        rows.push({ where: p.where, metric: m, measured: y, before: b, after: a });
    }
  });
  const afterPct = medianErrors(rows, 'after');
  const residualPct: Partial<Record<CalMetric, number>> = {};
  for (const m of CAL_METRICS)
    if (afterPct[m] !== undefined) residualPct[m] = Math.min(1000, Math.round(afterPct[m] * 100) / 100);
  const calibration: Calibration = {
    v: CALIBRATION_VERSION,
    points: Math.max(1, Math.min(10_000, points.length)),
    factors: factorsObject(
      names,
      names.map((n) => c[n]),
    ),
    residualPct,
    ...(source ? { source: source.slice(0, 120) } : {}),
  };
  return {
    factors: c,
    fitted: names,
    tied,
    leftOut: left,
    rounds,
    rows,
    beforePct: medianErrors(rows, 'before'),
    afterPct,
    calibration,
  };
}

export interface SplitCheck {
  /** Points fitted (even positions) and scored (odd positions). */
  fitOn: number;
  scoredOn: number;
  /** Median absolute % error per metric on the held-out half: the profile, and the half-fit. */
  beforePct: Partial<Record<CalMetric, number>>;
  afterPct: Partial<Record<CalMetric, number>>;
}

/** Fit on half of the points, score the other half: over-fitting shows as held-out error above in-sample. */
export function splitCheck(points: readonly FitPoint[]): SplitCheck | null {
  if (points.length < 4) return null;
  const fitOn = points.filter((_, i) => i % 2 === 0);
  const held = points.filter((_, i) => i % 2 === 1);
  const f = fitCalibration(fitOn).factors;
  const rows: PointScore[] = [];
  for (const p of held) {
    const b = predict(p.scenario, null);
    const a = predict(p.scenario, f);
    for (const m of CAL_METRICS) {
      const y = p.measured[m];
      if (y !== undefined && y > 0 && b[m] !== undefined && a[m] !== undefined)
        rows.push({ where: p.where, metric: m, measured: y, before: b[m], after: a[m] });
    }
  }
  return {
    fitOn: fitOn.length,
    scoredOn: held.length,
    beforePct: medianErrors(rows, 'before'),
    afterPct: medianErrors(rows, 'after'),
  };
}
