import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_JSON_DEPTH, valueDepth } from '../json/untrusted.ts';
import {
  MAX_DECOMPRESSED_BYTES,
  MAX_FRAGMENT_LENGTH,
  base64urlToBytes,
  bytesToBase64url,
  decodeLink,
  encodeLink,
  type DecodeOptions,
  type DecodeResult,
} from './codec';

// A tiny fake schema with three versions, so the codec is tested without the real Scenario.
//   v1: { gpus: number, model: string }
//   v2: { gpus: number, model: { name: string } }
//   v3: { cluster: { gpus: number }, model: { name: string } }
type V3 = { cluster: { gpus: number }; model: { name: string } };

function fakeSchema(log: string[] = []): DecodeOptions<V3> {
  return {
    currentVersion: 3,
    migrations: {
      1: (old) => {
        log.push('1→2');
        const o = old as { gpus: number; model: string };
        return { gpus: o.gpus, model: { name: o.model } };
      },
      2: (old) => {
        log.push('2→3');
        const o = old as { gpus: number; model: { name: string } };
        return { cluster: { gpus: o.gpus }, model: o.model };
      },
    },
    validate: (json) => {
      const j = json as Partial<V3> | null;
      if (typeof j !== 'object' || j === null) return { ok: false, error: 'expected an object' };
      if (typeof j.cluster?.gpus !== 'number') return { ok: false, error: 'cluster.gpus: expected a number' };
      if (typeof j.model?.name !== 'string') return { ok: false, error: 'model.name: expected a string' };
      return { ok: true, value: { cluster: { gpus: j.cluster.gpus }, model: { name: j.model.name } } };
    },
  };
}

/** Accept-anything options for raw round trips. */
const anyJson = (currentVersion = 1): DecodeOptions<unknown> => ({
  currentVersion,
  migrations: {},
  validate: (json) => ({ ok: true, value: json }),
});

async function rawDeflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function expectError(r: DecodeResult<unknown>, pattern: RegExp): void {
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error).toMatch(pattern);
}

/** A realistic ~800-character scenario-like payload. */
const REALISTIC = {
  model: {
    id: 'llama-3.1-70b-instruct',
    params: 70.6e9,
    layers: 80,
    hidden: 8192,
    heads: 64,
    kvHeads: 8,
    vocab: 128256,
    dtype: 'bf16',
  },
  cluster: { gpu: 'h100-sxm-80gb', gpusPerNode: 8, nodes: 2, intraNode: 'nvlink4', interNode: 'ib-ndr-400' },
  workload: {
    promptTokens: { dist: 'lognormal', mean: 1800, p99: 12000 },
    outputTokens: { dist: 'lognormal', mean: 350, p99: 2048 },
    arrivalRate: 12.5,
    slo: { ttftMs: 800, tpotMs: 60, percentile: 99 },
  },
  kv: { blockSize: 16, dtype: 'fp8', offload: 'none', prefixCaching: true, evictPolicy: 'lru' },
  search: {
    tp: [1, 2, 4, 8],
    pp: [1, 2],
    dp: [1, 2, 4],
    maxBatchTokens: [4096, 8192, 16384],
    objective: 'goodput-per-gpu',
  },
  notes: 'Baseline for the chat tier; compare disaggregated prefill next.',
};

describe('base64url helpers', () => {
  it('round-trips arbitrary bytes without padding or +/ characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100_000 }), (bytes) => {
        const text = bytesToBase64url(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(base64urlToBytes(text)).toEqual(bytes);
      }),
      { numRuns: 50 },
    );
  });

  it('handles inputs larger than one 32 KiB chunk', () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7919) & 0xff);
    expect(base64urlToBytes(bytesToBase64url(bytes))).toEqual(bytes);
  });

  it('rejects impossible lengths and foreign characters', () => {
    expect(base64urlToBytes('A')).toBeNull();
    expect(base64urlToBytes('AB+C')).toBeNull();
    expect(base64urlToBytes('AB C')).toBeNull();
  });
});

describe('encodeLink / decodeLink', () => {
  it('round-trips arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.integer({ min: 0, max: 999 }), async (value, version) => {
        const link = await encodeLink(value, version);
        expect(link).toMatch(new RegExp(`^s${version}\\.[A-Za-z0-9_-]+$`));
        const r = await decodeLink(link, anyJson(version));
        // Prototype keys are never read as data (core/json): they are the one thing that does not come back.
        const expected = JSON.parse(JSON.stringify(value), (k, v: unknown) =>
          k === '__proto__' || k === 'constructor' || k === 'prototype' ? undefined : v,
        );
        expect(r).toEqual({ ok: true, value: expected, migratedFrom: null });
      }),
    );
  });

  it('drops prototype keys from a link payload at every level', async () => {
    const link = await rawLink('{"__proto__":{"polluted":1},"a":{"constructor":{"x":1},"b":2}}');
    expect(await decodeLink(link, anyJson())).toEqual({ ok: true, value: { a: { b: 2 } }, migratedFrom: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a leading # and a full URL', async () => {
    const link = await encodeLink(REALISTIC, 1);
    for (const input of [link, `#${link}`, `https://parakv.example/app/?x=1#${link}`, `  #${link}\n`]) {
      expect(await decodeLink(input, anyJson())).toEqual({ ok: true, value: REALISTIC, migratedFrom: null });
    }
  });

  it('is shorter than the JSON for a realistic ~800-character payload', async () => {
    const json = JSON.stringify(REALISTIC);
    expect(json.length).toBeGreaterThan(700);
    expect(json.length).toBeLessThan(900);
    const link = await encodeLink(REALISTIC, 1);
    expect(link.length).toBeLessThan(json.length);
    // And far shorter than what a URL-encoded JSON fragment would be.
    expect(link.length).toBeLessThan(encodeURIComponent(json).length / 1.5);
  });

  it('rejects unserialisable payloads and bad versions on encode', async () => {
    await expect(encodeLink(undefined, 1)).rejects.toThrow(/JSON/);
    await expect(encodeLink({}, 1000)).rejects.toThrow(RangeError);
    await expect(encodeLink({}, 1.5)).rejects.toThrow(RangeError);
  });

  it('decodes payloads just under the decompressed-size cap', async () => {
    const value = 'x'.repeat(MAX_DECOMPRESSED_BYTES - 16);
    const r = await decodeLink(await encodeLink(value, 1), anyJson());
    expect(r.ok && r.value).toBe(value);
  });
});

describe('decodeLink on hostile input', () => {
  const opts = fakeSchema();

  it('never throws on arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (s) => {
        const r = await decodeLink(s, opts);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });

  it('never throws on strings shaped like links', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^#?s[0-9]{1,3}\.[A-Za-z0-9_-]{0,200}$/), async (s) => {
        const r = await decodeLink(s, anyJson(999));
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });

  it('never throws on random bytes behind a valid prefix, nor on bit-flipped links', async () => {
    const good = await encodeLink(REALISTIC, 1);
    const goodBytes = base64urlToBytes(good.slice(3));
    if (goodBytes === null) throw new Error('fixture');
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (bytes, at, bit) => {
          const r1 = await decodeLink(`s1.${bytesToBase64url(bytes)}`, anyJson());
          expect(typeof r1.ok).toBe('boolean');
          const flipped = goodBytes.slice();
          const i = at % flipped.length;
          flipped[i] = (flipped[i] ?? 0) ^ (1 << bit);
          const r2 = await decodeLink(`s1.${bytesToBase64url(flipped)}`, anyJson());
          expect(typeof r2.ok).toBe('boolean');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('explains empty, bare and malformed fragments', async () => {
    expectError(await decodeLink('', opts), /empty link/);
    expectError(await decodeLink('#', opts), /empty link/);
    expectError(await decodeLink('https://parakv.example/#', opts), /empty link/);
    expectError(await decodeLink('s1.', opts), /truncated link/);
    expectError(await decodeLink('s1', opts), /truncated link/);
    expectError(await decodeLink('s1.!!!', opts), /not a ParaKV link/);
    expectError(await decodeLink('hello world', opts), /not a ParaKV link/);
    expectError(await decodeLink('c1.q1ZKz', opts), /not a ParaKV link/);
    expectError(await decodeLink('s1234.AAAA', opts), /not a ParaKV link/);
    // Not even a string (untyped JS caller).
    expectError(await decodeLink(42 as unknown as string, opts), /not a ParaKV link/);
  });

  it('reports truncated links', async () => {
    const link = await encodeLink(REALISTIC, 3);
    const cuts = [1, 2, 3, 4, 5, 6, 7, 8, Math.floor(link.length / 2)];
    for (const cut of cuts) {
      expectError(await decodeLink(link.slice(0, link.length - cut), anyJson(3)), /truncated or corrupt/);
    }
  });

  it('reports valid base64 that is not deflate data', async () => {
    const notDeflate = bytesToBase64url(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expectError(await decodeLink(`s1.${notDeflate}`, anyJson()), /corrupt/);
  });

  it('reports deflated data that is not JSON, or not UTF-8', async () => {
    const notJson = await rawDeflate(new TextEncoder().encode('{"gpus": 8, model'));
    expectError(await decodeLink(`s3.${bytesToBase64url(notJson)}`, opts), /corrupt link data: not valid JSON/);
    const notUtf8 = await rawDeflate(new Uint8Array([0x22, 0xc3, 0x28, 0x22]));
    expectError(await decodeLink(`s3.${bytesToBase64url(notUtf8)}`, opts), /corrupt link data: not valid UTF-8/);
  });

  it('rejects a zip bomb as too large without inflating it all', async () => {
    // 30 MB of spaces inside a JSON string: valid JSON, ~39 KB link, under the length cap.
    const bomb = await encodeLink(' '.repeat(30_000_000), 1);
    expect(bomb.length).toBeLessThan(MAX_FRAGMENT_LENGTH);
    const t0 = performance.now();
    expectError(await decodeLink(bomb, anyJson()), /too large \(over 2 MiB when decompressed\)/);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('rejects a 100 KB string by length before any work', async () => {
    const big = `s1.${'A'.repeat(100_000)}`;
    expectError(await decodeLink(big, opts), /link is too long/);
    expectError(await decodeLink(`https://x.example/#${big}`, opts), /link is too long/);
    expectError(await decodeLink('x'.repeat(100_000), opts), /link is too long/);
  });

  it('says clearly when a link is from a newer build', async () => {
    const link = await encodeLink({ anything: true }, 4);
    expectError(
      await decodeLink(link, { ...opts, currentVersion: 2 }),
      /^link made by a newer ParaKV \(v4\); this build reads up to v2$/,
    );
  });

  it('reports a missing migration, a throwing migration and a throwing validator', async () => {
    const v1 = await encodeLink({ gpus: 8, model: 'm' }, 1);
    expectError(
      await decodeLink(v1, { ...opts, migrations: { 1: opts.migrations[1]! } }),
      /no migration from v2 to v3/,
    );
    expectError(
      await decodeLink(v1, {
        ...opts,
        migrations: {
          ...opts.migrations,
          1: () => {
            throw new Error('boom');
          },
        },
      }),
      /could not upgrade link from v1 to v2: boom/,
    );
    const v3 = await encodeLink({ cluster: { gpus: 1 }, model: { name: 'm' } }, 3);
    expectError(
      await decodeLink(v3, {
        ...opts,
        validate: () => {
          throw new Error('kaboom');
        },
      }),
      /invalid scenario: kaboom/,
    );
  });

  it('passes the validator message through', async () => {
    const link = await encodeLink({ cluster: { gpus: '8' }, model: { name: 'm' } }, 3);
    expectError(await decodeLink(link, opts), /^invalid scenario: cluster\.gpus: expected a number$/);
  });
});

describe('versioning', () => {
  it('applies migrations v1→v2→v3 one step at a time, in order, then validates', async () => {
    const log: string[] = [];
    const link = await encodeLink({ gpus: 8, model: 'llama-3-70b' }, 1);
    const r = await decodeLink(link, fakeSchema(log));
    expect(r).toEqual({ ok: true, value: { cluster: { gpus: 8 }, model: { name: 'llama-3-70b' } }, migratedFrom: 1 });
    expect(log).toEqual(['1→2', '2→3']);
  });

  it('starts the chain at the link version', async () => {
    const log: string[] = [];
    const r = await decodeLink(await encodeLink({ gpus: 2, model: { name: 'x' } }, 2), fakeSchema(log));
    expect(r).toEqual({ ok: true, value: { cluster: { gpus: 2 }, model: { name: 'x' } }, migratedFrom: 2 });
    expect(log).toEqual(['2→3']);
  });

  it('old links keep opening: committed fixtures still decode', async () => {
    // Generated once with encodeLink and committed as literals. Never regenerate these: if they
    // stop decoding, an old shared link in the wild has stopped opening.
    const FIXTURE_V1 = 's1.q1ZKLygtVrKy0FHKzU9JzVGyUsrJScxN1DXWNTdIUqoFAA';
    const FIXTURE_V3 = 's3.q1ZKziktLkktUrKqVkovKC1WsjI0q9VRys1PSc0BieUl5qYqWSkVlqfmGemaGyUp1dYCAA';
    expect(await decodeLink(`https://parakv.example/#${FIXTURE_V1}`, fakeSchema())).toEqual({
      ok: true,
      value: { cluster: { gpus: 8 }, model: { name: 'llama-3-70b' } },
      migratedFrom: 1,
    });
    expect(await decodeLink(`#${FIXTURE_V3}`, fakeSchema())).toEqual({
      ok: true,
      value: { cluster: { gpus: 16 }, model: { name: 'qwen2-72b' } },
      migratedFrom: null,
    });
  });
});

/** A link holding `value` as raw JSON text, made without encodeLink's checks (as an attacker would). */
async function rawLink(json: string, version = 1): Promise<string> {
  return `s${version}.${bytesToBase64url(await rawDeflate(new TextEncoder().encode(json)))}`;
}

/** `inner` wrapped in `depth` levels of arrays and objects, alternating. */
function wrap(inner: unknown, depth: number): unknown {
  let v = inner;
  for (let i = 0; i < depth; i += 1) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

describe('shared depth limit (issue 16)', () => {
  it('refuses a link nested 10⁵ deep at decode, with a clear message', async () => {
    const link = await rawLink('['.repeat(100_000) + ']'.repeat(100_000));
    expect(link.length).toBeLessThan(MAX_FRAGMENT_LENGTH);
    const r = await decodeLink(link, anyJson());
    expect(r).toEqual({
      ok: false,
      error: `link data nests deeper than ${MAX_JSON_DEPTH} levels: a ParaKV link never does, so it was not opened`,
    });
  });

  it('refuses a value a migration deepens past the limit, and encodeLink refuses to write one', async () => {
    const deepening: DecodeOptions<unknown> = {
      currentVersion: 2,
      migrations: { 1: (old) => wrap(old, MAX_JSON_DEPTH) },
      validate: (json) => ({ ok: true, value: json }),
    };
    expect(await decodeLink(await rawLink('{"a":[1]}'), deepening)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/nests deeper than 64 levels/),
    });
    await expect(encodeLink(wrap(1, 100_000), 1)).rejects.toThrow('link payload nests deeper than 64 levels');
  });

  it('any link that decodes re-encodes, and decodes again to the same value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: 2 * MAX_JSON_DEPTH }), async (v, d) => {
        const r = await decodeLink(await rawLink(JSON.stringify(wrap(v, d))), anyJson());
        expect(r.ok).toBe(valueDepth(wrap(v, d)) <= MAX_JSON_DEPTH);
        if (!r.ok) return;
        const again = await decodeLink(await encodeLink(r.value, 1), anyJson());
        expect(again).toEqual(r);
      }),
      { numRuns: 200 },
    );
  });
});
