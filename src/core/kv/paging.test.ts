import { describe, expect, it } from 'vitest';
import { getGpu } from '../hardware/gpus.ts';
import { getModel } from '../model/catalog.ts';
import {
  mlaEngineConstraint,
  pagedWasteTokens,
  resolvePaging,
  vattentionPageTokens,
  vattentionWasteTokens,
} from './paging.ts';

describe('memory management', () => {
  it('PagedAttention wastes (B − 1)/2 tokens per sequence on average', () => {
    expect(pagedWasteTokens(16)).toBe(7.5);
    expect(pagedWasteTokens(1)).toBe(0);
    expect(pagedWasteTokens(64)).toBe(31.5);
  });

  it('vAttention: Llama-3.1-8B at TP1 bf16 has 2 KiB per token per K buffer → a 2 MiB page holds 1024 tokens', () => {
    // 8 KV heads × 128 × 2 B = 2048 B per token per layer for K (and the same for V).
    expect(vattentionPageTokens(2 * 2 ** 20, 2048)).toBe(1024);
    expect(vattentionWasteTokens(1024)).toBe(511.5);
    const model = getModel('llama-3.1-8b')!;
    const r = resolvePaging(
      { kind: 'paging', scheme: 'vattention', pageKiB: 64 },
      16,
      model,
      getGpu('h100-sxm')!,
      4096,
    );
    expect(r.pageTokens).toBe(32);
    expect(r.wasteTokens).toBe(15.5);
  });

  it('MLA: FlashMLA fixes 64-token blocks; the AMD stack needs block 1 and cannot offload (MI325X study)', () => {
    const ds = getModel('deepseek-v3')!;
    expect(mlaEngineConstraint(ds, getGpu('h100-sxm')!)).toMatchObject({
      requiredBlockSize: 64,
      offloadSupported: true,
    });
    expect(mlaEngineConstraint(ds, getGpu('mi325x')!)).toMatchObject({ requiredBlockSize: 1, offloadSupported: false });
    expect(mlaEngineConstraint(getModel('llama-3.1-8b')!, getGpu('mi325x')!)).toBeNull();
    const r = resolvePaging(undefined, 16, ds, getGpu('h100-sxm')!, 1152);
    expect(r.blockSize).toBe(64);
    expect(r.wasteTokens).toBe(31.5);
    expect(r.warnings[0]).toMatch(/FlashMLA needs KV block size 64, not 16/);
  });
});
