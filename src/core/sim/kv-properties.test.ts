/**
 * Randomised (seeded, reproducible) scenarios under KV strategies: the simulator never stalls, accounts
 * for every request, keeps its tiers within capacity and conserving, and its merged decode runs (where
 * the strategy allows them) agree with step-by-step simulation.
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

describe('randomised scenarios under KV strategies', () => {
  it('finish or reject every request; tiers bounded and conserving; merged runs equal step-by-step runs', () => {
    const pick = lcg(606);
    let simulated = 0;
    for (let trial = 0; trial < 400 && simulated < 40; trial++) {
      const kvStrategy: Record<string, unknown> = {};
      const q = pick([null, 'fp8', 'int4', 'kivi2', 'bf16']);
      if (q) kvStrategy.quant = { dtype: q };
      const ev = pick([
        null,
        null,
        { policy: 'h2o', budgetFraction: 0.3 },
        { policy: 'sink-window', recentTokens: 512 },
        { policy: 'topk-pages', budgetTokens: 256 },
        { policy: 'per-head', fullHeadsFraction: 0.2, recentTokens: 256 },
      ]);
      if (ev) kvStrategy.evict = ev;
      const off = pick([
        null,
        { hostGB: 0.5, ssdGB: 1 },
        { hostGB: 8 },
        { hostGB: 2, multiTurnReuse: { ttlS: 60, hitRate: 0.5 } },
      ]);
      if (off) kvStrategy.offload = off;
      const sh = pick([null, null, { prefixTokens: 200 }]);
      if (sh) kvStrategy.share = sh;
      const pg = pick([null, null, { blockSize: 32 }, { scheme: 'vattention', pageKiB: 64 }]);
      if (pg) kvStrategy.paging = pg;
      const input = {
        version: 1,
        model: pick(['llama-3.1-8b', 'gemma-2-27b', 'deepseek-v2-lite', 'qwen3-30b-a3b']),
        cluster: { gpu: pick(['h100-sxm', 'a100-80gb']), nodes: 1, gpusPerNode: 4 },
        plan: pick([{ tp: 1 }, { tp: 2 }, { tp: 1, pp: 2 }, { tp: 1, dp: 2 }]),
        runtime: {
          maxNumSeqs: pick([8, 64, 256]),
          maxBatchedTokens: pick([512, 8192]),
          gpuMemoryUtilization: pick([0.5, 0.9]),
          preemption: pick(['recompute', 'swap']),
          schedulerPolicy: pick(['decode-first', 'prefill-first']),
          kvStrategy,
        },
        workload: {
          requests: pick([10, 50]),
          input: pick([
            { kind: 'uniform', min: 1, max: 30_000 },
            { kind: 'lognormal', median: 2000, sigma: 1 },
          ]),
          output: pick([
            { kind: 'fixed', tokens: 1 },
            { kind: 'uniform', min: 1, max: 300 },
          ]),
          arrival: pick([{ kind: 'offline' }, { kind: 'poisson', ratePerSec: 20 }, { kind: 'concurrency', users: 16 }]),
          seed: pick([1, 2, 3]),
        },
      };
      const p = parseScenario(input);
      if (!p.ok) continue;
      let a;
      try {
        a = evaluateSimulated(p.scenario, { timeline: true });
      } catch (e) {
        if (e instanceof ScenarioError) continue;
        throw e;
      }
      if (!a.memory.fits) continue;
      simulated++;
      const s = a.simulation;
      const where = JSON.stringify(input);
      expect(s.truncated, where).toBeNull();
      expect(s.finished + s.rejected, where).toBe(s.requests);
      const t = s.kvTiers;
      if (t) {
        for (const [k, series] of [
          ['host', t.hostGB],
          ['ssd', t.ssdGB],
        ] as const) {
          for (const v of series.max)
            expect(v, `${k} ${where}`).toBeLessThanOrEqual((t.capacityGB[k] ?? Infinity) * (1 + 1e-6) + 1e-6);
          for (const v of series.mean) expect(v, `${k} ${where}`).toBeGreaterThanOrEqual(-1e-6);
        }
        expect(t.movedGB.h2d, where).toBeCloseTo(t.movedGB.d2h, 2);
        expect(t.movedGB.fromSsd, where).toBeCloseTo(t.movedGB.toSsd, 2);
        for (const v of t.hbmGB.max) expect(v, where).toBeLessThanOrEqual(t.capacityGB.hbm * (1 + 1e-3));
      }
      const b = evaluateSimulated(p.scenario, { timeline: true, disableLeaps: true });
      const ea = s.timeline!.requests.endS;
      const eb = b.simulation.timeline!.requests.endS;
      for (let i = 0; i < ea.length; i++) {
        if (Number.isNaN(eb[i]!)) expect(ea[i]).toBeNaN();
        else expect(Math.abs(ea[i]! - eb[i]!), where).toBeLessThanOrEqual(1e-9 * Math.max(1, eb[i]!));
      }
    }
    expect(simulated).toBeGreaterThanOrEqual(30);
  });
});
