import { describe, expect, it } from 'vitest';
import { getGpu } from '../hardware/gpus.ts';
import { handoffLink, handoffSeconds } from '../cost/handoff.ts';
import {
  distributedEffect,
  evictEffect,
  kvEffect,
  offloadEffect,
  pagingEffect,
  quantEffect,
  shareEffect,
} from './effect.ts';
import { GiB, KiB, llama8bH100 } from './testkit.ts';

const dep = llama8bH100();
const L = 131_072;
const TOK = 128 * KiB; // bf16 KV per token, Llama-3.1-8B
const WASTE = 7.5 * TOK;

describe('KvEffect per family (Llama-3.1-8B, 128K, 1×H100)', () => {
  it('top-k pages with the rest in host: HBM = budget + page summaries; the rest left HBM once (D2H); promoted pages come back each step', () => {
    const e = evictEffect(dep, { policy: 'topk-pages', budgetTokens: 2048, pageSize: 16 }, L);
    expect(e.hbmBytesPerSeq).toBe(2048 * TOK + (L / 16) * TOK + WASTE);
    expect(e.hostBytesPerSeq).toBe((L - 2048) * TOK);
    expect(e.transfers.evictD2hBytesPerSeq).toBe(e.hostBytesPerSeq);
    expect(e.droppedBytesPerSeq).toBe(0);
    // Bytes conserved: HBM tokens + host tokens = the whole context.
    expect(e.hbmBytesPerSeq - (L / 16) * TOK - WASTE + e.hostBytesPerSeq).toBe(L * TOK);
    expect(e.decodeReadBytesPerSeq).toBe(2048 * TOK + (L / 16) * TOK);
    expect(e.selectionReadBytesPerSeq).toBe((L / 16) * TOK);
    expect(e.transfers.refetchH2dBytesPerStepPerSeq).toBeCloseTo(0.02 * 2048 * TOK, 6);
    expect(e.decodeExtraFlopsPerSeq).toBe(32 * 4 * 32 * 128 * (L / 16)); // 32 layers × 4·heads·d per page
    expect(e.description).toMatch(/^Top-k pages \(2K tokens budget, 16-token pages\): approximate/);
    expect(e.warnings.join(' ')).toMatch(/host DRAM, whose size is not set/);
  });

  it('offload: one sequence streamed from host every step; prefetch exposes only max(0, transfer − compute)', () => {
    const on = offloadEffect(dep, { hostGB: 240 }, L);
    const s = on.transfers.offloadStream!;
    expect(s.bytes).toBe(L * TOK);
    expect(s.seconds).toBeCloseTo((L * TOK) / 64e9, 9);
    expect(s.exposedS).toBeCloseTo(Math.max(0, s.seconds - s.computeS), 12);
    const off = offloadEffect(dep, { hostGB: 240, prefetch: false }, L).transfers.offloadStream!;
    expect(off.exposedS).toBe(off.seconds);
    expect(on.lossless).toBe(true);
    // Swap-based preemption: out and back in over 64 GB/s.
    expect(on.transfers.swapPreemptionS).toBeCloseTo((2 * (L * TOK + WASTE)) / 64e9, 9);
    const nvlinkC2c = offloadEffect(dep, { hostGB: 240, hostLinkGBps: 450 }, L).transfers.offloadStream!;
    expect(nvlinkC2c.seconds).toBeCloseTo((L * TOK) / 450e9, 9);
  });

  it('multi-turn reuse reloads hit·L tokens of KV; CacheGen shrinks hand-offs and reloads by its ratio (lossy)', () => {
    const e = kvEffect(
      dep,
      {
        offload: { hostGB: 240, multiTurnReuse: { ttlS: 600, hitRate: 0.5 } },
        distributed: { transferCompression: 4 },
      },
      L,
    );
    expect(e.transfers.multiTurnReload!.bytes).toBe((0.5 * L * TOK) / 4);
    expect(e.transfers.disaggHandoff.bytes).toBe((L * TOK) / 4);
    // Two 1-GPU instances fit one H100 NVLink domain: the shared hand-off model over NVLink (cost/handoff.ts).
    expect(e.transfers.disaggHandoff.seconds).toBeCloseTo(
      handoffSeconds((L * TOK) / 4, handoffLink(getGpu('h100-sxm')!, 1, true)),
      12,
    );
    expect(e.fidelity).toBe('approximate');
  });

  it('prefix sharing stores the prefix once; decode still reads it', () => {
    const e = shareEffect(dep, { prefixTokens: 8192 }, L);
    expect(e.sharedBytes).toBe(8192 * TOK);
    expect(e.hbmBytesPerSeq).toBe((L - 8192) * TOK + WASTE);
    expect(e.decodeReadBytesPerSeq).toBe(L * TOK);
    expect(e.lossless).toBe(true);
  });

  it('vAttention with 2 MiB pages maps ~511.5 tokens ahead per sequence', () => {
    const e = pagingEffect(dep, { scheme: 'vattention' }, L);
    expect(e.wasteBytesPerSeq).toBe(511.5 * TOK);
    expect(e.description).toMatch(/^vAttention \(2 MiB pages\): lossless; contiguous KV, grows 1024 tokens at a time/);
    expect(pagingEffect(dep, { blockSize: 128 }, L).wasteBytesPerSeq).toBe(63.5 * TOK);
  });

  it('context parallel ×2 halves the KV per GPU (6 sequences on 2 GPUs) and sends half the context around the ring', () => {
    const e = distributedEffect(dep, { contextParallel: 2 }, L);
    expect(e.hbmSeqs).toBe(6);
    expect(e.transfers.ringPrefillSendBytesPerGpu).toBe(0.5 * L * TOK);
    expect(e.lossless).toBe(true);
  });

  it('the single-family shorthands equal the composed call; composed strategies stack their effects', () => {
    expect(quantEffect(dep, { dtype: 'kivi2' }, L)).toEqual(kvEffect(dep, { quant: { dtype: 'kivi2' } }, L));
    const both = kvEffect(dep, { quant: { dtype: 'fp8' }, evict: { policy: 'h2o', budgetFraction: 0.2 } }, L);
    expect(both.hbmBytesPerSeq).toBe(26_215 * 64 * KiB + 4 * 8 * 26_215 * 32 + 7.5 * 64 * KiB);
    expect(both.hbmSeqs).toBe(33);
    expect(both.hbmBytesPerSeq / GiB).toBeLessThan(1.7);
    expect(both.label).toBe('fp8 KV + H2O 20%');
  });

  it('bad input throws naming the field', () => {
    expect(() => kvEffect(dep, { quant: { dtype: 'int4', groupSize: 3 } }, L)).toThrow(
      /runtime\.kvStrategy\.quant\.groupSize must be at least 8/,
    );
  });
});
