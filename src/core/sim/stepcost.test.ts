import { describe, expect, it } from 'vitest';
import { shapeOf, type SeqStep } from '../cost/batch.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { iterationCost } from '../cost/iteration.ts';
import { parseScenario } from '../scenario/validate.ts';
import { StepCoster } from './stepcost.ts';

function dep(input: Record<string, unknown>) {
  const p = parseScenario({ version: 1, cluster: { gpu: 'h100-sxm' }, ...input });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

/** Deterministic pseudo-random ints (LCG) so the test needs no RNG. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

const cases = {
  'Llama-3.1-70B TP8': { model: 'llama-3.1-70b', plan: { tp: 8 } },
  'Llama-3.1-70B TP4 PP2': { model: 'llama-3.1-70b', plan: { tp: 4, pp: 2 } },
  'Gemma-2-27B TP2 (sliding window 4096)': { model: 'gemma-2-27b', plan: { tp: 2 } },
  'Mixtral-8x7B TP2 EP2': { model: 'mixtral-8x7b', plan: { tp: 2, ep: 2 } },
};

describe('StepCoster reproduces iterationCost(shapeOf(steps)) exactly', () => {
  for (const [name, input] of Object.entries(cases)) {
    it(name, () => {
      const d = dep(input);
      const coster = new StepCoster(d);
      const rnd = lcg(42);
      const times = { stageS: new Float64Array(d.instance.pp), p2pS: 0, overheadS: 0 };
      for (let trial = 0; trial < 25; trial++) {
        const n = 1 + rnd(200);
        const decodeOnly = trial % 2 === 0;
        const steps: SeqStep[] = [];
        coster.reset();
        for (let i = 0; i < n; i++) {
          const ctx = rnd(12_000);
          const newTokens = decodeOnly || rnd(4) > 0 ? 1 : 1 + rnd(3000);
          const step = { ctx, newTokens, emits: newTokens === 1 || rnd(2) === 0 };
          if (decodeOnly) step.emits = true;
          steps.push(step);
          coster.add(step.ctx, step.newTokens, step.emits);
        }
        const shape = shapeOf(steps, d.model.slidingWindow);
        expect(coster.acc).toEqual(shape);
        const ref = iterationCost(d, shape);
        if (decodeOnly) coster.decode(n, shape.decodeKvReadTokens, shape.decodeKvReadTokensWindow, times);
        else coster.costAcc(times);
        for (let s = 0; s < d.instance.pp; s++)
          expect(Math.abs(times.stageS[s]! / ref.stageTimesS[s]! - 1)).toBeLessThan(1e-9);
        expect(times.p2pS).toBeCloseTo(ref.p2pS, 15);
        expect(times.overheadS).toBeCloseTo(ref.overheadS, 15);
        if (decodeOnly) {
          const c = coster.decodeCoef(n);
          const total = c.totalA + c.totalB * shape.decodeKvReadTokens + c.totalBw * shape.decodeKvReadTokensWindow;
          expect(Math.abs(total / ref.timeS - 1)).toBeLessThan(1e-9);
        }
      }
    });
  }
});
