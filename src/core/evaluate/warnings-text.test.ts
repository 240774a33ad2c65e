import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { evaluateFast } from './fast.ts';
import { evaluateSimulated } from './simulated.ts';

/** DeepSeek-V3 on 4×8 H200 split into prefill (TP8·EP8) and decode (TP8·EP16·ADP2), examples/deepseek-v3-h200-chat.json's traffic. */
function pd() {
  const r = parseScenario({
    version: 1,
    model: 'deepseek-v3',
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h200', nodes: 4, gpusPerNode: 8 },
    plan: {
      prefill: { instances: 1, tp: 8, ep: 8, attentionDp: 1 },
      decode: { instances: 1, tp: 8, ep: 16, attentionDp: 2 },
    },
    workload: { inputTokens: 2048, outputTokens: 512, requests: 200, arrival: { kind: 'poisson', ratePerSec: 8 } },
    slo: { ttftMs: 2000, tpotMs: 60 },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

/** Field paths and code identifiers a person reading a warning should never see. */
const INTERNAL = /result\.plan|`plan`|simulation\.pools|\bdp = /;

describe('P/D warnings are written for people (issue 14)', () => {
  it('the closed form names both pools with their full shapes, in words', () => {
    const w = evaluateFast(pd()).warnings;
    expect(w.filter((x) => INTERNAL.test(x))).toEqual([]);
    expect(w).toContain(
      'Prefill/decode split: memory and batch figures are per decode instance (1× TP8·EP16·ADP2); the prefill pool is 1× TP8·EP8.',
    );
  });

  it('the simulator says the same in words', () => {
    const w = evaluateSimulated(pd(), { maxRequests: 50 }).warnings;
    expect(w.filter((x) => INTERNAL.test(x))).toEqual([]);
    expect(w.some((x) => x.startsWith('Prefill/decode split:'))).toBe(true);
  });
});

describe('a prompt past the step budget without chunked prefill', () => {
  const scenario = (engine: 'trtllm' | 'vllm', chunkedPrefill: boolean) => {
    const r = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
      runtime: { engine: { name: engine }, maxBatchedTokens: 8192, chunkedPrefill },
      workload: { inputTokens: 20_000, outputTokens: 200, requests: 50, arrival: { kind: 'offline' } },
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    return r.scenario;
  };
  const budgetWarning = (w: string[]) => w.find((x) => x.includes('exceed runtime.maxBatchedTokens'));

  it('says how it is costed, what the engine does and which knobs fix it', () => {
    expect(budgetWarning(evaluateFast(scenario('trtllm', false)).warnings)).toBe(
      'Prompts of 20,000 tokens exceed runtime.maxBatchedTokens (8,192) with chunked prefill off: each is costed as one step of its own length. TensorRT-LLM refuses such requests; raise runtime.maxBatchedTokens or turn runtime.chunkedPrefill on.',
    );
    expect(budgetWarning(evaluateFast(scenario('vllm', false)).warnings)).toContain(
      'vLLM refuses such a configuration',
    );
  });

  it('is absent with chunked prefill on', () => {
    expect(budgetWarning(evaluateFast(scenario('vllm', true)).warnings)).toBeUndefined();
  });
});
