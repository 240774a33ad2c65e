import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { workloadSchema } from '../scenario/schema.ts';
import { compareStrategies } from './compare.ts';
import { llama8bH100 } from './testkit.ts';
import type { KvStrategyInput } from '../kv/types.ts';

const dep = llama8bH100();
const longChat = workloadSchema.parse({ inputTokens: 32_768, outputTokens: 1024, requests: 1000 });

const CANDIDATES: Record<string, KvStrategyInput> = {
  fp8: { quant: { dtype: 'fp8' } },
  kivi: { quant: { dtype: 'kivi2' } },
  h2o: { evict: { policy: 'h2o', budgetFraction: 0.2 } },
  host: { offload: { hostGB: 240 } },
  prefix: { share: { prefixTokens: 4096 } },
  vattention: { paging: { scheme: 'vattention' } },
  rag: { share: { ragChunkReuse: { chunkTokens: 8192, recomputeFraction: 0.15 } } },
  cachegen: { distributed: { transferCompression: 4 } },
};

describe('compareStrategies', () => {
  it('fp8 doubles concurrency at 32K+1K; lossy ones are listed as not allowed', () => {
    const c = compareStrategies(dep, longChat, [CANDIDATES.fp8!, CANDIDATES.kivi!, CANDIDATES.h2o!], {
      allowLossy: false,
      allowNearLossless: true,
    });
    expect(c.baseline.concurrency).toBe(13);
    const fp8 = c.ranked.find((s) => s.label === 'fp8 KV')!;
    expect(fp8.rank).toBe(1);
    expect(fp8.concurrency).toBe(26);
    expect(fp8.reason).toMatch(/^fp8 KV doubles concurrency: \d\.\d× throughput — near-lossless$/);
    expect(fp8.vsBaseline.throughput).toBeGreaterThan(1.2);
    const kivi = c.ranked.find((s) => s.label === 'KIVI-2')!;
    expect(kivi).toMatchObject({ rank: null, allowed: false, reason: 'KIVI-2 not allowed: lossy' });
    expect(c.ranked.at(-1)!.allowed).toBe(false);
  });

  it('near-lossless follows allowLossy unless set; with lossy allowed the smallest KV wins here', () => {
    const strict = compareStrategies(dep, longChat, [CANDIDATES.fp8!], { allowLossy: false });
    expect(strict.ranked[0]!.reason).toBe('fp8 KV not allowed: near-lossless (lossy)');
    const loose = compareStrategies(dep, longChat, Object.values(CANDIDATES), { allowLossy: true });
    expect(loose.ranked[0]!.rank).toBe(1);
    expect(['KIVI-2', 'H2O 20%']).toContain(loose.ranked[0]!.label);
    const ranks = loose.ranked.filter((s) => s.rank !== null);
    ranks.forEach((s, i) => {
      expect(s.rank).toBe(i + 1);
      if (i > 0) expect(s.outputTokPerSPerGpu).toBeLessThanOrEqual(ranks[i - 1]!.outputTokPerSPerGpu);
    });
  });

  it('host offload stays within HBM when streaming from host would be slower, and says so', () => {
    const c = compareStrategies(dep, longChat, [CANDIDATES.host!], { allowLossy: false });
    const host = c.ranked[0]!;
    expect(host.concurrency).toBe(13);
    expect(host.reason).toMatch(/stays within HBM: streaming \d+ sequences from host would give 0\.\d+×/);
  });

  it('a strategy that cannot hold one sequence is reported, not ranked', () => {
    const huge = workloadSchema.parse({ inputTokens: 1_000_000, outputTokens: 1000 });
    const c = compareStrategies(dep, huge, [{}, CANDIDATES.fp8!], { allowLossy: true });
    expect(c.ranked[0]!.fits).toBe(false);
    expect(c.ranked[0]!.rank).toBeNull();
    expect(c.ranked[0]!.reason).toMatch(
      /does not fit: one 977.5K-token sequence needs 131.2 GB of KV \(131.2 GB per GPU\), 59.0 GB free per GPU/,
    );
  });

  it('property: lossy strategies are never chosen when allowLossy = false', () => {
    const arb = fc.constantFrom(...Object.values(CANDIDATES));
    const wl = fc.record({
      inputTokens: fc.integer({ min: 256, max: 65_536 }),
      outputTokens: fc.integer({ min: 16, max: 2048 }),
    });
    fc.assert(
      fc.property(fc.array(arb, { minLength: 1, maxLength: 5 }), wl, fc.boolean(), (list, w, nearOk) => {
        const c = compareStrategies(dep, workloadSchema.parse(w), list, {
          allowLossy: false,
          allowNearLossless: nearOk,
        });
        for (const s of c.ranked) {
          if (s.rank !== null) expect(s.fidelity === 'exact' || (nearOk && s.fidelity === 'near-lossless')).toBe(true);
          if (s.fidelity === 'approximate') expect(s.rank).toBeNull();
        }
      }),
      { numRuns: 25 },
    );
  });
});
