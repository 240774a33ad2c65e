/**
 * Scheduling behaviour the engine profiles switch on (core/engine): closed-loop users that split into
 * prefill groups, the overlap gate, warm-up requests, SGLang prefill-only steps, TRT-LLM without chunked context and with KV reserved
 * to completion.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { buildWorkload } from '../sim/requests.ts';
import { evaluateSimulated } from './simulated.ts';

function scenario(runtime: Record<string, unknown>, workload: Record<string, unknown>): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    runtime,
    workload,
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

const closed = (users: number, requests: number, extra: Record<string, unknown> = {}) => ({
  inputTokens: 1024,
  outputTokens: 128,
  requests,
  arrival: { kind: 'concurrency', users },
  ...extra,
});

describe('closed-loop users', () => {
  const arrivals = (runtime: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    Array.from(
      evaluateSimulated(scenario(runtime, { ...closed(16, 96), warmupRequests: 0, ...extra }), { timeline: true })
        .simulation.timeline!.requests.arrivalS,
    );
  const distinct = (xs: number[]) => new Set(xs.map((t) => t.toFixed(6))).size;

  it('start together, as benchmark clients do, and split into the prefill groups the step budget takes', () => {
    // 16 prompts of 1024 tokens under a 4096-token budget: 4 per step, so re-arrivals come in ≥ 4 groups.
    const arr = arrivals({ engine: { name: 'vllm' }, maxBatchedTokens: 4096 });
    expect(arr.slice(0, 16).every((t) => t === 0)).toBe(true);
    const round2 = arr.slice(16, 32);
    expect(distinct(round2)).toBeGreaterThanOrEqual(4);
    expect(distinct(round2)).toBeLessThan(16);
  });

  it('desynchronise when lengths vary', () => {
    const arr = arrivals({}, { output: { kind: 'uniform', min: 64, max: 192 } });
    expect(distinct(arr.slice(16))).toBeGreaterThan(arr.slice(16).length * 0.8);
  });
});

describe('the overlap gate', () => {
  const ttftMs = (overlapScheduling: boolean, users: number) =>
    evaluateSimulated(
      scenario(
        { engine: { name: 'vllm' }, overlapScheduling, maxBatchedTokens: 1024 },
        { ...closed(users, users * 8), warmupRequests: users },
      ),
    ).metrics.ttftMs!.mean;

  it('holds a prompt that arrives while a step runs out of the step formed ahead, never when idle', () => {
    // One user: the engine is idle when each prompt arrives, so overlap adds no wait (it only hides host time).
    expect(ttftMs(true, 1)).toBeLessThanOrEqual(ttftMs(false, 1));
    // Eight users: prompts arrive while decodes run, and overlap makes them wait one step more.
    expect(ttftMs(true, 8)).toBeGreaterThan(ttftMs(false, 8));
  });
});

describe('workload.warmupRequests', () => {
  it('are simulated first and left out of every statistic', () => {
    const base = closed(8, 40);
    const w = buildWorkload(scenario({}, { ...base, warmupRequests: 16 }));
    expect(w.requests).toHaveLength(56);
    expect(w.warmup).toBe(16);
    const r = evaluateSimulated(scenario({}, { ...base, warmupRequests: 16 }), { timeline: true });
    expect(r.simulation.requests).toBe(40);
    expect(r.simulation.warmupRequests).toBe(16);
    expect(r.simulation.finished).toBe(40);
    expect(r.simulation.unfinished).toBe(0);
  });

  it('come on top of workload.requests, so at least one request is measured', () => {
    const w = buildWorkload(scenario({}, { requests: 1, warmupRequests: 5 }));
    expect([w.requests.length, w.warmup]).toEqual([6, 5]);
  });
});

describe('engine scheduling', () => {
  it('SGLang without mixed chunks runs prefill-only steps; with --enable-mixed-chunk they mix', () => {
    const run = (mixed: boolean) =>
      evaluateSimulated(
        scenario(
          { engine: { name: 'sglang' }, mixedPrefillDecode: mixed },
          // Varied output lengths, so prompts arrive while others decode.
          { ...closed(8, 40), warmupRequests: 0, output: { kind: 'uniform', min: 64, max: 192 } },
        ),
        { timeline: true },
      ).simulation.timeline!.iterations;
    const mixedSteps = (it: ReturnType<typeof run>) => {
      let n = 0;
      for (let i = 0; i < it.count; i++) if (it.prefillTokens[i]! > 0 && it.decodeSeqs[i]! > 0) n++;
      return n;
    };
    expect(mixedSteps(run(false))).toBe(0);
    expect(mixedSteps(run(true))).toBeGreaterThan(0);
  });

  it('TRT-LLM without chunked context prefills a prompt in one step', () => {
    const r = evaluateSimulated(
      scenario({ engine: { name: 'trtllm' }, maxBatchedTokens: 2048 }, { ...closed(4, 12), inputTokens: 3000 }),
      { timeline: true },
    );
    const it = r.simulation.timeline!.iterations;
    let maxPrefill = 0;
    for (let i = 0; i < it.count; i++) maxPrefill = Math.max(maxPrefill, it.prefillTokens[i]!);
    // Longer than the 2048-token budget: not chunked, so one step carries the whole 3000-token prompt.
    expect(maxPrefill).toBeGreaterThanOrEqual(3000);
  });

  it('TRT-LLM reserves KV to completion: no preemption where vLLM recomputes', () => {
    // A KV pool too small for every user's whole request: vLLM admits and preempts, TRT-LLM waits.
    const work = { inputTokens: 4096, outputTokens: 2048, requests: 64, arrival: { kind: 'offline' } };
    const mem = { gpuMemoryUtilization: 0.3, memorySemantics: 'share-of-total', maxNumSeqs: 64 };
    const vllm = evaluateSimulated(scenario({ engine: { name: 'vllm' }, ...mem }, work));
    const trt = evaluateSimulated(scenario({ engine: { name: 'trtllm' }, ...mem, chunkedPrefill: true }, work));
    expect(vllm.simulation.preemptions).toBeGreaterThan(0);
    expect(trt.simulation.preemptions).toBe(0);
    expect(trt.simulation.finished).toBe(64);
  });
});
