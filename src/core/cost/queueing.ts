/**
 * Queueing formulas shared by the colocated estimator (cost/estimator.ts) and the closed-form P/D
 * estimator (evaluate/disagg.ts): one home for the prefill-queue wait and for the damped fixed
 * point both solve for their steady concurrency.
 */

/** Utilisation is capped here so the wait stays finite; a plan at or above 1 is reported as overloaded elsewhere. */
export const MAX_UTILISATION = 0.999;

/**
 * Mean wait in a G/G/1 queue, Kingman's approximation (Kingman 1961, "The single server queue in
 * heavy traffic"): W ≈ ((c_a² + c_s²) / 2) · (ρ / (1 − ρ)) · E[S]. With Poisson arrivals (c_a² = 1)
 * and deterministic service (c_s² = 0) it is the exact M/D/1 Pollaczek–Khinchine wait.
 */
export function kingmanWaitS(arrivalCv2: number, serviceCv2: number, utilisation: number, serviceS: number): number {
  const rho = Math.min(MAX_UTILISATION, Math.max(0, utilisation));
  return ((arrivalCv2 + serviceCv2) / 2) * (rho / (1 - rho)) * serviceS;
}

export interface FixedPointOptions {
  /** Hard cap on passes: the loop always ends (after it, the last iterate is returned). */
  maxIterations: number;
  /** Stop when |next − x| is below relTolerance · max(x, 1). */
  relTolerance: number;
}

/** The one setting both estimators use: converges in < 10 passes on monotone E2E(C); 40 is the cap. */
export const STEADY_FIXED_POINT: FixedPointOptions = { maxIterations: 40, relTolerance: 1e-3 };

/**
 * x = g(x) by damped iteration x ← (x + g(x)) / 2, from x0. Terminates: at most maxIterations passes.
 * Damping keeps the iteration from oscillating when g is steep (concurrency ↔ step time).
 */
export function dampedFixedPoint(g: (x: number) => number, x0: number, opts = STEADY_FIXED_POINT): number {
  let x = x0;
  for (let i = 0; i < opts.maxIterations; i++) {
    const next = g(x);
    if (Math.abs(next - x) <= opts.relTolerance * Math.max(x, 1)) return next;
    x = 0.5 * x + 0.5 * next;
  }
  return x;
}
