/**
 * Randomised (seeded, reproducible) scenarios over every scheduler knob: the simulator never throws
 * for a valid plan, never stalls, accounts for every request, and its merged decode runs agree with
 * step-by-step simulation.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../cost/deployment.ts';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { parseScenario } from '../scenario/validate.ts';

function lcg(seed: number) {
  let x = seed >>> 0;
  const next = (n: number) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
  return <T>(a: readonly T[]): T => a[next(a.length)]!;
}

describe('randomised scenarios', () => {
  it('finish or reject every request, and merged runs equal step-by-step runs', () => {
    const pick = lcg(2024);
    let simulated = 0;
    for (let trial = 0; trial < 1500 && simulated < 120; trial++) {
      const model = pick([
        'llama-3.1-8b',
        'qwen3-30b-a3b',
        'gemma-2-27b',
        'deepseek-v2-lite',
        'mixtral-8x7b',
        'gpt-oss-20b',
      ]);
      const plan = pick([true, false, false, false])
        ? {
            prefill: { instances: pick([1, 2]), tp: pick([1, 2]), pp: pick([1, 2]) },
            decode: { instances: pick([1, 2]), tp: pick([1, 2]), attentionDp: pick([1, 2]), ep: pick([1, 2]) },
          }
        : {
            tp: pick([1, 2, 4]),
            pp: pick([1, 1, 2, 4]),
            attentionDp: pick([1, 1, 2]),
            ep: pick([1, 2]),
            dp: pick([1, 2]),
          };
      const input = {
        version: 1,
        model,
        cluster: { gpu: pick(['h100-sxm', 'l40s', 'a100-80gb']), nodes: 2, gpusPerNode: 8 },
        plan,
        precision: pick([{}, { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' }]),
        runtime: {
          maxNumSeqs: pick([4, 32, 256]),
          maxBatchedTokens: pick([64, 512, 8192]),
          chunkedPrefill: pick([true, true, false]),
          gpuMemoryUtilization: pick([0.3, 0.5, 0.9]),
          kvBlockSize: pick([1, 16, 64]),
          prefixCaching: pick([true, false]),
          schedulerPolicy: pick(['decode-first', 'prefill-first']),
          preemption: pick(['recompute', 'swap']),
          router: pick(['round-robin', 'least-outstanding', 'prefix-affinity']),
          kvWatermark: pick([0, 0.01, 0.1]),
        },
        workload: {
          requests: pick([1, 10, 60]),
          input: pick([
            { kind: 'fixed', tokens: 1 },
            { kind: 'lognormal', median: 500, sigma: 1.2 },
            { kind: 'uniform', min: 1, max: 20000 },
          ]),
          output: pick([
            { kind: 'fixed', tokens: 1 },
            { kind: 'uniform', min: 1, max: 400 },
          ]),
          arrival: pick([
            { kind: 'offline' },
            { kind: 'poisson', ratePerSec: pick([0.5, 5, 50]) },
            { kind: 'gamma', ratePerSec: 20, cv: 3 },
            { kind: 'concurrency', users: pick([1, 8, 64]) },
          ]),
          prefix: pick([{}, { sharedPrefixTokens: 300 }, { hitRate: 0.4 }]),
          seed: pick([1, 2, 3, 4, 5]),
        },
      };
      const p = parseScenario(input);
      if (!p.ok) continue;
      let a;
      try {
        a = evaluateSimulated(p.scenario, { timeline: true });
      } catch (e) {
        if (e instanceof ScenarioError) continue; // shapes the model cannot take
        throw e;
      }
      if (!a.memory.fits) continue;
      simulated++;
      const s = a.simulation;
      expect(s.truncated, JSON.stringify(input)).toBeNull();
      expect(s.finished + s.rejected).toBe(s.requests);
      const b = evaluateSimulated(p.scenario, { timeline: true, disableLeaps: true });
      const ea = s.timeline!.requests.endS;
      const eb = b.simulation.timeline!.requests.endS;
      for (let i = 0; i < ea.length; i++) {
        if (Number.isNaN(eb[i]!)) expect(ea[i]).toBeNaN();
        else expect(Math.abs(ea[i]! - eb[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, eb[i]!));
      }
    }
    expect(simulated).toBeGreaterThanOrEqual(100);
  });
});
