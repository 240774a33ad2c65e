import { describe, expect, it } from 'vitest';
import { uniformShape } from '../cost/batch.ts';
import { decodeStepS, seqsFitting } from '../cost/estimator.ts';
import { iterationCost } from '../cost/iteration.ts';
import { memoryReport } from '../cost/memory.ts';
import { kvEngineOf } from './engine.ts';
import { deployment } from './testkit.ts';

const L = 131_072;
const withKv = (kvStrategy: unknown, extra: Record<string, unknown> = {}) =>
  deployment('llama-3.1-8b', 'h100-sxm', { runtime: { kvStrategy }, ...extra });

function decodeOp(dep: ReturnType<typeof deployment>, seqs: number, ctx: number, name = 'attention decode') {
  const ops = iterationCost(dep, uniformShape(seqs, ctx, 1, true, dep.model.slidingWindow), true).ops ?? [];
  return { op: ops.find((o) => o.name === name), ops };
}

describe('kvEngineOf: the engine hook', () => {
  it('is null without a strategy: the engine keeps its own arithmetic', () => {
    expect(kvEngineOf(deployment('llama-3.1-8b', 'h100-sxm'))).toBe(null);
    expect(kvEngineOf(withKv({ label: 'empty' }))).toBe(null);
  });

  it('KIVI-2: a sequence holds L slots + the 128-token bf16 window worth (2 / 0.375 − 1) slots each, per layer', () => {
    const kv = kvEngineOf(withKv({ quant: { dtype: 'kivi2' } }))!;
    expect(kv.slots('full', L)).toBeCloseTo(L - 128 + (128 * 2) / 0.375, 6);
    expect(kv.units(L)).toBe(32 * Math.ceil((L - 128 + (128 * 2) / 0.375) / 16));
    expect(kv.readEq('full', L)).toBeCloseTo(kv.slots('full', L), 6);
    expect(kv.exactDecode).toBe(false);
  });

  it('H2O 20 %: holds the budget + fp32 scores, reads the budget, prefill unchanged', () => {
    const kv = kvEngineOf(withKv({ evict: { policy: 'h2o', budgetFraction: 0.2 } }))!;
    const kept = Math.ceil(0.2 * L);
    // fp32 score per kept token per KV head (8): 32 B per token vs 4 KiB per bf16 token-layer.
    expect(kv.slots('full', L)).toBeCloseTo(kept + (kept * 32) / 4096, 6);
    expect(kv.readEq('full', L)).toBe(kept);
    expect(kv.exactDecode).toBe(true);
    const plain = deployment('llama-3.1-8b', 'h100-sxm');
    const pre = (d: typeof plain) => iterationCost(d, uniformShape(1, 0, 8192, true, null)).timeS;
    expect(pre(withKv({ evict: { policy: 'h2o', budgetFraction: 0.2 } }))).toBe(pre(plain));
  });

  it('the decode attention op reads the strategy bytes: fp8 via the strategy = fp8 via precision.kvCache', () => {
    const a = decodeOp(withKv({ quant: { dtype: 'fp8' } }), 4, 32_768).op!;
    const b = decodeOp(deployment('llama-3.1-8b', 'h100-sxm', { precision: { kvCache: 'fp8' } }), 4, 32_768).op!;
    expect(a.bytes).toBe(b.bytes);
    expect(a.flops).toBe(b.flops);
  });

  it('H2O decode reads 20 % of the bf16 bytes and adds one fused selection op (hidden behind the loads)', () => {
    const plain = decodeOp(deployment('llama-3.1-8b', 'h100-sxm'), 4, L - 1).op!;
    const { op, ops } = decodeOp(withKv({ evict: { policy: 'h2o', budgetFraction: 0.2 } }), 4, L - 1);
    expect(op!.bytes / plain.bytes).toBeCloseTo(Math.ceil(0.2 * L) / L, 9);
    const extra = ops.find((o) => o.name === 'KV dequant / select')!;
    // H2O: 4 sequences × one add per kept token per query head (32) to accumulate scores.
    expect(extra.flops).toBe(4 * 32 * Math.ceil(0.2 * L));
    expect(extra.timeS).toBe(0);
  });

  it('top-k pages in host: decode fetches promoted pages over the host link each step', () => {
    const { ops } = decodeOp(withKv({ evict: { policy: 'topk-pages', budgetTokens: 2048 } }), 2, 32_767);
    const h2d = ops.find((o) => o.name === 'KV H2D page refetch')!;
    // 2 % of the 2048-token budget per sequence per step, bf16 (4 KiB per token-layer).
    expect(h2d.bytes).toBeCloseTo(2 * 0.02 * 2048 * 4096, 6);
    expect(h2d.kind).toBe('kv-transfer');
  });

  it('per-sequence sums (simulator) equal the mean-context path for a uniform batch', () => {
    const d = withKv({ evict: { policy: 'sink-window', recentTokens: 4092 } });
    const kv = kvEngineOf(d)!;
    const shape = uniformShape(3, 10_000, 1, true, null);
    const sums = { eq: 0, eqWindow: 0, extraFlops: 0, extraFlopsWindow: 0, h2dBytes: 0 };
    for (let i = 0; i < 3; i++) kv.addDecode(sums, 10_001);
    expect(iterationCost(d, { ...shape, kvDecode: sums }).timeS).toBeCloseTo(iterationCost(d, shape).timeS, 12);
    // A window caps the reads: a 100K context costs the same decode step as a 10K one.
    expect(decodeStepS(d, 3, 100_000)).toBeCloseTo(decodeStepS(d, 3, 10_000), 12);
  });

  it('capacity: seqsFitting counts whole blocks of the strategy slots per sequence, the shared prefix once', () => {
    const d = withKv({ share: { prefixTokens: 4096 } });
    const mem = memoryReport(d);
    const kv = kvEngineOf(d)!;
    const cap = Math.floor(mem.maxKvTokensPerGroup / 16) * 32 - kv.sharedUnits(4096);
    expect(seqsFitting(d, mem, 32_768)).toBe(Math.floor(cap / (32 * ((32_768 - 4096) / 16))));
    expect(seqsFitting(d, mem, 32_768)).toBeGreaterThan(
      seqsFitting(deployment('llama-3.1-8b', 'h100-sxm'), memoryReport(deployment('llama-3.1-8b', 'h100-sxm')), 32_768),
    );
  });
});
