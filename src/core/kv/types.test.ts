import { describe, expect, it } from 'vitest';
import { composeKvStrategy, kvComponentSchema, kvStrategySchema, makeKvSchemas, parseKvStrategy } from './types.ts';

const messages = (input: unknown): string[] => {
  const r = kvStrategySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('kvStrategySchema', () => {
  it('fills defaults and the slot kind; leaves dtype-dependent defaults to the family modules', () => {
    const s = parseKvStrategy({
      quant: { dtype: 'kivi2' },
      evict: { policy: 'h2o', budgetFraction: 0.2 },
      offload: { hostGB: 64 },
    });
    expect(s.quant).toEqual({ kind: 'quant', dtype: 'kivi2' });
    expect(s.evict).toMatchObject({
      kind: 'evict',
      sinkTokens: 4,
      recentTokens: 0,
      fullHeadsFraction: 0,
      pageSize: 16,
      refetchFraction: 0.02,
    });
    expect(s.offload).toMatchObject({ kind: 'offload', hostGB: 64, ssdGB: 0, ssdGBps: 7, prefetch: true });
    expect(parseKvStrategy({})).toEqual({});
  });

  it('errors name the field and the allowed range', () => {
    expect(messages({ quant: { dtype: 'int4', groupSize: 2000 } })).toEqual([
      'runtime.kvStrategy.quant.groupSize must be at most 1024',
    ]);
    expect(messages({ quant: { dtype: 'int3' } })[0]).toBe(
      'runtime.kvStrategy.quant.dtype must be one of bf16, fp8, int8, int4, kivi2',
    );
    expect(messages({ evict: { policy: 'h2o' } })).toEqual([
      'runtime.kvStrategy.evict.budgetTokens: h2o needs budgetTokens or budgetFraction',
    ]);
    expect(messages({ evict: { policy: 'per-head', recentTokens: 1024 } })[0]).toMatch(
      /^runtime\.kvStrategy\.evict\.fullHeadsFraction: per-head needs/,
    );
    expect(messages({ offload: { hostGB: -1 } })).toEqual(['runtime.kvStrategy.offload.hostGB must be at least 0']);
    expect(messages({ offload: { hostGB: Infinity } })[0]).toMatch(/offload\.hostGB must be/);
    expect(messages({ distributed: { contextParallel: 1.5 } })).toEqual([
      'runtime.kvStrategy.distributed.contextParallel must be a whole number',
    ]);
    expect(messages({ quant: { dtype: 'bf16', gear: { rank: 4, sparsityPct: 2 } } })[0]).toMatch(
      /quant\.gear: GEAR corrects a quantized KV/,
    );
    expect(messages({ quant: { dtype: 'fp8' }, turbo: true })[0]).toMatch(/turbo/); // strict: unknown fields rejected
  });

  it('uses the prefix it is built with', () => {
    const { strategy } = makeKvSchemas('kv');
    const r = strategy.safeParse({ share: { prefixTokens: -5 } });
    expect(r.success ? '' : r.error.issues[0]!.message).toBe('kv.share.prefixTokens must be at least 0');
  });

  it('components form a discriminated union; composeKvStrategy rejects a family twice', () => {
    expect(kvComponentSchema.parse({ kind: 'paging', scheme: 'vattention' })).toEqual({
      kind: 'paging',
      scheme: 'vattention',
      pageKiB: 2048,
    });
    expect(kvComponentSchema.safeParse({ kind: 'teleport' }).success).toBe(false);
    const s = composeKvStrategy(
      [
        { kind: 'quant', dtype: 'fp8' },
        { kind: 'offload', hostGB: 100 },
      ],
      'fp8 + host',
    );
    expect(s.label).toBe('fp8 + host');
    expect(s.quant?.dtype).toBe('fp8');
    expect(() =>
      composeKvStrategy([
        { kind: 'quant', dtype: 'fp8' },
        { kind: 'quant', dtype: 'int4' },
      ]),
    ).toThrow(/runtime\.kvStrategy\.quant: a strategy holds each family once/);
  });
});
