import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { defaultSpeculative, specSearchPresets, specView } from './specUi.ts';

function scenario(model: string, speculative?: Record<string, unknown>): Scenario {
  const r = parseScenario({
    version: 1,
    model,
    cluster: { gpu: 'h200' },
    runtime: speculative ? { speculative } : {},
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('speculative editor view', () => {
  it('DeepSeek-V3 MTP-1 at the default 0.85: 1.85 tokens per step of 2 positions', () => {
    const v = specView(scenario('deepseek-v3', { method: 'mtp', draftTokens: 1 }));
    expect(v.mtpAvailable).toBe(true);
    expect(v.acceptance).toBe(0.85);
    expect(v.tokensPerStep).toBeCloseTo(1.85, 12);
    expect(v.summary).toBe('1.85 tokens per verify step of 2 positions (k = 1 draft at 0.85 acceptance)');
    expect(v.refusal).toBeNull();
    expect(v.defaultSource).toMatch(/DeepSeek-V3/);
  });
  it('a model without MTP heads: MTP is not offered, the default is EAGLE-3, a pasted MTP setting is explained', () => {
    const s = scenario('llama-3.1-8b');
    expect(specView(s).methods.map((m) => m.value)).toEqual(['eagle', 'eagle3', 'ngram']);
    expect(defaultSpeculative(s)).toEqual({ method: 'eagle3', draftTokens: 3 });
    expect(specSearchPresets(s).map((p) => p.id)).toEqual(['off', 'eagle33', 'ngram3']);
    const bad = specView(scenario('llama-3.1-8b', { method: 'mtp', draftTokens: 1 }));
    expect(bad.refusal).toMatch(/^runtime\.speculative\.method: mtp needs multi-token-prediction heads/);
  });
  it('a chosen search setting the presets lack stays a chip, so it can be unselected', () => {
    const s = scenario('llama-3.1-8b');
    const chosen = ['off', { method: 'mtp', draftTokens: 1 }, { method: 'eagle3', draftTokens: 3 }] as const;
    expect(specSearchPresets(s, [...chosen]).map((p) => p.id)).toEqual(['off', 'eagle33', 'ngram3', 'mtp1']);
    expect(specSearchPresets(scenario('deepseek-v3'), [...chosen]).map((p) => p.id)).toEqual([
      'off',
      'mtp1',
      'mtp3',
      'eagle33',
      'ngram3',
    ]);
  });
  it('a set acceptance wins over the default', () => {
    const v = specView(scenario('llama-3.1-8b', { method: 'eagle3', draftTokens: 3, acceptanceRate: 0.5 }));
    // (1 − 0.5⁴) / 0.5 = 1.875
    expect(v.tokensPerStep).toBeCloseTo(1.875, 12);
    expect(v.defaultAcceptance).toBe(0.8);
  });
});
