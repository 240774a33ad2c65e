import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { memoryReport } from '../cost/memory.ts';
import { evaluateFast } from '../evaluate/fast.ts';
import { ENGINE_PROFILES, sglangMemFractionStatic } from './profiles.ts';
import { parseVersion, profileFor, resolveRuntime } from './resolve.ts';
import { kvBudgetGB } from './memory.ts';

function scenario(extra: Record<string, unknown> = {}, runtime: Record<string, unknown> = {}): Scenario {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    ...extra,
    runtime,
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('profileFor', () => {
  it('maps versions inside a profile range to it, silently', () => {
    expect(profileFor('vllm', '0.19.1').profile.id).toBe('0.19');
    expect(profileFor('vllm', 'v0.18.0').profile.id).toBe('0.19');
    expect(profileFor('sglang', '0.5.1.post1').profile.id).toBe('0.5.9');
    expect(profileFor('trtllm', '1.0.0rc3').profile.id).toBe('1.3');
    expect(profileFor('trtllm', '0.19.0').profile.id).toBe('0.19');
    expect(profileFor('vllm', '0.11.2')).toEqual({ profile: expect.objectContaining({ id: '0.10' }), warnings: [] });
  });

  it('runs a version without a profile on the nearest one with a warning naming both', () => {
    const r = profileFor('vllm', '0.12.0');
    expect(r.profile.id).toBe('0.10');
    expect(r.warnings).toEqual([
      'No profile for vLLM 0.12.0: it runs on the nearest one, vLLM 0.10 (V1, sync scheduling) (set runtime knobs to override).',
    ]);
    expect(profileFor('sglang', '0.3.6').profile.id).toBe('0.4');
    expect(profileFor('trtllm', '2.1').profile.id).toBe('1.3');
    expect(profileFor('vllm', 'nightly').warnings[0]).toMatch(/not a release number: vLLM runs on its newest profile/);
  });

  it('no version: the default profile, no warning', () => {
    expect(profileFor('vllm').profile.id).toBe('0.19');
    expect(profileFor('sglang').profile.id).toBe('0.5.9');
    expect(profileFor('trtllm').profile.id).toBe('1.3');
  });

  it('any version string resolves to a profile of that engine (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('vllm', 'sglang', 'trtllm' as const), fc.string({ maxLength: 12 }), (e, v) => {
        const r = profileFor(e, v);
        expect(r.profile.engine).toBe(e);
        expect(r.warnings.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('parses release strings', () => {
    expect(parseVersion('v0.5.1.post1')).toEqual([0, 5, 1]);
    expect(parseVersion('1.3.0rc1')).toEqual([1, 3, 0]);
    expect(parseVersion('2')).toEqual([2, 0, 0]);
    expect(parseVersion('main')).toBeNull();
  });

  it('every profile cites a source for every knob', () => {
    for (const p of ENGINE_PROFILES) {
      const d = p.defaults({ gpuId: 'h100-sxm', memoryGB: 80, tp: 1, pp: 1 });
      for (const k of Object.keys(d))
        expect(p.sources[k as keyof typeof d], `${p.label} ${k}`).toMatch(/§\d|not in ENGINE-FACTS/);
    }
  });
});

describe('resolveRuntime', () => {
  it('no engine: vLLM 0.19 defaults on an 80 GB H100 (ENGINE-FACTS §1.2/§1.3)', () => {
    const rt = resolveRuntime(scenario());
    expect(rt).toMatchObject({
      maxNumSeqs: 1024,
      maxBatchedTokens: 8192,
      chunkedPrefill: true,
      mixedPrefillDecode: true,
      schedulerPolicy: 'decode-first',
      gpuMemoryUtilization: 0.9,
      memorySemantics: 'share-of-total',
      kvBlockSize: 16,
      cudaGraphMaxBatch: 512,
      overlapScheduling: true,
      prefixCaching: true,
      preemption: 'recompute',
      engine: { name: 'vllm', version: '0.19', profile: 'vLLM 0.19 (V1, async scheduling)', warnings: [] },
    });
    expect(rt.fromEngine).toContain('maxNumSeqs');
  });

  it('explicit knobs win and are not listed as engine defaults', () => {
    const rt = resolveRuntime(scenario({}, { engine: { name: 'sglang' }, maxBatchedTokens: 4096, kvBlockSize: 16 }));
    expect(rt.maxBatchedTokens).toBe(4096);
    expect(rt.kvBlockSize).toBe(16);
    expect(rt.fromEngine).not.toContain('maxBatchedTokens');
    expect(rt.fromEngine).toContain('mixedPrefillDecode');
    expect(rt.schedulerPolicy).toBe('prefill-first');
  });

  it('an explicit scheduler policy sets the mixing flag, and the reverse', () => {
    expect(resolveRuntime(scenario({}, { schedulerPolicy: 'prefill-first' })).mixedPrefillDecode).toBe(false);
    expect(resolveRuntime(scenario({}, { engine: { name: 'sglang' }, mixedPrefillDecode: true })).schedulerPolicy).toBe(
      'decode-first',
    );
  });

  it('SGLang 0.5 tiers by HBM and derives mem_fraction_static (ENGINE-FACTS §2.2)', () => {
    const h100 = resolveRuntime(scenario({}, { engine: { name: 'sglang', version: '0.5.9' } }));
    expect(h100.maxBatchedTokens).toBe(8192);
    expect(h100.cudaGraphMaxBatch).toBe(256);
    // 80 GiB = 85.899 GB reported: reserved = 0.512 + 12.288 + 0.134 + 0.512 = 13.45 GB → (85.899 − 13.45)/85.899.
    const cap = 85.899;
    expect(h100.gpuMemoryUtilization).toBeCloseTo((cap - (0.512 + 1.5e-3 * 8192 + 1.073741824 / 8 + 0.512)) / cap, 6);
    const b200 = resolveRuntime(scenario({ cluster: { gpu: 'b200' } }, { engine: { name: 'sglang' } }));
    expect(b200.maxBatchedTokens).toBe(16384);
    expect(b200.cudaGraphMaxBatch).toBe(512);
    // The 10 GiB floor binds on a small plan with a small chunk.
    expect(sglangMemFractionStatic(100, 2048, 8, 1, 1)).toBeCloseTo((100 - 10.73741824) / 100, 6);
  });

  it('TRT-LLM 1.3: no chunked context, reserve to completion, share of free memory (ENGINE-FACTS §3.2)', () => {
    const rt = resolveRuntime(scenario({}, { engine: { name: 'trtllm' } }));
    expect(rt).toMatchObject({
      chunkedPrefill: false,
      mixedPrefillDecode: true,
      preemption: 'reserve',
      memorySemantics: 'share-of-free',
      kvBlockSize: 32,
      cudaGraphMaxBatch: 128,
      maxBatchedTokens: 8192,
    });
  });

  it('A100 keeps vLLM’s small-GPU budget', () => {
    const rt = resolveRuntime(scenario({ cluster: { gpu: 'a100-80gb' } }));
    expect([rt.maxBatchedTokens, rt.maxNumSeqs]).toEqual([2048, 256]);
  });
});

describe('memory-knob semantics', () => {
  it('each engine reads the fraction its own way', () => {
    expect(kvBudgetGB('share-of-total', 80, 0.9, 16, 2, 1).freeGB).toBeCloseTo(72 - 19, 9);
    expect(kvBudgetGB('weights-and-kv', 80, 0.9, 16, 2, 1).freeGB).toBeCloseTo(72 - 16, 9);
    expect(kvBudgetGB('share-of-free', 80, 0.9, 16, 2, 1).freeGB).toBeCloseTo(0.9 * 61, 9);
    // SGLang: activations that overflow the non-static share shrink the pool.
    expect(kvBudgetGB('weights-and-kv', 80, 0.99, 16, 2, 1).freeGB).toBeCloseTo(80 - 19, 9);
  });

  it('the same fraction buys more KV under TRT-LLM’s meaning than under vLLM’s', () => {
    const kv = (name: 'vllm' | 'trtllm') =>
      memoryReport(resolveDeployment(scenario({}, { engine: { name }, gpuMemoryUtilization: 0.9 }))).perGpu[0]!
        .kvCacheGB;
    expect(kv('trtllm')).toBeGreaterThan(kv('vllm'));
  });
});

describe('results name the engine', () => {
  it('evaluation carries engine, version, profile and warnings', () => {
    const r = evaluateFast(scenario({}, { engine: { name: 'vllm', version: '0.13.0' } }));
    expect(r.engine).toMatchObject({ name: 'vllm', version: '0.13.0', profile: 'vLLM 0.19 (V1, async scheduling)' });
    expect(r.engine!.warnings[0]).toMatch(/No profile for vLLM 0\.13\.0: it runs on the nearest one, vLLM 0\.19/);
    expect(r.warnings).toContain(r.engine!.warnings[0]);
  });
});
