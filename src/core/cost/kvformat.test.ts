import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { resolveDeployment, ScenarioError } from './deployment.ts';
import { geometryOf } from './geometry.ts';
import { hasKvComponents, kvMathDtype, kvStoredBytesPerElement, withoutKvStrategy } from './kvformat.ts';
import { kvBlockTokens, memoryReport } from './memory.ts';
import { kvStrategyConflict } from '../scenario/rules.ts';

const base = { version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 } };

function dep(extra: Record<string, unknown>) {
  const p = parseScenario({ ...base, ...extra });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

describe('runtime.kvStrategy in the scenario', () => {
  it('is optional and absent by default (plain paged KV at precision.kvCache)', () => {
    const p = parseScenario(base);
    expect(p.ok && p.scenario.runtime.kvStrategy).toBe(undefined);
  });

  it('parses with the kv schema and names bad fields', () => {
    const ok = parseScenario({ ...base, runtime: { kvStrategy: { quant: { dtype: 'kivi2' } } } });
    expect(ok.ok).toBe(true);
    const bad = parseScenario({ ...base, runtime: { kvStrategy: { quant: { dtype: 'int3' } } } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]).toMatch(/^runtime\.kvStrategy\.quant\.dtype/);
  });

  it('a quant component and precision.kvCache must agree: bf16/fp16 base or the same dtype', () => {
    const q = (dtype: 'fp8' | 'kivi2' | 'int4') => ({ kind: 'quant' as const, dtype });
    expect(kvStrategyConflict({ kvCache: 'bf16' }, { quant: q('kivi2') } as never)).toBe(null);
    expect(kvStrategyConflict({ kvCache: 'fp8' }, { quant: q('fp8') } as never)).toBe(null);
    const c = kvStrategyConflict({ kvCache: 'fp8' }, {
      quant: q('kivi2'),
    } as never);
    expect(c?.field).toBe('runtime.kvStrategy.quant.dtype');
    const p = parseScenario({
      ...base,
      precision: { kvCache: 'fp8' },
      runtime: { kvStrategy: { quant: { dtype: 'int4' } } },
    });
    expect(p.ok).toBe(false);
    expect(!p.ok && p.errors[0]).toMatch(
      /^runtime\.kvStrategy\.quant\.dtype: int4 conflicts with precision\.kvCache = fp8/,
    );
  });

  it('resolveDeployment rejects the conflict with a ScenarioError naming the field (scenarios built in code)', () => {
    const p = parseScenario(base);
    if (!p.ok) throw new Error();
    const s = {
      ...p.scenario,
      precision: { ...p.scenario.precision, kvCache: 'int8' as const },
      runtime: { ...p.scenario.runtime, kvStrategy: { quant: { kind: 'quant' as const, dtype: 'kivi2' as const } } },
    };
    expect(() => resolveDeployment(s)).toThrowError(ScenarioError);
    expect(() => resolveDeployment(s)).toThrow(/runtime\.kvStrategy\.quant\.dtype/);
  });
});

describe('the stored KV format follows the strategy', () => {
  it('no strategy, or one with no component: precision.kvCache exactly', () => {
    const a = dep({});
    const b = dep({ runtime: { kvStrategy: { label: 'nothing' } } });
    expect(hasKvComponents(b.runtime.kvStrategy)).toBe(false);
    expect(geometryOf(b)).toEqual(geometryOf(a));
    expect(memoryReport(b)).toEqual(memoryReport(a));
  });

  it('KIVI-2 stores 0.25 B + 4/32 B scale+zero per element; fp8 via the strategy = fp8 via precision', () => {
    const kivi = dep({ runtime: { kvStrategy: { quant: { dtype: 'kivi2' } } } });
    expect(kvStoredBytesPerElement(kivi)).toBe(0.375);
    expect(geometryOf(kivi).kvBytesPerTokenLayerGpu).toBe(8 * 256 * 0.375);
    expect(kvMathDtype(kivi)).toBe('bf16');
    const viaStrategy = dep({ runtime: { kvStrategy: { quant: { dtype: 'fp8' } } } });
    const viaPrecision = dep({ precision: { kvCache: 'fp8' } });
    expect(geometryOf(viaStrategy).kvBytes).toBe(geometryOf(viaPrecision).kvBytes);
    expect(memoryReport(viaStrategy).maxKvTokens).toBe(memoryReport(viaPrecision).maxKvTokens);
  });

  it('paging decides the allocation unit: PagedAttention block, vAttention page', () => {
    expect(kvBlockTokens(dep({}))).toBe(16);
    expect(kvBlockTokens(dep({ runtime: { kvStrategy: { paging: { blockSize: 64 } } } }))).toBe(64);
    // vAttention, 64 KiB pages: one K buffer of one layer on one GPU holds 8 heads × 128 × 2 B = 2 KiB per token → 32 tokens.
    expect(kvBlockTokens(dep({ runtime: { kvStrategy: { paging: { scheme: 'vattention', pageKiB: 64 } } } }))).toBe(32);
  });

  it('withoutKvStrategy drops the strategy and nothing else (cached)', () => {
    const d = dep({ runtime: { kvStrategy: { quant: { dtype: 'fp8' } } } });
    const s = withoutKvStrategy(d);
    expect(s.runtime.kvStrategy).toBe(undefined);
    expect(s.runtime.maxNumSeqs).toBe(d.runtime.maxNumSeqs);
    expect(withoutKvStrategy(d)).toBe(s);
    expect(withoutKvStrategy(s)).toBe(s);
  });
});
