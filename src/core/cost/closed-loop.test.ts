/**
 * The closed form's closed-loop latencies (cost/estimator.ts): Little's law ties TTFT and TPOT to the
 * cycle, prompts wait for the step in flight, and a prefill-priority loop keeps every round a wave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from './deployment.ts';
import {
  closedLoopTpotS,
  decodeStepS,
  meanPrefillStepsAhead,
  prefillTimeS,
  steadyState,
  stepsAheadOfArrival,
  waveMeanPrefillS,
} from './estimator.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Llama-3.1-8B on one H100, every scheduling knob explicit so only the engine's loop differs. */
function scenario(engine: 'vllm' | 'sglang', users: number, requests: number, inputTokens = 1024): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    runtime: {
      engine: { name: engine },
      maxNumSeqs: 256,
      maxBatchedTokens: 2048,
      chunkedPrefill: true,
      mixedPrefillDecode: true,
      overlapScheduling: true,
      cudaGraphs: true,
      gpuMemoryUtilization: 0.9,
    },
    workload: { inputTokens, outputTokens: 128, requests, arrival: { kind: 'concurrency', users } },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('closedLoopTpotS (Little: E2E = cycle)', () => {
  it('shares the cycle between TTFT and the O − 1 later tokens', () => {
    // cycle 10 s, 1 s to the first token, 101 tokens: (10 − 1) / 100 = 90 ms per later token.
    expect(closedLoopTpotS(10, 1, 101)).toBeCloseTo(0.09, 12);
    // One output token, or a TTFT estimate past the cycle: the plain cycle / O.
    expect(closedLoopTpotS(10, 1, 1)).toBe(10);
    expect(closedLoopTpotS(10, 12, 5)).toBe(2);
  });

  it('makes a closed-loop request last exactly one cycle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 4096 }), (users, inputTokens) => {
        const s = scenario('vllm', users, 20 * users, inputTokens);
        const ss = steadyState(resolveDeployment(s), s.workload);
        expect(ss.e2eS / ss.cycleS).toBeCloseTo(1, 9);
      }),
      { numRuns: 25 },
    );
  });
});

describe('closed-loop TTFT', () => {
  it('counts the steps ahead of an arrival: one, two under overlap scheduling; prefill steps by sweep position', () => {
    const dep = (overlapScheduling: boolean) =>
      resolveDeployment({
        ...scenario('vllm', 1, 1),
        runtime: { ...scenario('vllm', 1, 1).runtime, overlapScheduling },
      });
    expect(stepsAheadOfArrival(dep(false))).toBe(1);
    expect(stepsAheadOfArrival(dep(true))).toBe(2);
    // 4 groups, 1 step ahead: groups 1..3 wait behind a prefill step → 3/4.
    expect(meanPrefillStepsAhead(4, 1)).toBeCloseTo(3 / 4, 12);
    // 4 groups, 2 steps ahead: min(j, 2) for j = 0..3 → (0 + 1 + 2 + 2) / 4.
    expect(meanPrefillStepsAhead(4, 2)).toBeCloseTo(5 / 4, 12);
    // 2 groups, 2 ahead: (0 + 1) / 2; one group: none.
    expect(meanPrefillStepsAhead(2, 2)).toBeCloseTo(1 / 2, 12);
    expect(meanPrefillStepsAhead(1, 2)).toBe(0);
  });

  it('waits for the steps in flight: one user pays two decode steps (overlap) before its own prefill step', () => {
    const s = scenario('vllm', 1, 20);
    const dep = resolveDeployment(s);
    const ss = steadyState(dep, s.workload);
    const dec = decodeStepS(dep, 1, 1024 + 64);
    // Own prompt + the decode sharing its step (mixed), and in 19 of the 20 requests the two decode steps in
    // flight under overlap scheduling (the first request finds the engine idle).
    expect(ss.ttftS).toBeCloseTo(prefillTimeS(dep, 1, 1024) + dec + (19 / 20) * 2 * dec, 9);
  });

  it('keeps every round a wave under a prefill-priority loop (SGLang), only the first under vLLM V1', () => {
    const users = 32;
    const ttft = (engine: 'vllm' | 'sglang', requests: number) => {
      const s = scenario(engine, users, requests);
      return steadyState(resolveDeployment(s), s.workload).ttftS;
    };
    // One round from an idle engine: both wait for the wave ahead of them.
    expect(ttft('sglang', users)).toBeCloseTo(ttft('vllm', users), 9);
    const s = scenario('sglang', users, 20 * users);
    const dep = resolveDeployment(s);
    const dec = decodeStepS(dep, users, 1024 + 64);
    // One round: the wave's mean prefill finish (which includes the own prompt), plus the decodes sharing its step.
    expect(ttft('sglang', users)).toBeCloseTo(waveMeanPrefillS(dep, users, 1024) + dec, 9);
    // Twenty rounds: SGLang's users come back as one wave every round; the 19 later rounds also wait for the two
    // steps in flight (overlap): of 16 groups of 2 (2048-token budget / 1024), group j has min(j, 2) prefill
    // steps of the groups just ahead, (0 + 1 + 14·2) / 16 = 29/16 on average, and decode steps for the rest.
    const groupStep = prefillTimeS(dep, 2, 1024) + dec;
    const inFlight = (29 / 16) * groupStep + (2 - 29 / 16) * dec;
    expect(ttft('sglang', 20 * users) - ttft('sglang', users)).toBeCloseTo((19 / 20) * inFlight, 9);
    // vLLM V1's users come back as chunk groups: later rounds wait for far less than the wave.
    expect(ttft('vllm', 20 * users)).toBeLessThan(0.5 * ttft('vllm', users));
  });
});
