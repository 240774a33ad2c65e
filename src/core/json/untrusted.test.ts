import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import {
  jsonTextDepth,
  MAX_JSON_DEPTH,
  ownEntry,
  parseUntrustedJson,
  stringifyBounded,
  UntrustedJsonError,
  valueDepth,
} from './untrusted.ts';

const limits = { what: 'the scenario file', maxChars: 1000 };

describe('parseUntrustedJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseUntrustedJson('{"a":[1,{"b":"x"}]}', limits)).toEqual({ a: [1, { b: 'x' }] });
  });

  it('refuses text over the size cap before parsing, naming the input and the limit', () => {
    expect(() => parseUntrustedJson(' '.repeat(1001), limits)).toThrow(
      'the scenario file is 0.001 MB; the limit is 0.001 MB',
    );
  });

  it('refuses nesting deeper than the limit without recursing (10⁵ levels)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseUntrustedJson(deep, { what: 'the link', maxChars: 1e6 })).toThrow(
      `the link nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTextDepth('{"a":"[[[[\\"{{{{"}')).toBe(1);
    expect(jsonTextDepth('[[1],[[2]]]')).toBe(3);
  });

  it('drops prototype keys at every level', () => {
    const v = parseUntrustedJson('{"__proto__":{"x":1},"a":{"constructor":2,"prototype":3,"k":4}}', limits) as Record<
      string,
      unknown
    >;
    expect(Object.keys(v)).toEqual(['a']);
    expect(v.a).toEqual({ k: 4 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reports invalid JSON as an UntrustedJsonError', () => {
    expect(() => parseUntrustedJson('{"a":', limits)).toThrow(UntrustedJsonError);
  });

  it('never quotes the text in its errors, and says which limit refused it', () => {
    const problem = (text: string): [string, string] => {
      try {
        parseUntrustedJson(text, limits);
      } catch (e) {
        return [(e as UntrustedJsonError).problem, (e as Error).message];
      }
      throw new Error('expected a refusal');
    };
    const [kind, message] = problem('root:x:0:0:root:/root:/bin/bash');
    expect(kind).toBe('syntax');
    expect(message).toBe('the scenario file is not valid JSON: Unexpected token');
    expect(problem('{"secret": tru}')[1]).not.toMatch(/secret|tru/);
    expect(problem('{"a":1,}')[1]).toBe(
      'the scenario file is not valid JSON: Expected double-quoted property name in JSON at position 7',
    );
    expect(problem('['.repeat(65))[0]).toBe('depth');
    expect(problem(' '.repeat(1001))[0]).toBe('size');
  });
});

describe('stringifyBounded / valueDepth', () => {
  it('measures depth iteratively', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(valueDepth(v, 100)).toBe(101);
    expect(() => stringifyBounded(v, 'the saved scenario')).toThrow('the saved scenario nests deeper than 64 levels');
    expect(valueDepth({ a: [1, 2], b: { c: {} } })).toBe(3);
  });

  fcTest.prop([fc.jsonValue({ maxDepth: 8 })])('whatever parses also re-encodes, and round-trips', (value) => {
    const text = JSON.stringify(value);
    const parsed = parseUntrustedJson(text, { what: 'x', maxChars: 1e7 });
    expect(JSON.parse(stringifyBounded(parsed, 'x'))).toEqual(parsed);
  });
});

describe('ownEntry', () => {
  it('never returns inherited properties for untrusted keys', () => {
    const table: Record<string, number> = { LlamaForCausalLM: 1 };
    expect(ownEntry(table, 'LlamaForCausalLM')).toBe(1);
    expect(ownEntry(table, 'constructor')).toBeUndefined();
    expect(ownEntry(table, '__proto__')).toBeUndefined();
    expect(ownEntry(table, 'toString')).toBeUndefined();
  });
});
