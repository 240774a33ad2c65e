import { CLIENT_RESEND_S } from '../sim/engine.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { uniformShape } from '../cost/batch.ts';
import { resolveDeployment, ScenarioError } from '../cost/deployment.ts';
import { iterationCost } from '../cost/iteration.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { buildWorkload } from '../sim/requests.ts';
import { evaluateSteadyState } from './evaluate.ts';
import { evaluateSimulated, type SimulatedEvaluation } from './simulated.ts';

const TRACES = new URL('../../../data/reference/traces/', import.meta.url);
const apexLmsys = () => readFileSync(new URL('apex/llama_lmsys_05.jsonl', TRACES), 'utf8');
const mooncake = () => readFileSync(new URL('mooncake_fast25_conversation_first200.jsonl', TRACES), 'utf8');

function scenario(input: Record<string, unknown>): Scenario {
  const p = parseScenario({ version: 1, ...input });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

const h100x1 = { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 };
const h100x8 = { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 };

/** Every request finished once, in causal order, and generated exactly the tokens it asked for. */
function expectConservation(r: SimulatedEvaluation) {
  const s = r.simulation;
  const tl = s.timeline!.requests;
  expect(s.truncated).toBeNull();
  expect(s.rejected).toBe(0);
  expect(s.finished).toBe(s.requests);
  expect(s.unfinished).toBe(0);
  for (let i = 0; i < s.requests; i++) {
    const a = tl.arrivalS[i]!;
    const p = tl.prefillStartS[i]!;
    const f = tl.firstTokenS[i]!;
    const e = tl.endS[i]!;
    expect(Number.isFinite(e)).toBe(true);
    expect(p).toBeGreaterThanOrEqual(a);
    expect(f).toBeGreaterThan(p);
    expect(e).toBeGreaterThanOrEqual(f);
  }
}

describe('conservation: every request finishes exactly once with the tokens it asked for', () => {
  const cases: Record<string, Record<string, unknown>> = {
    'Llama-3.1-8B, Poisson, lognormal lengths, 512-token chunks': {
      model: 'llama-3.1-8b',
      cluster: h100x1,
      runtime: { maxBatchedTokens: 512 },
      workload: {
        requests: 300,
        input: { kind: 'lognormal', median: 700, sigma: 0.9, max: 6000 },
        output: { kind: 'uniform', min: 1, max: 400 },
        arrival: { kind: 'poisson', ratePerSec: 6 },
        seed: 3,
      },
    },
    'Llama-3.1-70B TP4 PP2, offline': {
      model: 'llama-3.1-70b',
      cluster: h100x8,
      plan: { tp: 4, pp: 2 },
      workload: { requests: 120, inputTokens: 700, outputTokens: 90 },
    },
    'Llama-3.1-8B DP4 closed loop, round-robin': {
      model: 'llama-3.1-8b',
      cluster: { gpu: 'l40s', gpusPerNode: 4 },
      plan: { dp: 4 },
      runtime: { router: 'round-robin' },
      workload: { requests: 200, inputTokens: 300, outputTokens: 60, arrival: { kind: 'concurrency', users: 24 } },
    },
    'DeepSeek-V2-Lite attention-DP 2 × EP 2': {
      model: 'deepseek-v2-lite',
      cluster: { gpu: 'h100-sxm', gpusPerNode: 2 },
      plan: { tp: 1, attentionDp: 2, ep: 2 },
      workload: { requests: 150, inputTokens: 900, outputTokens: 120, arrival: { kind: 'poisson', ratePerSec: 8 } },
    },
    'prefill-first, chunked prefill off': {
      model: 'llama-3.1-8b',
      cluster: h100x1,
      runtime: { schedulerPolicy: 'prefill-first', chunkedPrefill: false, maxBatchedTokens: 2048 },
      workload: {
        requests: 150,
        input: { kind: 'uniform', min: 100, max: 4000 },
        outputTokens: 80,
        arrival: { kind: 'poisson', ratePerSec: 8 },
      },
    },
    'disaggregated 1P(TP4) + 2D(TP2)': {
      model: 'llama-3.1-8b',
      cluster: h100x8,
      plan: { prefill: { instances: 1, tp: 4 }, decode: { instances: 2, tp: 2 } },
      workload: { requests: 150, inputTokens: 1500, outputTokens: 100, arrival: { kind: 'poisson', ratePerSec: 10 } },
    },
    'Gemma-2-27B (sliding window) under KV pressure': {
      model: 'gemma-2-27b',
      cluster: h100x1,
      precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
      runtime: { gpuMemoryUtilization: 0.5 },
      workload: { requests: 60, input: { kind: 'uniform', min: 2000, max: 9000 }, outputTokens: 300 },
    },
  };
  for (const [name, input] of Object.entries(cases)) {
    it(name, () => {
      const sc = scenario(input);
      const r = evaluateSimulated(sc, { timeline: true });
      expectConservation(r);
      const outputs = r.simulation.timeline!.requests.endS.length;
      expect(outputs).toBe(r.simulation.requests);
      // Tokens out = tokens asked: one first token per request plus every later token.
      const asked = buildWorkload(sc).requests.reduce((sum, q) => sum + q.outputTokens, 0);
      expect(r.simulation.finished + r.simulation.decodeTokens).toBe(asked);
      expect(r.metrics.outputTokPerSec).toBeGreaterThan(0);
    });
  }
});

describe('queueing', () => {
  it('mean TTFT at 0.9 load exceeds TTFT at 0.1 load (Poisson)', () => {
    const base = { model: 'llama-3.1-8b', cluster: h100x1, runtime: { maxNumSeqs: 32 } };
    const cap = evaluateSimulated(
      scenario({ ...base, workload: { requests: 400, inputTokens: 1024, outputTokens: 256 } }),
    ).metrics.requestsPerSec;
    const at = (load: number) =>
      evaluateSimulated(
        scenario({
          ...base,
          workload: {
            requests: 600,
            inputTokens: 1024,
            outputTokens: 256,
            arrival: { kind: 'poisson', ratePerSec: load * cap },
            seed: 5,
          },
        }),
      );
    const low = at(0.1);
    const high = at(0.9);
    expect(low.metrics.overloaded).toBe(false);
    expect(high.metrics.overloaded).toBe(false);
    expect(high.metrics.ttftMs!.mean).toBeGreaterThan(low.metrics.ttftMs!.mean);
    expect(high.simulation.queueMs!.mean).toBeGreaterThan(low.simulation.queueMs!.mean);
    expect(high.metrics.ttftMs!.p99).toBeGreaterThan(high.metrics.ttftMs!.p50);
  });
});

describe('preemption under KV pressure', () => {
  for (const mode of ['recompute', 'swap'] as const) {
    it(`${mode}: preempts and still finishes every request`, () => {
      const sc = scenario({
        model: 'llama-3.1-8b',
        cluster: h100x1,
        runtime: { gpuMemoryUtilization: 0.25, preemption: mode },
        workload: { requests: 120, inputTokens: 2048, outputTokens: 1024 },
      });
      const r = evaluateSimulated(sc, { timeline: true });
      expectConservation(r);
      expect(r.simulation.preemptions).toBeGreaterThan(0);
      expect(r.simulation.peakKvFraction).toBeGreaterThan(0.9);
      if (mode === 'recompute') expect(r.simulation.recomputedTokens).toBeGreaterThan(0);
      else expect(r.simulation.swappedOutTokens).toBeGreaterThan(0);
      expect(r.warnings.some((w) => w.includes('preemption'))).toBe(true);
      expect(r.bottleneck).toMatch(/KV-cache capacity/);
    });
  }
});

describe('disaggregation', () => {
  const disagg = (scaleOutGBps: number) =>
    evaluateSimulated(
      scenario({
        model: 'llama-3.1-70b',
        cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, gpuOverrides: { scaleOutGBps } },
        plan: { prefill: { instances: 1, tp: 8 }, decode: { instances: 1, tp: 8 } },
        workload: { requests: 80, inputTokens: 2048, outputTokens: 64, arrival: { kind: 'poisson', ratePerSec: 0.5 } },
      }),
      { timeline: true },
    );

  it('adds the KV transfer to TTFT, bounded by the link', () => {
    const fast = disagg(100_000);
    const slow = disagg(2);
    expectConservation(fast);
    expectConservation(slow);
    expect(slow.simulation.kvTransferLink?.scope).toBe('nic');
    // 2048 tokens × 320 KiB (bf16, 80 layers × 8 KV heads × 128 × 2 × 2 B) over 8 NICs at 2 GB/s × 0.8.
    const bytes = 2048 * 80 * 8 * 128 * 2 * 2;
    const wireMs = (bytes / (8 * 2e9 * 0.8)) * 1e3;
    expect(slow.simulation.kvTransferMs!.p50).toBeGreaterThanOrEqual(wireMs * 0.99);
    expect(fast.simulation.kvTransferMs!.mean).toBeLessThan(1);
    const added = slow.metrics.ttftMs!.mean - fast.metrics.ttftMs!.mean;
    expect(added).toBeGreaterThan(0.9 * (slow.simulation.kvTransferMs!.mean - fast.simulation.kvTransferMs!.mean));
    expect(added).toBeLessThan(1.2 * slow.simulation.kvTransferMs!.mean);
    expect(slow.simulation.pools.map((p) => p.role)).toEqual(['prefill', 'decode']);
    // Prefill ran on instance 0, decode on instance 1.
    expect(Array.from(slow.simulation.timeline!.requests.prefillInstance).every((x) => x === 0)).toBe(true);
    expect(Array.from(slow.simulation.timeline!.requests.instance).every((x) => x === 1)).toBe(true);
  });

  it('uses NVLink when both pools sit in one NVLink domain', () => {
    const r = evaluateSimulated(
      scenario({
        model: 'llama-3.1-8b',
        cluster: h100x8,
        plan: { prefill: { instances: 1, tp: 4 }, decode: { instances: 1, tp: 4 } },
        workload: { requests: 20, inputTokens: 1000, outputTokens: 20, arrival: { kind: 'poisson', ratePerSec: 2 } },
      }),
    );
    expect(r.simulation.kvTransferLink?.scope).toBe('nvlink');
    expect(r.plan.gpusUsed).toBe(8);
  });

  it('names the pool field when a pool shape is invalid', () => {
    expect(() =>
      evaluateSimulated(
        scenario({ model: 'llama-3.1-8b', cluster: h100x8, plan: { prefill: { tp: 3 }, decode: { tp: 4 } } }),
      ),
    ).toThrow(/plan\.prefill\.tp/);
    expect(() =>
      evaluateSimulated(
        scenario({ model: 'llama-3.1-8b', cluster: h100x8, plan: { prefill: { tp: 8 }, decode: { tp: 4 } } }),
      ),
    ).toThrow(/12 GPUs/);
  });
});

describe('prefix caching', () => {
  const run = (prefixCaching: boolean, prefix: Record<string, unknown>) =>
    evaluateSimulated(
      scenario({
        model: 'llama-3.1-8b',
        cluster: h100x1,
        runtime: { prefixCaching },
        workload: {
          requests: 200,
          inputTokens: 2048,
          outputTokens: 32,
          prefix,
          arrival: { kind: 'poisson', ratePerSec: 4 },
        },
      }),
    );

  it('a shared system prompt is computed once: fewer prefill tokens, lower TTFT', () => {
    const off = run(false, { sharedPrefixTokens: 1536 });
    const on = run(true, { sharedPrefixTokens: 1536 });
    expect(off.simulation.prefillTokensComputed).toBe(200 * 2048);
    expect(on.simulation.prefillTokensComputed).toBe(2048 + 199 * 512);
    expect(on.simulation.prefixHitRate).toBeCloseTo((199 * 1536) / (200 * 2048), 3);
    expect(on.metrics.ttftMs!.mean).toBeLessThan(off.metrics.ttftMs!.mean);
    expect(off.warnings.some((w) => w.includes('prefixCaching is off'))).toBe(true);
  });

  it('the hit-rate knob skips that share of every prompt', () => {
    const on = run(true, { hitRate: 0.5 });
    expect(on.simulation.prefillTokensComputed).toBe(200 * 1024);
    expect(on.simulation.prefixHitRate).toBe(0.5);
  });

  it('Mooncake hash_ids give hits from the LRU cache', () => {
    const sc = scenario({
      model: 'llama-3.1-8b',
      cluster: h100x8,
      plan: { tp: 2, dp: 4 },
      runtime: { prefixCaching: true, router: 'prefix-affinity' },
      workload: { trace: { format: 'mooncake-jsonl', data: mooncake() } },
    });
    const r = evaluateSimulated(sc);
    expect(r.simulation.finished).toBe(200);
    expect(r.simulation.prefixHitRate).toBeGreaterThan(0.05);
    const off = evaluateSimulated({ ...sc, runtime: { ...sc.runtime, prefixCaching: false } });
    expect(r.simulation.prefillTokensComputed).toBeLessThan(off.simulation.prefillTokensComputed);
  });
});

describe('determinism and fast paths', () => {
  const sc = scenario({
    model: 'llama-3.1-8b',
    cluster: h100x8,
    plan: { tp: 2, dp: 4 },
    workload: {
      requests: 400,
      input: { kind: 'lognormal', median: 800, sigma: 1 },
      output: { kind: 'lognormal', median: 150, sigma: 1 },
      arrival: { kind: 'gamma', ratePerSec: 30, cv: 2 },
      seed: 11,
    },
  });

  it('same input → same output, timeline included', () => {
    const a = evaluateSimulated(sc, { timeline: true });
    const b = evaluateSimulated(sc, { timeline: true });
    expect(b).toEqual(a);
    expect(a.simulation.timeline!.iterations.count).toBeGreaterThan(0);
    expect(a.simulation.kvUsage.tS.length).toBeLessThanOrEqual(500);
  });

  it('merged decode runs equal step-by-step simulation', () => {
    const a = evaluateSimulated(sc, { timeline: true });
    const b = evaluateSimulated(sc, { timeline: true, disableLeaps: true });
    expect(a.simulation.launches).toBeLessThan(b.simulation.launches);
    expect(a.simulation.iterations).toBe(b.simulation.iterations);
    const ta = a.simulation.timeline!.requests;
    const tb = b.simulation.timeline!.requests;
    for (let i = 0; i < ta.endS.length; i++) {
      expect(ta.firstTokenS[i]).toBeCloseTo(tb.firstTokenS[i]!, 9);
      expect(ta.endS[i]).toBeCloseTo(tb.endS[i]!, 9);
    }
    expect(a.metrics.tpotMs!.p99).toBeCloseTo(b.metrics.tpotMs!.p99, 6);
  });
});

describe('stability verdict', () => {
  const base = { model: 'llama-3.1-8b', cluster: h100x1 };
  it('says overloaded when arrivals far outpace service', () => {
    const r = evaluateSimulated(
      scenario({
        ...base,
        workload: {
          requests: 1500,
          inputTokens: 1024,
          outputTokens: 256,
          arrival: { kind: 'poisson', ratePerSec: 400 },
        },
      }),
    );
    expect(r.metrics.overloaded).toBe(true);
    expect(r.simulation.stability.overloaded).toBe(true);
    expect(r.bottleneck).toMatch(/^Overloaded/);
    expect(r.warnings.some((w) => w.startsWith('Overloaded'))).toBe(true);
    expect(r.simulation.stability.servedReqPerSec).toBeLessThan(0.5 * r.simulation.stability.offeredReqPerSec!);
  });
  it('stays stable at a light load, and closed loops are never overloaded', () => {
    const light = evaluateSimulated(
      scenario({
        ...base,
        workload: { requests: 300, inputTokens: 1024, outputTokens: 256, arrival: { kind: 'poisson', ratePerSec: 1 } },
      }),
    );
    expect(light.metrics.overloaded).toBe(false);
    const closed = evaluateSimulated(
      scenario({
        ...base,
        workload: { requests: 300, inputTokens: 1024, outputTokens: 256, arrival: { kind: 'concurrency', users: 300 } },
      }),
    );
    expect(closed.metrics.overloaded).toBe(false);
  });
});

describe('consistency with the steady-state estimator', () => {
  it('offline throughput within ±25 % for a simple case', () => {
    for (const input of [
      { model: 'llama-3.1-8b', cluster: h100x1, workload: { requests: 1000, inputTokens: 1024, outputTokens: 256 } },
      {
        model: 'llama-3.1-70b',
        cluster: h100x8,
        plan: { tp: 8 },
        workload: { requests: 600, inputTokens: 512, outputTokens: 512 },
      },
    ]) {
      const sc = scenario(input);
      const sim = evaluateSimulated(sc).metrics.outputTokPerSec;
      const ss = evaluateSteadyState(sc).metrics.outputTokPerSec;
      expect(Math.abs(sim / ss - 1)).toBeLessThan(0.25);
    }
  });
});

describe('trace replay', () => {
  it('replays the APEX lmsys JSONL on Llama-3.1-70B TP8 at the trace timestamps', () => {
    const data = apexLmsys();
    const sc = scenario({
      model: 'llama-3.1-70b',
      cluster: h100x8,
      plan: { tp: 8 },
      workload: { trace: { format: 'apex-jsonl', data } },
    });
    const r = evaluateSimulated(sc, { timeline: true });
    expectConservation(r);
    expect(r.simulation.requests).toBe(1024);
    expect(r.simulation.source).toMatch(/apex-jsonl trace replay/);
    const offsets = data
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { StartTimeOffset: number }).StartTimeOffset / 1e9)
      .sort((a, b) => a - b);
    const arr = r.simulation.timeline!.requests.arrivalS;
    for (let i = 0; i < offsets.length; i++) expect(arr[i]).toBeCloseTo(offsets[i]! - offsets[0]!, 9);
    // 0.5 req/s of short chats: the plan keeps up, TPOT ≈ one decode step of a small batch.
    expect(r.metrics.overloaded).toBe(false);
    expect(r.metrics.requestsPerSec).toBeCloseTo(1024 / r.simulation.makespanS, 3);
    const dep = resolveDeployment(sc);
    const step1 = iterationCost(dep, uniformShape(1, 200, 1, true, null)).timeS * 1e3;
    expect(r.metrics.tpotMs!.p50).toBeGreaterThan(step1 * 0.98);
    expect(r.metrics.tpotMs!.p50).toBeLessThan(step1 * 1.3);
  });

  it('reports bad rows by line number instead of dropping them', () => {
    const data = [
      '{"StartTimeOffset": 0, "ContextTokens": 10, "GeneratedTokens": 5}',
      '{"StartTimeOffset": 1, "ContextTokens": "x", "GeneratedTokens": 5}',
      '{"StartTimeOffset": 2, "ContextTokens": 10, "GeneratedTokens": 5}',
      'not json',
    ].join('\n');
    const sc = scenario({
      model: 'llama-3.1-8b',
      cluster: h100x1,
      workload: { trace: { format: 'apex-jsonl', data } },
    });
    let err: unknown;
    try {
      evaluateSimulated(sc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(/workload\.trace/);
    expect((err as Error).message).toMatch(/line 2/);
    expect((err as Error).message).toMatch(/line 4/);
  });

  it('asks for the file to be inlined when only a path is given', () => {
    const sc = scenario({
      model: 'llama-3.1-8b',
      cluster: h100x1,
      workload: { trace: { format: 'apex-jsonl', path: 'trace.jsonl' } },
    });
    expect(() => evaluateSimulated(sc)).toThrow(/workload\.trace\.path.*inlined/);
  });

  it('timing "scenario" keeps the trace lengths with the scenario arrival process', () => {
    const sc = scenario({
      model: 'llama-3.1-70b',
      cluster: h100x8,
      plan: { tp: 8 },
      workload: {
        arrival: { kind: 'concurrency', users: 32 },
        trace: { format: 'apex-jsonl', data: apexLmsys(), timing: 'scenario' },
      },
    });
    const r = evaluateSimulated(sc, { timeline: true });
    expectConservation(r);
    expect(r.metrics.overloaded).toBe(false);
    expect(r.simulation.meanRunningPerInstance).toBeGreaterThan(16);
  });
});

describe('pipeline parallelism', () => {
  const pp2 = (requests: number) =>
    evaluateSimulated(
      scenario({
        model: 'llama-3.1-70b',
        cluster: h100x8,
        plan: { tp: 4, pp: 2 },
        workload: { requests, inputTokens: 512, outputTokens: 100 },
      }),
      { timeline: true },
    );

  it('a lone request pays the whole pipeline per token and leaves a bubble', () => {
    const r = pp2(1);
    const dep = resolveDeployment(scenario({ model: 'llama-3.1-70b', cluster: h100x8, plan: { tp: 4, pp: 2 } }));
    const step = iterationCost(dep, uniformShape(1, 560, 1, true, null)).timeS * 1e3;
    expect(r.metrics.tpotMs!.mean).toBeCloseTo(step, 0);
    expect(r.simulation.pools[0]!.busyFraction).toBeLessThan(0.55);
  });

  it('two requests fill both stages', () => {
    const r = pp2(2);
    expectConservation(r);
    expect(r.simulation.pools[0]!.busyFraction).toBeGreaterThan(0.9);
  });
});

describe('closed loop and routing', () => {
  it('keeps exactly `users` requests in the system', () => {
    const r = evaluateSimulated(
      scenario({
        model: 'llama-3.1-8b',
        cluster: h100x1,
        workload: { requests: 200, inputTokens: 500, outputTokens: 50, arrival: { kind: 'concurrency', users: 10 } },
      }),
      { timeline: true },
    );
    expectConservation(r);
    const tl = r.simulation.timeline!.requests;
    const events: [number, number][] = [];
    for (let i = 0; i < 200; i++) events.push([tl.arrivalS[i]!, 1], [tl.endS[i]!, -1]);
    events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let peak = 0;
    for (const [, d] of events) {
      live += d;
      peak = Math.max(peak, live);
    }
    expect(peak).toBe(10);
    // Request k+10 reaches the engine CLIENT_RESEND_S after one of the first finishes (after the next launch).
    expect(tl.arrivalS[10]! - Math.min(...Array.from(tl.endS.subarray(0, 10)))).toBeCloseTo(CLIENT_RESEND_S, 12);
  });

  it('round-robin deals requests in turn; least-outstanding balances', () => {
    const mk = (router: string) =>
      evaluateSimulated(
        scenario({
          model: 'llama-3.1-8b',
          cluster: { gpu: 'l40s', gpusPerNode: 4 },
          plan: { dp: 4 },
          runtime: { router },
          workload: { requests: 200, inputTokens: 400, outputTokens: 80, arrival: { kind: 'poisson', ratePerSec: 20 } },
        }),
        { timeline: true },
      );
    const rr = mk('round-robin').simulation.timeline!.requests.instance;
    for (let i = 0; i < 200; i++) expect(rr[i]).toBe(i % 4);
    const lo = mk('least-outstanding').simulation.timeline!.requests.instance;
    const counts = [0, 0, 0, 0];
    for (const x of lo) counts[x]!++;
    for (const c of counts) expect(c).toBeGreaterThan(30);
  });
});

describe('plans that do not fit', () => {
  it('return fits=false with the memory explanation instead of throwing', () => {
    const r = evaluateSimulated(scenario({ model: 'llama-3.1-405b', cluster: h100x1, workload: { requests: 10 } }));
    expect(r.memory.fits).toBe(false);
    expect(r.method).toBe('simulation');
    expect(r.bottleneck).toMatch(/Does not fit/);
    expect(r.metrics.outputTokPerSec).toBe(0);
    expect(r.simulation.finished).toBe(0);
  });

  it('rejects (and reports) a sampled request larger than the whole KV cache', () => {
    // The plan holds the lognormal's p99.9 prompt (22k tokens; 54,240 KV tokens), so it fits; the
    // rarer longer samples of 8,000 requests are rejected one by one.
    const r = evaluateSimulated(
      scenario({
        model: 'llama-3.1-8b',
        cluster: h100x1,
        runtime: { gpuMemoryUtilization: 0.3 },
        workload: { requests: 8000, input: { kind: 'lognormal', median: 1000, sigma: 1 }, outputTokens: 10 },
      }),
    );
    expect(r.memory.fits).toBe(true);
    expect(r.simulation.rejected).toBe(1);
    expect(r.simulation.finished).toBe(7999);
    expect(r.warnings.some((w) => w.includes('rejected'))).toBe(true);
  });

  it('does not fit when the longest request cannot be held (issue 16: fits means one sequence fits)', () => {
    const r = evaluateSimulated(
      scenario({
        model: 'llama-3.1-8b',
        cluster: h100x1,
        runtime: { gpuMemoryUtilization: 0.3 },
        workload: { requests: 12, input: { kind: 'empirical', values: [200, 1_500_000] }, outputTokens: 10 },
      }),
    );
    // 1,500,000 is clamped to the 131,072-token context window first.
    expect(r.memory.fits).toBe(false);
    expect(r.bottleneck).toMatch(/^Does not fit: one 131,082-token sequence needs 17\.2 GB of KV; 7\.1 GB free\./);
    expect(r.simulation.finished).toBe(0);
  });
});
