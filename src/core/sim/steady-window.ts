/**
 * The steady window: the span of time over which simulated rates (throughput, goodput, requests/s)
 * are measured, so that they mean what the closed form's rates mean (issue 14, item 2).
 *
 * The closed form (cost/queueing.ts) reports the rate a plan serves in steady state: the offered
 * rate when it keeps up, its capacity when it does not. A finite simulated run also has a drain —
 * after the last arrival the queue empties and no new work comes — and dividing by the makespan
 * (first arrival → last completion) counts that drain as serving time: 2,000 requests offered at
 * 60 req/s then "serve" 50.8 req/s although the run is stable. So:
 *   - open loop, stable and complete: the window is the arrival span stretched by one mean gap,
 *     span · n/(n − 1). n requests over it give exactly the offered rate (n − 1)/span that
 *     stability.ts and the trace view (evaluate/workload-view.ts) report, and a request that
 *     finishes counts as served at the rate it was offered;
 *   - open loop and overloaded: the plan is busy from the first arrival to the last completion, so
 *     the makespan is its serving time and finished/makespan is its capacity (the closed form's
 *     overloaded rate);
 *   - closed loop / offline, or a run cut off by the simulator's budget: the makespan (there is no
 *     offered rate to match; a cut-off run served only what it reached).
 */

export interface SteadyWindowInput {
  /** Open-loop arrivals (poisson, gamma, trace timing) — closed loop and offline have no offered rate. */
  openLoop: boolean;
  /** The stability verdict (sim/stability.ts). */
  overloaded: boolean;
  /** True when the simulator stopped before every request finished or was rejected. */
  truncated: boolean;
  /** Measured requests (warm-up excluded) and their first / last arrival, seconds. */
  requests: number;
  firstArrivalS: number;
  lastArrivalS: number;
  /** First measured arrival → last measured completion, seconds. */
  makespanS: number;
}

export type SteadyWindowBasis = 'arrival-span' | 'makespan';

export interface SteadyWindow {
  /** Seconds the rates are measured over (0 when nothing finished). */
  seconds: number;
  basis: SteadyWindowBasis;
}

/** The arrival span stretched by one mean inter-arrival gap: span · n/(n − 1) (n ≥ 2, span > 0). */
export function arrivalWindowS(requests: number, firstArrivalS: number, lastArrivalS: number): number {
  const span = lastArrivalS - firstArrivalS;
  if (!(requests >= 2) || !(span > 0)) return 0;
  return (span * requests) / (requests - 1);
}

/** The window the simulator's rates are measured over (see the module comment for the rule). */
export function steadyWindow(x: SteadyWindowInput): SteadyWindow {
  const arrival = arrivalWindowS(x.requests, x.firstArrivalS, x.lastArrivalS);
  if (x.openLoop && !x.overloaded && !x.truncated && arrival > 0) return { seconds: arrival, basis: 'arrival-span' };
  return { seconds: Math.max(0, x.makespanS), basis: 'makespan' };
}
