/**
 * Issue 6's worked example through the public API (scenario → evaluate): Llama-3.1-8B at 128K context
 * on one H100 SXM (vLLM defaults: 0.9 utilisation, 16-token blocks) — bytes per token and sequences for
 * bf16, fp8, KIVI-2, H2O at a 20 % budget, and with 240 GB of host DRAM per GPU.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { evaluateSteadyState } from './evaluate.ts';
import { evaluateSimulated } from './simulated.ts';

const KiB = 1024;
const GiB = 2 ** 30;

function scenario(kvStrategy?: unknown, workload: Record<string, unknown> = {}) {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    runtime: kvStrategy === undefined ? {} : { kvStrategy },
    workload: { inputTokens: 131_072 - 1024, outputTokens: 1024, requests: 64, ...workload },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('worked example through evaluate: Llama-3.1-8B, 128K context, 1×H100', () => {
  const none = evaluateSteadyState(scenario());
  const bf16 = evaluateSteadyState(scenario({ quant: { dtype: 'bf16' } }));
  const fp8 = evaluateSteadyState(scenario({ quant: { dtype: 'fp8' } }));
  const kivi = evaluateSteadyState(scenario({ quant: { dtype: 'kivi2' } }));
  const h2o = evaluateSteadyState(scenario({ evict: { policy: 'h2o', budgetFraction: 0.2 } }));
  const host = evaluateSteadyState(scenario({ offload: { hostGB: 240 } }));

  it('no strategy: no kv section, 128 KiB/token, 3 sequences', () => {
    expect(none.kv).toBeUndefined();
    expect(none.model.kvBytesPerToken).toBe(128 * KiB);
    expect(none.memory.maxConcurrentSeqs).toBe(3);
  });

  it('bf16 (explicit): the same numbers as no strategy, plus the effect section', () => {
    expect(bf16.metrics).toEqual(none.metrics);
    expect(bf16.memory).toEqual(none.memory);
    expect(bf16.kv!.storedBytesPerToken).toBe(128 * KiB);
    expect(bf16.kv!.hbmBytesPerSeq / GiB).toBeCloseTo(16, 2);
    expect(bf16.kv!.hbmSeqs).toBe(3);
    expect(bf16.kv!.fidelity).toBe('exact');
  });

  it('fp8: 64 KiB/token, 8 GiB per sequence, 6 sequences (near-lossless)', () => {
    expect(fp8.model.kvBytesPerToken).toBe(64 * KiB);
    expect(fp8.kv!.storedBytesPerToken).toBe(64 * KiB);
    expect(fp8.kv!.hbmBytesPerSeq / GiB).toBeCloseTo(8, 2);
    expect(fp8.memory.maxConcurrentSeqs).toBe(6);
    expect(fp8.kv!.hbmSeqs).toBe(6);
    expect(fp8.kv!.fidelity).toBe('near-lossless');
  });

  it('KIVI-2: 24 KiB/token (2 bit + g32 scale+zero), ≈ 3.01 GiB per sequence, 18 sequences (approximate)', () => {
    expect(kivi.model.kvBytesPerToken).toBe(24 * KiB);
    expect(kivi.kv!.hbmBytesPerSeq / GiB).toBeCloseTo(3.01, 2);
    expect(kivi.memory.maxConcurrentSeqs).toBe(18);
    expect(kivi.kv!.hbmSeqs).toBe(18);
    expect(kivi.kv!.lossless).toBe(false);
    expect(kivi.warnings.some((w) => /KIVI-2" is approximate/.test(w))).toBe(true);
  });

  it('H2O 20 %: 128 KiB/token stored, ≈ 3.23 GiB per sequence (budget + fp32 scores), 16 sequences; decode reads the budget', () => {
    expect(h2o.kv!.storedBytesPerToken).toBe(128 * KiB);
    expect(h2o.kv!.hbmBytesPerSeq / GiB).toBeCloseTo(3.23, 2);
    expect(h2o.memory.maxConcurrentSeqs).toBe(16);
    expect(h2o.kv!.hbmSeqs).toBe(16);
    expect(h2o.kv!.decodeReadBytesPerSeq / h2o.kv!.bf16DecodeReadBytesPerSeq).toBeCloseTo(0.2, 3);
  });

  it('host offload, 240 GB DRAM per GPU: 3 sequences in HBM, 17 with the host tier; the engine decodes from HBM', () => {
    expect(host.kv!.hbmSeqs).toBe(3);
    expect(host.kv!.maxSeqsWithTiers).toBe(17);
    expect(host.memory.maxConcurrentSeqs).toBe(3);
    expect(host.kv!.tiers).toEqual({ hostGBPerGpu: 240, ssdGBPerGpu: 0, hostLinkGBps: 64, ssdGBps: 7, prefetch: true });
    expect(host.metrics.outputTokPerSec).toBe(none.metrics.outputTokPerSec);
  });

  it('more sequences, more throughput: KIVI-2 > H2O > fp8 > bf16 here (decode is KV-bound at 128K)', () => {
    const t = (r: typeof none) => r.metrics.outputTokPerSec;
    expect(t(fp8)).toBeGreaterThan(t(bf16));
    expect(t(h2o)).toBeGreaterThan(t(fp8));
    expect(t(kivi)).toBeGreaterThan(t(fp8));
  });
});

describe('sharing and multi-turn reuse shorten prefill in the closed form', () => {
  it('a shared 4K prefix and 70 % multi-turn hits cut TTFT; sequences stay the same or rise', () => {
    const w = { inputTokens: 8192, outputTokens: 256, arrival: { kind: 'concurrency', users: 8 } };
    const plain = evaluateSteadyState(scenario(undefined, w));
    const shared = evaluateSteadyState(scenario({ share: { prefixTokens: 4096 } }, w));
    const mt = evaluateSteadyState(
      scenario({ offload: { hostGB: 100, multiTurnReuse: { ttlS: 600, hitRate: 0.7 } } }, w),
    );
    expect(shared.metrics.ttftMs!.mean).toBeLessThan(plain.metrics.ttftMs!.mean);
    expect(mt.metrics.ttftMs!.mean).toBeLessThan(plain.metrics.ttftMs!.mean);
    expect(shared.memory.maxConcurrentSeqs).toBeGreaterThanOrEqual(plain.memory.maxConcurrentSeqs);
  });
});

describe('the simulator under a strategy', () => {
  it('simulates KIVI-2 and H2O with more concurrency than bf16 at long context, and reports the kv section', () => {
    const w = { inputTokens: 32_000, outputTokens: 200, requests: 60 };
    const run = (s?: unknown) => evaluateSimulated(scenario(s, w));
    const plain = run();
    const kivi = run({ quant: { dtype: 'kivi2' } });
    const h2o = run({ evict: { policy: 'h2o', budgetFraction: 0.2 } });
    for (const r of [plain, kivi, h2o]) expect(r.simulation.finished).toBe(60);
    expect(kivi.simulation.peakRunningPerGroup).toBeGreaterThan(2 * plain.simulation.peakRunningPerGroup);
    expect(h2o.simulation.peakRunningPerGroup).toBeGreaterThan(2 * plain.simulation.peakRunningPerGroup);
    expect(kivi.metrics.outputTokPerSec).toBeGreaterThan(plain.metrics.outputTokPerSec);
    expect(kivi.kv?.label).toBe('KIVI-2');
    expect(plain.kv).toBeUndefined();
  });
});
