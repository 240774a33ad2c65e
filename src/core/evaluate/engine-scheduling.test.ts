/**
 * Scheduling behaviour the engine profiles switch on (core/engine): desynchronised closed-loop users,
 * warm-up requests, SGLang prefill-only steps, TRT-LLM without chunked context and with KV reserved
 * to completion.
 */
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { buildWorkload, closedLoopStartFractions } from '../sim/requests.ts';
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
  it('start at seeded, sorted offsets in [0, 1) of a lifetime, the first at 0, the same for the same seed', () => {
    const a = closedLoopStartFractions(16, 3);
    expect(a[0]).toBe(0);
    for (let i = 1; i < a.length; i++) {
      expect(a[i]!).toBeGreaterThanOrEqual(a[i - 1]!);
      expect(a[i]!).toBeLessThan(1);
    }
    expect(Array.from(closedLoopStartFractions(16, 3))).toEqual(Array.from(a));
    expect(Array.from(closedLoopStartFractions(16, 4))).not.toEqual(Array.from(a));
  });

  it('do not arrive together: first arrivals are spread and re-arrivals do not come in one block', () => {
    const r = evaluateSimulated(scenario({}, closed(16, 96)), { timeline: true });
    const arr = Array.from(r.simulation.timeline!.requests.arrivalS);
    const distinct = new Set(arr.map((t) => t.toFixed(6)));
    // Lockstep (all at t = 0, re-arriving per prefill group) gave at most a handful of distinct times.
    expect(distinct.size).toBeGreaterThan(arr.length * 0.8);
    const firsts = arr.slice(0, 16);
    expect(Math.max(...firsts)).toBeGreaterThan(0);
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
        scenario({ engine: { name: 'sglang' }, mixedPrefillDecode: mixed }, { ...closed(8, 40), warmupRequests: 0 }),
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
