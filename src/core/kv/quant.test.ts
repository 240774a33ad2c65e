import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compressionVsBf16,
  describeQuant,
  gearLowRankBytesPerElement,
  gearSparseBytesPerElement,
  groupMetadataBytesPerElement,
  payloadBytesPerElement,
  residualWindowBytes,
  resolveQuant,
} from './quant.ts';
import { kvStrategySchema, type KvQuant } from './types.ts';

const q = (input: Record<string, unknown>): KvQuant => kvStrategySchema.parse({ quant: input }).quant!;

describe('quantized KV arithmetic (KIVI, GEAR, fp8/int)', () => {
  it('KIVI-2 with G = 32: 2-bit payload + fp16 scale+zero per 32 elements = 0.375 B/element, 5.3× smaller', () => {
    expect(payloadBytesPerElement('kivi2')).toBe(0.25);
    expect(groupMetadataBytesPerElement('kivi2', 32)).toBe(4 / 32);
    const r = resolveQuant(q({ dtype: 'kivi2' }), 'bf16', 128);
    expect(r.bytesPerElement).toBe(0.375);
    expect(r.groupSize).toBe(32);
    expect(r.residualTokens).toBe(128);
    expect(compressionVsBf16(r)).toBeCloseTo(16 / 3, 12);
    expect(describeQuant(r)).toMatch(/^KIVI 2-bit: approximate; 5\.3× smaller KV/);
    expect(r.fidelity).toBe('approximate');
    // Llama-3.1-8B: 32 layers × 8 KV heads × (128 + 128) = 65,536 elements per token → 24 KiB/token.
    expect(65_536 * r.bytesPerElement).toBe(24 * 1024);
  });

  it('fp8 is 1 B with no group metadata and near-lossless; int8 defaults to per-head groups of 128', () => {
    const fp8 = resolveQuant(q({ dtype: 'fp8' }), 'bf16', 128);
    expect(fp8.bytesPerElement).toBe(1);
    expect(fp8.fidelity).toBe('near-lossless');
    expect(describeQuant(fp8)).toBe('fp8 KV: near-lossless; 2.0× smaller KV');
    const int8 = resolveQuant(q({ dtype: 'int8' }), 'bf16', 128);
    expect(int8.bytesPerElement).toBe(1 + 4 / 128);
    expect(resolveQuant(q({ dtype: 'int4', groupSize: 64 }), 'bf16', 128).bytesPerElement).toBe(0.5 + 4 / 64);
  });

  it('GEAR int4 (G = 32) + rank 4 + 2 % outliers on 128-wide heads: 0.5 + 0.125 + 0.0625 + 0.12 = 0.8075 B/element', () => {
    expect(gearLowRankBytesPerElement(4, 128)).toBe(0.0625);
    expect(gearSparseBytesPerElement(2)).toBeCloseTo(0.12, 12);
    const r = resolveQuant(q({ dtype: 'int4', gear: { rank: 4, sparsityPct: 2 } }), 'bf16', 128);
    expect(r.bytesPerElement).toBeCloseTo(0.8075, 12);
    // (code − zero)·scale = 2 FLOPs, low-rank A·Bᵀ = 2·r = 8, outliers 0.02.
    expect(r.flopsPerElement).toBeCloseTo(10.02, 12);
    expect(r.fidelity).toBe('approximate');
  });

  it('residual window: min(n, R) full-precision tokens + the rest quantized', () => {
    expect(residualWindowBytes(1000, 128, 4096, 768)).toBe(128 * 4096 + 872 * 768);
    expect(residualWindowBytes(100, 128, 4096, 768)).toBe(100 * 4096);
    expect(residualWindowBytes(1000, 0, 4096, 768)).toBe(1000 * 768);
  });

  it('without a quant component the engine dtype is used as stored (no group metadata)', () => {
    const r = resolveQuant(undefined, 'fp8', 128);
    expect(r).toMatchObject({
      dtype: 'engine:fp8',
      bytesPerElement: 1,
      metadataBytes: 0,
      residualTokens: 0,
      fidelity: 'near-lossless',
    });
    expect(resolveQuant(undefined, 'bf16', 128).fidelity).toBe('exact');
  });

  it('property: every quantized format stores ≤ bf16 bytes (GEAR at the paper’s settings on 2/4-bit)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('fp8', 'int8', 'int4', 'kivi2'),
        fc.integer({ min: 8, max: 1024 }),
        fc.option(
          fc.record({ rank: fc.integer({ min: 1, max: 8 }), sparsityPct: fc.double({ min: 0, max: 5, noNaN: true }) }),
          { nil: undefined },
        ),
        fc.constantFrom(64, 128, 192, 576),
        (dtype, groupSize, gear, headDim) => {
          const useGear = gear !== undefined && (dtype === 'int4' || dtype === 'kivi2');
          const r = resolveQuant(q({ dtype, groupSize, ...(useGear ? { gear } : {}) }), 'bf16', headDim);
          expect(r.bytesPerElement).toBeLessThanOrEqual(2);
          expect(r.bytesPerElement).toBeGreaterThan(0);
        },
      ),
    );
  });
});
