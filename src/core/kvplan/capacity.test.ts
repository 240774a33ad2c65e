import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { capacityPoint, kvCapacityCurve, DEFAULT_CONTEXTS } from './capacity.ts';
import { kvEffect } from './effect.ts';
import { freeKvBytesPerGpu, resolveKv } from './footprint.ts';
import { deployment, GiB, KiB, llama8bH100 } from './testkit.ts';
import { kvStrategySchema, type KvStrategyInput } from '../kv/types.ts';

/**
 * Issue 6 worked example: Llama-3.1-8B (32 layers, 8 KV heads × 128) at 128K context on one H100 SXM
 * (80 GiB = 85.9 GB reported, vLLM defaults: 90 % utilisation, 16-token blocks). Free HBM for KV = 77.31 GB
 * − 16.06 GB weights − 1.21 GB activations − 1 GB reserve ≈ 59.04 GB.
 */
describe('worked example: Llama-3.1-8B, 128K context, 1×H100', () => {
  const dep = llama8bH100();
  const L = 131_072;
  const free = freeKvBytesPerGpu(dep)[0]!;
  const waste = 7.5; // (16 − 1)/2 tokens per sequence, PagedAttention

  it('free HBM for KV is ≈ 59.0 GB', () => {
    expect(free / 1e9).toBeCloseTo(59.04, 1);
  });

  it('bf16: 128 KiB/token → 16 GiB per 128K sequence → 3 sequences', () => {
    const e = kvEffect(dep, {}, L);
    expect(e.bf16BytesPerToken).toBe(128 * KiB);
    expect(e.storedBytesPerToken).toBe(128 * KiB);
    expect(e.hbmBytesPerSeq).toBe((L + waste) * 128 * KiB);
    expect(e.hbmBytesPerSeq / GiB).toBeCloseTo(16, 2);
    expect(e.hbmSeqs).toBe(Math.floor(free / e.hbmBytesPerSeq));
    expect(e.hbmSeqs).toBe(3);
    expect(e.lossless).toBe(true);
    expect(e.decodeReadBytesPerSeq).toBe(L * 128 * KiB);
  });

  it('fp8: 64 KiB/token → 8 GiB → 6 sequences', () => {
    const e = kvEffect(dep, { quant: { dtype: 'fp8' } }, L);
    expect(e.storedBytesPerToken).toBe(64 * KiB);
    expect(e.hbmBytesPerSeq).toBe((L + waste) * 64 * KiB);
    expect(e.hbmSeqs).toBe(6);
    expect(e.fidelity).toBe('near-lossless');
    // One convert per element read: 65,536 elements × 131,072 tokens.
    expect(e.decodeExtraFlopsPerSeq).toBe(65_536 * L);
  });

  it('KIVI-2 (G = 32, 128-token bf16 residual): 24 KiB/token + residual → ≈ 3.01 GiB → 18 sequences', () => {
    const e = kvEffect(dep, { quant: { dtype: 'kivi2' } }, L);
    expect(e.storedBytesPerToken).toBe(24 * KiB);
    const seq = (L - 128) * 24 * KiB + 128 * 128 * KiB + waste * 24 * KiB;
    expect(e.hbmBytesPerSeq).toBe(seq);
    // Scale+zero metadata: 4/32 B of every quantized element.
    expect(e.metadataBytesPerSeq).toBe((L - 128) * 65_536 * (4 / 32));
    expect(e.hbmSeqs).toBe(Math.floor(free / seq));
    expect(e.hbmSeqs).toBe(18);
    expect(e.description).toMatch(/^KIVI 2-bit: approximate; 5\.3× smaller KV/);
    expect(e.lossless).toBe(false);
  });

  it('H2O at a 20 % budget: 26,215 tokens + fp32 scores → ≈ 3.23 GiB → 17 sequences; decode reads the budget', () => {
    const e = kvEffect(dep, { evict: { policy: 'h2o', budgetFraction: 0.2 } }, L);
    const kept = 26_215;
    const scores = 4 * 8 * kept * 32;
    expect(e.hbmBytesPerSeq).toBe(kept * 128 * KiB + scores + waste * 128 * KiB);
    expect(e.droppedBytesPerSeq).toBe((L - kept) * 128 * KiB);
    expect(e.decodeReadBytesPerSeq).toBe(kept * 128 * KiB);
    expect(e.hbmSeqs).toBe(17);
  });

  it('host offload with 240 GB of DRAM per GPU: 3 sequences in HBM, 17 with the host tier, the rest streamed', () => {
    const s = { offload: { hostGB: 240 } };
    const r = resolveKv(dep, kvStrategySchema.parse(s));
    const p = capacityPoint(r, L);
    const seq = (L + waste) * 128 * KiB;
    expect(p.hbmSeqs).toBe(3);
    expect(p.maxSeqs).toBe(Math.floor((free + 240e9) / seq));
    expect(p.maxSeqs).toBe(17);
    expect(p.offloadedSeqs).toBe(14);
    // Tier accounting: the 17 sequences' KV is in HBM or host, nothing lost; what left HBM crossed D2H.
    const t = p.tiers;
    expect(
      t.hbmBytes + t.hostHotBytes + t.hostColdBytes + t.ssdHotBytes + t.ssdColdBytes + t.unplacedBytes,
    ).toBeCloseTo(17 * seq, -3);
    expect(t.unplacedBytes).toBe(0);
    expect(t.hbmBytes).toBeCloseTo(free, -3);
    expect(t.d2hBytes).toBeCloseTo(17 * seq - free, -3);
    // Spilled KV streams over PCIe Gen5 every step: slower per token than staying in HBM.
    expect(p.step!.transferS).toBeGreaterThan(0);
    expect(p.decodeTokPerS).toBeLessThan(p.hbmOnlyDecodeTokPerS);
  });
});

describe('kvCapacityCurve', () => {
  const dep = llama8bH100();

  it('covers 1K…1M, marks the HBM limit and where offload starts', () => {
    const c = kvCapacityCurve(dep, { offload: { hostGB: 240 } });
    expect(c.points.map((p) => p.contextTokens)).toEqual(DEFAULT_CONTEXTS);
    expect(DEFAULT_CONTEXTS[0]).toBe(1024);
    expect(DEFAULT_CONTEXTS.at(-1)).toBe(1_048_576);
    // One bf16 sequence fits in HBM up to ≈ 59.04 GB / 128 KiB ≈ 450,450 tokens.
    const free = freeKvBytesPerGpu(dep)[0]!;
    expect(c.hbmLimitTokens).toBe(Math.floor(free / (128 * KiB) - 7.5));
    // HBM + 240 GB of host holds one 2M-token sequence (275 GB): no limit within range.
    expect(c.tieredLimitTokens).toBeNull();
    expect(kvCapacityCurve(dep, { offload: { hostGB: 100 } }, []).tieredLimitTokens).toBe(
      Math.floor((free + 100e9) / (128 * KiB) - 7.5),
    );
    // 256 sequences (maxNumSeqs) stop fitting in HBM at ≈ 1.6K tokens; from there the host tier holds some.
    expect(c.kvBoundFromTokens).toBe(Math.floor(free / 256 / (128 * KiB) - 7.5) + 1);
    expect(c.offloadStartsAtTokens).toBe(c.kvBoundFromTokens);
    expect(kvCapacityCurve(dep, {}).offloadStartsAtTokens).toBeNull();
    // StreamingLLM's constant window never hits an HBM limit.
    expect(kvCapacityCurve(dep, { evict: { policy: 'sink-window', recentTokens: 4092 } }).hbmLimitTokens).toBeNull();
  });

  it('a model that does not fit holds no sequence, even with host tiers', () => {
    const big = deployment('llama-3.1-70b', 'h100-sxm');
    const c = kvCapacityCurve(big, { offload: { hostGB: 1000 } }, [1024]);
    expect(c.points[0]).toMatchObject({ hbmSeqs: 0, maxSeqs: 0, servableSeqs: 0, decodeTokPerS: 0 });
  });

  const strategyArb: fc.Arbitrary<KvStrategyInput> = fc.record(
    {
      quant: fc.record({
        dtype: fc.constantFrom('bf16', 'fp8', 'int8', 'int4', 'kivi2'),
        groupSize: fc.integer({ min: 8, max: 256 }),
        residualTokens: fc.integer({ min: 0, max: 512 }),
      }),
      evict: fc.record({
        policy: fc.constantFrom('h2o', 'sink-window', 'per-head', 'topk-pages'),
        budgetFraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
        recentTokens: fc.integer({ min: 1, max: 4096 }),
        fullHeadsFraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
        evictedTo: fc.constantFrom('drop', 'host', 'hbm'),
      }),
      offload: fc.record({
        hostGB: fc.integer({ min: 0, max: 1000 }),
        ssdGB: fc.integer({ min: 0, max: 4000 }),
        prefetch: fc.boolean(),
      }),
      share: fc.record({ prefixTokens: fc.integer({ min: 0, max: 65_536 }) }),
      paging: fc.record({ scheme: fc.constantFrom('paged', 'vattention'), blockSize: fc.constantFrom(1, 16, 32, 128) }),
      distributed: fc.record({ contextParallel: fc.integer({ min: 1, max: 4 }), distAttention: fc.boolean() }),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<KvStrategyInput>;

  it('property: capacity is monotone non-increasing in context, for any composed strategy', () => {
    const deps = [
      llama8bH100(),
      deployment('gemma-2-27b', 'h100-sxm', { plan: { tp: 2, dp: 2 } }),
      deployment('deepseek-v2-lite', 'h100-sxm', { plan: { tp: 2 } }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...deps),
        strategyArb,
        fc.uniqueArray(fc.integer({ min: 1, max: 2_000_000 }), { minLength: 2, maxLength: 6 }),
        (d, s, ctxs) => {
          const sorted = [...ctxs].sort((a, b) => a - b);
          const r = resolveKv(d, kvStrategySchema.parse(s));
          const free = freeKvBytesPerGpu(d);
          let prev: ReturnType<typeof capacityPoint> | null = null;
          for (const L of sorted) {
            const p = capacityPoint(r, L, free);
            if (prev) {
              expect(p.hbmSeqs).toBeLessThanOrEqual(prev.hbmSeqs);
              expect(p.maxSeqs).toBeLessThanOrEqual(prev.maxSeqs);
              expect(p.servableSeqs).toBeLessThanOrEqual(prev.servableSeqs);
            }
            expect(p.maxSeqs).toBeGreaterThanOrEqual(p.hbmSeqs);
            // Tier accounting conserves bytes at every point.
            const t = p.tiers;
            const sum =
              t.hbmBytes + t.hostHotBytes + t.hostColdBytes + t.ssdHotBytes + t.ssdColdBytes + t.unplacedBytes;
            expect(Math.abs(sum - t.demandBytes)).toBeLessThanOrEqual(1e-6 * Math.max(1, t.demandBytes));
            expect(
              Math.abs(t.d2hBytes - (t.hostHotBytes + t.hostColdBytes + t.ssdHotBytes + t.ssdColdBytes)),
            ).toBeLessThanOrEqual(1e-6 * Math.max(1, t.demandBytes));
            expect(Number.isFinite(p.decodeTokPerS)).toBe(true);
            prev = p;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('property: quantized KV never stores or reads more than bf16', () => {
    const dep8 = llama8bH100();
    fc.assert(
      fc.property(
        fc.constantFrom('fp8', 'int8', 'int4', 'kivi2'),
        fc.integer({ min: 8, max: 1024 }),
        fc.integer({ min: 0, max: 4096 }),
        fc.integer({ min: 1, max: 1_048_576 }),
        (dtype, groupSize, residualTokens, L) => {
          const q = kvEffect(dep8, { quant: { dtype, groupSize, residualTokens } }, L);
          const b = kvEffect(dep8, {}, L);
          expect(q.storedBytesPerToken).toBeLessThanOrEqual(b.storedBytesPerToken);
          expect(q.hbmBytesPerSeq).toBeLessThanOrEqual(b.hbmBytesPerSeq);
          expect(q.decodeReadBytesPerSeq).toBeLessThanOrEqual(b.decodeReadBytesPerSeq);
          expect(q.hbmSeqs).toBeGreaterThanOrEqual(b.hbmSeqs);
        },
      ),
      { numRuns: 60 },
    );
  });
});
