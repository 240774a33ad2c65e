/**
 * Stability verdict for open-loop arrivals: when requests arrive faster than the plan serves them,
 * the waiting queue grows for as long as the run lasts and every latency measured depends on the
 * run's length, not on the plan. Two symptoms must both be present:
 *   1. the waiting queue (arrived, prefill not started) trends upward across the arrivals: the
 *      least-squares slope of queue length against arrival time, times the arrival span, exceeds
 *      max(8 requests, 10 % of the requests);
 *   2. the last quarter's mean TTFT (by arrival order) is at least twice the first quarter's.
 * Closed-loop and offline workloads cannot outgrow their queue (it is bounded by the users or the
 * request count), so they are never "overloaded".
 */
export interface Stability {
  overloaded: boolean;
  /** One sentence for the UI/CLI. */
  reason: string;
  /** Requests per second offered (arrival span), null for offline/closed loop. */
  offeredReqPerSec: number | null;
  /** Requests finished per second of wall-clock makespan. */
  servedReqPerSec: number;
  /**
   * Least-squares growth of the waiting queue over the time its samples cover (the arrival span, or
   * less when the run was cut off), requests; negative when the queue drains over the run.
   */
  queueGrowth: number;
  /** Mean TTFT of the first / last quarter of the requests (arrival order); absent when none of them finished. */
  ttftFirstQuarterS?: number;
  ttftLastQuarterS?: number;
}

/** Least-squares slope of y over x. */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    num += dx * (y[i]! - my);
    den += dx * dx;
  }
  return den > 0 ? num / den : 0;
}

export interface StabilityInput {
  openLoop: boolean;
  /** Per request, in arrival order; NaN for requests that did not finish. */
  arrivalS: Float64Array;
  ttftS: Float64Array;
  queueT: Float64Array;
  queueLen: Float64Array;
  finished: number;
  makespanS: number;
}

function meanFinite(a: Float64Array, from: number, to: number): number {
  let s = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = a[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

export function stabilityVerdict(x: StabilityInput): Stability {
  const n = x.arrivalS.length;
  const served = x.makespanS > 0 ? x.finished / x.makespanS : 0;
  const q = Math.max(1, Math.floor(n / 4));
  const first = meanFinite(x.ttftS, 0, q);
  const last = meanFinite(x.ttftS, n - q, n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = x.arrivalS[i]!;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  const span = hi > lo ? hi - lo : 0;
  const offered = x.openLoop && span > 0 ? (n - 1) / span : null;
  // The queue is sampled at each arrival the run reached: a cut-off run covers less than the span.
  const sampled = x.queueT.length > 1 ? x.queueT[x.queueT.length - 1]! - x.queueT[0]! : 0;
  const growth = span > 0 ? slope(x.queueT, x.queueLen) * Math.min(span, sampled) : 0;
  const base: Omit<Stability, 'overloaded' | 'reason'> = {
    offeredReqPerSec: offered,
    servedReqPerSec: served,
    queueGrowth: growth,
    ...(Number.isFinite(first) ? { ttftFirstQuarterS: first } : {}),
    ...(Number.isFinite(last) ? { ttftLastQuarterS: last } : {}),
  };
  if (!x.openLoop || n < 8 || x.finished < 8) {
    return {
      ...base,
      overloaded: false,
      reason: x.openLoop
        ? 'Too few requests for a stability verdict.'
        : 'Closed-loop/offline workload: the queue is bounded by the users or the request count.',
    };
  }
  const growing = growth >= Math.max(8, 0.1 * n);
  const ttftRises = Number.isFinite(first) && Number.isFinite(last) && last >= 2 * first;
  const overloaded = growing && ttftRises;
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
  const reason = overloaded
    ? `Overloaded: arrivals (${fmt(offered ?? 0)} req/s) outpace service (${fmt(served)} req/s served); the waiting queue grew by ~${Math.round(growth)} requests over the run and mean TTFT rose from ${fmt(first)} s (first quarter) to ${fmt(last)} s (last quarter), so latencies depend on the run length.`
    : `Stable: the waiting queue does not trend upward (growth ${Math.round(growth)} requests over the run; TTFT ${fmt(first)} s first quarter vs ${fmt(last)} s last quarter).`;
  return { ...base, overloaded, reason };
}
