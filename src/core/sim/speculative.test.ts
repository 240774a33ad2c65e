import { describe, expect, it } from 'vitest';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { parseScenario } from '../scenario/validate.ts';
import { acceptedTokensForUniform, expectedAcceptedTokens } from '../spec/acceptance.ts';

function run(speculative?: Record<string, unknown>, users = 16, model = 'llama-3.1-8b') {
  const r = parseScenario({
    version: 1,
    model,
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    plan: { tp: 1 },
    runtime: speculative ? { speculative } : {},
    workload: { inputTokens: 512, outputTokens: 256, requests: 120, arrival: { kind: 'concurrency', users } },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return evaluateSimulated(r.scenario);
}

describe('accepted-token draw', () => {
  it('is the inverse CDF of the chain acceptance distribution', () => {
    // a = 0.5, k = 3: n > j iff u < 0.5^j → u ≥ 0.5: 1; [0.25, 0.5): 2; [0.125, 0.25): 3; below: 4.
    expect(acceptedTokensForUniform(0.5, 3, 0.7)).toBe(1);
    expect(acceptedTokensForUniform(0.5, 3, 0.3)).toBe(2);
    expect(acceptedTokensForUniform(0.5, 3, 0.2)).toBe(3);
    expect(acceptedTokensForUniform(0.5, 3, 0.01)).toBe(4);
    expect(acceptedTokensForUniform(0, 5, 0)).toBe(1);
    expect(acceptedTokensForUniform(1, 5, 0.999)).toBe(6);
    // Mean over an even grid of u → E(a, k).
    let sum = 0;
    const N = 100_000;
    for (let i = 0; i < N; i++) sum += acceptedTokensForUniform(0.8, 3, (i + 0.5) / N);
    expect(sum / N).toBeCloseTo(expectedAcceptedTokens(0.8, 3), 3);
  });
});

describe('simulator with speculative decoding', () => {
  const off = run();
  const on = run({ method: 'eagle3', draftTokens: 3 });

  it('emits every output token, deterministically', () => {
    expect(on.simulation.finished).toBe(120);
    expect(on.simulation.decodeTokens).toBe(off.simulation.decodeTokens);
    const again = run({ method: 'eagle3', draftTokens: 3 });
    expect(again.metrics).toEqual(on.metrics);
  });

  it('decode steps emit E(a, k) tokens per sequence on average (EAGLE-3 default a = 0.8, k = 3: 2.952)', () => {
    // Every decode step of a sequence: (output − 1) tokens over the steps it took.
    const stepsOff = off.simulation.iterations;
    const stepsOn = on.simulation.iterations;
    expect(stepsOn).toBeLessThan(stepsOff / 2);
    // ITL is per step; TPOT per token: their ratio is the mean tokens per step, near E = 2.952.
    const perStep = on.simulation.itlMs!.mean / on.metrics.tpotMs!.mean;
    expect(perStep).toBeGreaterThan(2.6);
    expect(perStep).toBeLessThan(3.2);
  });

  it('faster per user at E ≈ 2.95, and never helps at acceptance 0', () => {
    expect(on.metrics.tpotMs!.mean).toBeLessThan(off.metrics.tpotMs!.mean / 1.5);
    expect(on.metrics.outputTokPerSec).toBeGreaterThan(off.metrics.outputTokPerSec);
    for (const method of ['eagle', 'ngram'] as const) {
      const zero = run({ method, draftTokens: 4, acceptanceRate: 0 });
      expect(zero.metrics.tpotMs!.mean, method).toBeGreaterThanOrEqual(off.metrics.tpotMs!.mean);
      expect(zero.metrics.outputTokPerSec, method).toBeLessThanOrEqual(off.metrics.outputTokPerSec);
    }
  });
});
