/**
 * The closed-form estimator needs mean lengths and an arrival process. A scenario whose workload
 * carries a trace (`workload.trace = { format, data }`, read by the simulator) is summarised for it:
 * mean input/output tokens, the request count, and Poisson arrivals at the trace's mean rate (Gamma
 * with the trace's inter-arrival cv when it is clearly not Poisson; the scenario's own arrivals when
 * trace.timing = 'scenario'). Length distributions (workload.input/output) become their means. The
 * simulator still replays the trace itself; only the first pass sees this summary.
 */
import { resolveModel, ScenarioError } from '../cost/deployment.ts';
import { clampedMean, limitDist } from '../workload/clamp.ts';
import type { Scenario, Workload } from '../scenario/schema.ts';
import { parseTraceOnce, type TraceFormat } from '../workload/traces.ts';
import { MAX_TOKENS, type LengthDist, type RequestSpec } from '../workload/types.ts';

export interface TraceRef {
  format: string;
  data: string;
  /** 'trace': replay its timestamps; 'scenario': its lengths with the scenario's arrival process. */
  timing: 'trace' | 'scenario';
}

/** The workload's trace with inline data (the CLI inlines `path`); throws when only a path is given. */
export function traceOf(w: Workload): TraceRef | null {
  const t = (w as { trace?: unknown }).trace;
  if (t === null || typeof t !== 'object') return null;
  const { format, data, path, timing } = t as { format?: unknown; data?: unknown; path?: unknown; timing?: unknown };
  if (typeof format !== 'string') return null;
  if (typeof data !== 'string') {
    if (typeof path === 'string')
      throw new ScenarioError(
        'workload.trace.path',
        `"${path}" must be read and inlined as workload.trace.data before searching (the CLI does this)`,
      );
    return null;
  }
  return { format, data, timing: timing === 'scenario' ? 'scenario' : 'trace' };
}

/**
 * Mean of a length distribution (the estimator's fixed length): the exact mean of what the sampler
 * draws, clamped to its bounds and MAX_TOKENS (workload/clamp.ts), optionally to a context window too.
 */
export function distMean(d: LengthDist, contextTokens = MAX_TOKENS): number {
  return clampedMean(limitDist(d, contextTokens));
}

/** The model's context window, or MAX_TOKENS when the model does not resolve (resolving reports that). */
function contextOf(s: Scenario): number {
  try {
    return resolveModel(s.model).maxContextTokens;
  } catch {
    return MAX_TOKENS;
  }
}

/** Coefficient of variation of inter-arrival gaps (1 for Poisson); null with fewer than 3 arrivals. */
export function arrivalCv(reqs: readonly RequestSpec[]): number | null {
  if (reqs.length < 3) return null;
  const gaps: number[] = [];
  for (let i = 1; i < reqs.length; i++) gaps.push(Math.max(0, reqs[i]!.arrivalS - reqs[i - 1]!.arrivalS));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean <= 0) return null;
  const v = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
  return Math.sqrt(v) / mean;
}

/** Fixed-length, rate-based stand-in for a request list (what the estimator can consume). */
export function workloadFromRequests(reqs: readonly RequestSpec[], base: Workload): Workload {
  const n = reqs.length;
  let inSum = 0;
  let outSum = 0;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const r of reqs) {
    inSum += r.inputTokens;
    outSum += r.outputTokens;
    t0 = Math.min(t0, r.arrivalS);
    t1 = Math.max(t1, r.arrivalS);
  }
  const span = n > 1 ? t1 - t0 : 0;
  const inputTokens = Math.max(1, Math.round(inSum / Math.max(n, 1)));
  const outputTokens = Math.max(1, Math.round(outSum / Math.max(n, 1)));
  let arrival: Workload['arrival'] = { kind: 'offline' };
  if (span > 0) {
    // n arrivals over `span` seconds: n − 1 gaps, so the rate is (n − 1)/span.
    const ratePerSec = Math.min(1e5, Math.max(1e-6, (n - 1) / span));
    const cv = arrivalCv(reqs);
    arrival =
      cv !== null && Math.abs(cv - 1) > 0.1
        ? { kind: 'gamma', ratePerSec, cv: Math.min(20, Math.max(0.01, cv)) }
        : { kind: 'poisson', ratePerSec };
  }
  return { ...base, inputTokens, outputTokens, requests: Math.max(1, n), arrival };
}

const cache = new WeakMap<Workload, Workload>();

/** The workload the estimator sees: the scenario's own, or its trace's summary. */
export function estimatorWorkload(s: Scenario): Workload {
  const w = s.workload;
  const hit = cache.get(w);
  if (hit) return hit;
  const trace = traceOf(w);
  let view: Workload = w;
  if (trace) {
    const parsed = parseTraceOnce(trace.format as TraceFormat, trace.data);
    if (!parsed.ok) throw new ScenarioError('workload.trace', parsed.message);
    view = workloadFromRequests(parsed.requests, w);
    if (trace.timing === 'scenario') view = { ...view, arrival: w.arrival };
  } else if (w.input || w.output) {
    const ctx = contextOf(s);
    const mean = (d: LengthDist | undefined, fixed: number) => (d ? Math.max(1, Math.round(distMean(d, ctx))) : fixed);
    view = { ...w, inputTokens: mean(w.input, w.inputTokens), outputTokens: mean(w.output, w.outputTokens) };
  }
  cache.set(w, view);
  return view;
}

/** The scenario as the closed-form estimator should see it. */
export function steadyView(s: Scenario): Scenario {
  const w = estimatorWorkload(s);
  return w === s.workload ? s : { ...s, workload: w };
}
