import { describe, expect, it } from 'vitest';
import { assertFinite } from './finite.ts';
import { FuzzInvariantError } from './types.ts';

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
