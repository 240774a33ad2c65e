import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { engineChoices, runtimeView, runtimeWithEngineDefaults } from './engineUi.ts';

function scenario(runtime: Record<string, unknown>): Scenario {
  const p = parseScenario({ version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' }, runtime });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('engine picker view', () => {
  it('offers the three engines and each engine’s profiles', () => {
    const c = engineChoices('sglang');
    expect(c.engines.map((e) => e.value)).toEqual(['vllm', 'sglang', 'trtllm']);
    expect(c.versions.map((v) => v.value)).toEqual(['', '0.4', '0.5.9']);
  });

  it('marks the knobs the engine filled', () => {
    const v = runtimeView(scenario({ engine: { name: 'trtllm' }, maxNumSeqs: 64 }));
    expect(v.isDefault('maxNumSeqs')).toBe(false);
    expect(v.isDefault('chunkedPrefill')).toBe(true);
    expect(v.rt.maxNumSeqs).toBe(64);
    expect(v.summary).toBe('TensorRT-LLM 1.3 · 11 knobs from engine defaults');
  });

  it('clearing the engine knobs keeps the engine, router and KV strategy', () => {
    const s = scenario({
      engine: { name: 'sglang' },
      maxNumSeqs: 64,
      schedulerPolicy: 'decode-first',
      router: 'round-robin',
    });
    const rt = runtimeWithEngineDefaults(s.runtime);
    expect(rt).toEqual({ engine: { name: 'sglang' }, router: 'round-robin', kvWatermark: 0.01 });
    expect(runtimeView({ ...s, runtime: rt }).rt.schedulerPolicy).toBe('prefill-first');
  });
});
