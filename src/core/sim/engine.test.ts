import { describe, expect, it } from 'vitest';
import { shapeOf, uniformShape } from '../cost/batch.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { iterationCost } from '../cost/iteration.ts';
import { memoryReport } from '../cost/memory.ts';
import { resolvePools } from '../cost/pools.ts';
import { parseScenario } from '../scenario/validate.ts';
import { handoffSeconds as transferTimeS } from '../cost/handoff.ts';
import { CLIENT_RESEND_S, kvTransferLinkFor, simulate, STATUS_DONE } from './engine.ts';

function setup(input: Record<string, unknown>) {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', gpusPerNode: 1 },
    ...input,
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  const dep = resolveDeployment(p.scenario);
  return { dep, kv: memoryReport(dep).maxKvTokensPerGroup };
}

describe('simulate(): hand-checked timings', () => {
  it('one request: TTFT = its prefill iteration, then one decode step per token', () => {
    const { dep, kv } = setup({});
    const raw = simulate({
      pools: [{ role: 'mixed', dep, instances: 1, kvTokensPerGroup: kv }],
      requests: [{ id: 0, arrivalS: 2, inputTokens: 100, outputTokens: 5 }],
      closedLoopUsers: null,
      prefix: { kind: 'none' },
      kvTransfer: null,
      maxIterations: 1000,
      timelineIterations: 100,
    });
    const prefill = iterationCost(dep, shapeOf([{ ctx: 0, newTokens: 100, emits: true }], null)).timeS;
    let decode = 0;
    for (let j = 0; j < 4; j++) decode += iterationCost(dep, uniformShape(1, 100 + j, 1, true, null)).timeS;
    expect(raw.status[0]).toBe(STATUS_DONE);
    expect(raw.prefillStartS[0]).toBe(2);
    expect(raw.firstTokenS[0]! - 2).toBeCloseTo(prefill, 12);
    expect(raw.endS[0]! - raw.firstTokenS[0]!).toBeCloseTo(decode, 12);
    expect(raw.iterations).toBe(5);
    expect(raw.prefillTokens).toBe(100);
    expect(raw.decodeTokens).toBe(4);
    // The four decode steps are one merged row of the timeline.
    expect(raw.timeline.count).toBe(2);
    expect(Array.from(raw.timeline.steps.subarray(0, 2))).toEqual([1, 4]);
    expect(raw.itl.weight).toBe(4);
  });

  it('chunked prefill splits a long prompt over the token budget', () => {
    const { dep, kv } = setup({ runtime: { maxBatchedTokens: 1000 } });
    const raw = simulate({
      pools: [{ role: 'mixed', dep, instances: 1, kvTokensPerGroup: kv }],
      requests: [{ id: 0, arrivalS: 0, inputTokens: 2500, outputTokens: 2 }],
      closedLoopUsers: null,
      prefix: { kind: 'none' },
      kvTransfer: null,
      maxIterations: 1000,
      timelineIterations: 100,
    });
    const chunks = [0, 1000, 2000].map(
      (c, i) => iterationCost(dep, shapeOf([{ ctx: c, newTokens: i < 2 ? 1000 : 500, emits: i === 2 }], null)).timeS,
    );
    expect(raw.firstTokenS[0]).toBeCloseTo(chunks[0]! + chunks[1]! + chunks[2]!, 12);
    expect(Array.from(raw.timeline.prefillTokens.subarray(0, 3))).toEqual([1000, 1000, 500]);
  });

  it('unchunked, a prompt longer than the budget runs whole beside the running decodes, one per step', () => {
    // TRT-LLM without chunked context, decode-first (in-flight batching): 2,500-token prompts, 1,000-token budget.
    const { dep, kv } = setup({
      runtime: { engine: { name: 'trtllm' }, maxBatchedTokens: 1000, chunkedPrefill: false, mixedPrefillDecode: true },
    });
    const raw = simulate({
      pools: [{ role: 'mixed', dep, instances: 1, kvTokensPerGroup: kv }],
      requests: [0, 1, 2].map((id) => ({ id, arrivalS: 0, inputTokens: 2500, outputTokens: 50 })),
      closedLoopUsers: null,
      prefix: { kind: 'none' },
      kvTransfer: null,
      maxIterations: 10_000,
      timelineIterations: 100,
    });
    expect(Array.from(raw.status)).toEqual([STATUS_DONE, STATUS_DONE, STATUS_DONE]);
    // Steps 2 and 3 each take the next whole prompt with the decodes already running: the three overlap
    // instead of running one after another (as when a long prompt waited for a step with nothing else in it).
    expect(Array.from(raw.timeline.prefillTokens.subarray(0, 3))).toEqual([2500, 2500, 2500]);
    expect(Array.from(raw.timeline.decodeSeqs.subarray(0, 3))).toEqual([0, 1, 2]);
    expect(raw.firstTokenS[2]!).toBeLessThan(raw.endS[0]!);
  });

  it('closed loop: the measured phase starts when the whole warm-up has finished, all users together', () => {
    const { dep, kv } = setup({});
    // 2 users, 4 warm-up requests of uneven lengths, then 4 measured ones.
    const out = [3, 9, 5, 12, 4, 4, 4, 4];
    const raw = simulate({
      pools: [{ role: 'mixed', dep, instances: 1, kvTokensPerGroup: kv }],
      requests: out.map((o, id) => ({ id, arrivalS: 0, inputTokens: 200, outputTokens: o })),
      closedLoopUsers: 2,
      warmupRequests: 4,
      prefix: { kind: 'none' },
      kvTransfer: null,
      maxIterations: 10_000,
      timelineIterations: 0,
    });
    const lastWarmupEnd = Math.max(...Array.from(raw.endS.subarray(0, 4)));
    expect(raw.arrivalS[4]).toBeCloseTo(lastWarmupEnd + CLIENT_RESEND_S, 12);
    expect(raw.arrivalS[5]).toBeCloseTo(lastWarmupEnd + CLIENT_RESEND_S, 12);
    // Within the warm-up the users do not wait for each other.
    expect(raw.arrivalS[2]).toBeLessThan(lastWarmupEnd);
  });

  it('a disaggregated request waits for its KV on the link', () => {
    const p = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8, gpuOverrides: { scaleOutGBps: 1 } },
      plan: { prefill: { instances: 1, tp: 8 }, decode: { instances: 1, tp: 8 } },
    });
    if (!p.ok) throw new Error(p.errors.join());
    const rp = resolvePools(p.scenario);
    const link = kvTransferLinkFor(rp)!;
    expect(link.scope).toBe('nic');
    const pools = rp.pools.map((x) => ({
      role: x.role,
      dep: x.dep,
      instances: x.instances,
      kvTokensPerGroup: memoryReport(x.dep).maxKvTokensPerGroup,
    }));
    const raw = simulate({
      pools,
      requests: [
        { id: 0, arrivalS: 0, inputTokens: 1000, outputTokens: 3 },
        { id: 1, arrivalS: 0, inputTokens: 1000, outputTokens: 3 },
      ],
      closedLoopUsers: null,
      prefix: { kind: 'none' },
      kvTransfer: link,
      maxIterations: 1000,
      timelineIterations: 0,
    });
    // 1000 tokens × 128 KiB (32 layers × 8 KV heads × 128 × 2 × 2 B) over 8 NICs of 1 GB/s at 80 %.
    expect(link.lanes).toBe(8);
    const wire = transferTimeS(1000 * 32 * 8 * 128 * 2 * 2, link);
    expect(wire).toBeCloseTo(0.02048 + link.latencyS, 6);
    // Both prompts finish prefill together; the second transfer queues behind the first.
    expect(raw.kvTransferS[0]).toBeCloseTo(wire, 9);
    expect(raw.kvTransferS[1]).toBeCloseTo(2 * wire, 9);
    expect(raw.firstTokenS[1]! - raw.firstTokenS[0]!).toBeGreaterThan(wire * 0.99);
    expect(Array.from(raw.prefillInstance)).toEqual([0, 0]);
    expect(Array.from(raw.instance)).toEqual([1, 1]);
  });
});
