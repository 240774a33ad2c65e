import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { uniformShape } from './batch.ts';
import { resolveDeployment } from './deployment.ts';
import { EXACT_PREFILL_CHUNKS, prefillTimeS } from './estimator.ts';
import { iterationCost } from './iteration.ts';

function dep(maxBatchedTokens: number) {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', gpusPerNode: 1 },
    runtime: { maxBatchedTokens },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

/** Σ over every chunk, one iteration each (what prefillTimeS computes exactly up to EXACT_PREFILL_CHUNKS). */
function exactS(d: ReturnType<typeof dep>, promptLen: number, chunk: number): number {
  let t = 0;
  for (let done = 0; done < promptLen; done += chunk) {
    const n = Math.min(chunk, promptLen - done);
    t += iterationCost(d, uniformShape(1, done, n, done + n >= promptLen, d.model.slidingWindow)).timeS;
  }
  return t;
}

describe('prefill of a long prompt', () => {
  it('is the exact chunk sum up to EXACT_PREFILL_CHUNKS chunks', () => {
    const d = dep(1024);
    const len = 1024 * EXACT_PREFILL_CHUNKS - 100;
    expect(prefillTimeS(d, 1, len)).toBeCloseTo(exactS(d, len, 1024), 12);
  });

  it('beyond that, the sampled sum is within 0.5 % of the exact one (131,072 tokens in 16-token chunks)', () => {
    const d = dep(16);
    const exact = exactS(d, 131_072, 16); // 8,192 chunks
    const sampled = prefillTimeS(d, 1, 131_072);
    expect(Math.abs(sampled / exact - 1)).toBeLessThan(0.005);
    expect(prefillTimeS(d, 3, 131_072)).toBeCloseTo(3 * sampled, 12);
  });
});
