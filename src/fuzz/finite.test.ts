import { describe, expect, it } from 'vitest';
import { assertFinite } from './finite.ts';
import { FuzzInvariantError } from './types.ts';
import { prefillChunkPasses } from './valid-scenarios.ts';

describe('assertFinite (the engine surfaces’ invariant)', () => {
  it('accepts finite numbers, strings, undefined, typed arrays and nulls in nullable fields', () => {
    expect(() =>
      assertFinite({ a: 1, b: [2, { c: 'x', d: undefined }], truncated: null, t: new Float64Array([1, 2]) }, 'r'),
    ).not.toThrow();
  });

  it('names the path of the first non-finite number, null or typed-array entry', () => {
    expect(() => assertFinite({ m: { ttftMs: { p99: Infinity } } }, 'r')).toThrow(
      new FuzzInvariantError('r.m.ttftMs.p99 = Infinity'),
    );
    expect(() => assertFinite({ list: [1, NaN] }, 'r')).toThrow('r.list[1] = NaN');
    expect(() => assertFinite({ shortfallGB: null }, 'r')).toThrow('r.shortfallGB is null (not a nullable field)');
    expect(() => assertFinite({ t: new Float32Array([0, -Infinity]) }, 'r')).toThrow('r.t[1] = -Infinity');
  });
});

describe('prefillChunkPasses (the estimator and search known-defect predicate)', () => {
  it('counts ⌈longest prompt / maxBatchedTokens⌉, 8,192 when unset, one pass without chunking', () => {
    expect(prefillChunkPasses({ workload: { inputTokens: 131_072 }, runtime: { maxBatchedTokens: 16 } })).toBe(8192);
    expect(prefillChunkPasses({ workload: { inputTokens: 8193 } })).toBe(2);
    expect(
      prefillChunkPasses({
        workload: { input: { kind: 'uniform', min: 1, max: 4096 } },
        runtime: { maxBatchedTokens: 1000 },
      }),
    ).toBe(5);
    expect(prefillChunkPasses({ workload: { input: { kind: 'lognormal', median: 10, sigma: 1 } } })).toBe(256);
    expect(prefillChunkPasses({ workload: { inputTokens: 2_097_152 }, runtime: { chunkedPrefill: false } })).toBe(1);
  });
});
