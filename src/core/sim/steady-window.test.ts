import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arrivalWindowS, steadyWindow } from './steady-window.ts';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { parseScenario } from '../scenario/validate.ts';

const stable = {
  openLoop: true,
  overloaded: false,
  truncated: false,
  requests: 2000,
  firstArrivalS: 0,
  lastArrivalS: 1999 / 60,
  makespanS: 1999 / 60 + 6,
};

describe('steady window', () => {
  it('a stable open-loop run is measured over its arrival span: n requests give the offered rate', () => {
    const w = steadyWindow(stable);
    expect(w.basis).toBe('arrival-span');
    // 2,000 requests offered at 60 req/s (1,999 gaps of 1/60 s) serve 60 req/s, not 2000/39.3 = 50.8.
    expect(2000 / w.seconds).toBeCloseTo(60, 9);
  });

  it('an overloaded, cut-off, closed-loop or single-request run is measured over its makespan', () => {
    for (const x of [
      { ...stable, overloaded: true },
      { ...stable, truncated: true },
      { ...stable, openLoop: false },
      { ...stable, requests: 1 },
    ]) {
      expect(steadyWindow(x)).toEqual({ seconds: stable.makespanS, basis: 'makespan' });
    }
  });

  it('property: n evenly spaced arrivals at rate r always give r back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100_000 }), fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (n, r) => {
        const seconds = arrivalWindowS(n, 5, 5 + (n - 1) / r);
        expect(n / seconds).toBeCloseTo(r, 6);
      }),
    );
  });

  it('the simulator reports the offered rate for a stable run, like the closed form', () => {
    const parsed = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
      plan: { tp: 1 },
      workload: { inputTokens: 512, outputTokens: 64, requests: 400, arrival: { kind: 'poisson', ratePerSec: 4 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const r = evaluateSimulated(parsed.scenario);
    expect(r.metrics.overloaded).toBe(false);
    expect(r.simulation?.steadyWindowBasis).toBe('arrival-span');
    // Poisson at 4 req/s: the served rate is the realised offered rate, (n − 1)/span · n/(n − 1) = n/window.
    const offered = r.simulation!.stability.offeredReqPerSec!;
    expect(r.metrics.requestsPerSec).toBeCloseTo((offered * 400) / 399, 1);
    expect(r.metrics.requestsPerSec).toBeGreaterThan(r.simulation!.finished / r.simulation!.makespanS);
  });
});
