import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { enumerateCandidates, SearchOptionError } from './space.ts';
import { search } from './search.ts';
import { specReason } from './spec-choices.ts';

function scenario(model: string, gpus = 2): Scenario {
  const r = parseScenario({
    version: 1,
    model,
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: gpus },
    slo: { ttftMs: 5000, tpotMs: 100 },
    workload: { inputTokens: 1024, outputTokens: 256, requests: 100, arrival: { kind: 'concurrency', users: 4 } },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const MTP1 = { method: 'mtp', draftTokens: 1, acceptanceRate: 0.8 } as const;

describe('speculative decoding as a search variable', () => {
  it('each layout is tried with every choice; candidates carry (or drop) runtime.speculative', () => {
    const s = scenario('qwen3.5-35b-a3b');
    const base = enumerateCandidates(s, { replicas: 'max' });
    const both = enumerateCandidates(s, { replicas: 'max', speculative: ['off', MTP1] });
    expect(both.length).toBe(2 * base.length);
    expect(new Set(both.map((c) => c.id)).size).toBe(both.length);
    const on = both.filter((c) => c.knobs.speculative?.id === 'mtp1@0.8');
    expect(on.length).toBe(base.length);
    for (const c of on) expect(c.scenario.runtime?.speculative).toEqual(MTP1);
    for (const c of both.filter((x) => x.knobs.speculative?.id === 'off'))
      expect(c.scenario.runtime?.speculative).toBeUndefined();
    expect(on[0]!.label).toMatch(/MTP-1 @0\.80/);
  });

  it('refuses a setting the model cannot use, and malformed entries, naming the option', () => {
    const llama = scenario('llama-3.1-8b');
    expect(() => enumerateCandidates(llama, { speculative: ['off', MTP1] })).toThrow(SearchOptionError);
    expect(() => enumerateCandidates(llama, { speculative: ['off', MTP1] })).toThrow(
      /speculative: \[1\]: mtp needs multi-token-prediction heads/,
    );
    expect(() => enumerateCandidates(llama, { speculative: [{ method: 'eagle', draftTokens: 12 } as never] })).toThrow(
      /speculative: \[0\]: runtime\.speculative\.draftTokens must be at most 8/,
    );
  });

  it('turns MTP on for per-user latency and says why', () => {
    const res = search(scenario('qwen3.5-35b-a3b'), {
      objective: 'tpot-p50',
      speculative: ['off', MTP1],
      simulateTop: 0,
      replicas: 'max',
      top: 3,
    });
    const best = res.ranked[0]!;
    expect(best.candidate.knobs.speculative?.id).toBe('mtp1@0.8');
    expect(best.reason).toMatch(/^MTP-1 at 0\.80 acceptance: 1\.\d× faster decode per user/);
    expect(best.reason).toMatch(/vs no spec$/);
  });

  it('reason wording', () => {
    expect(specReason(MTP1, 15, 10)).toBe('MTP-1 at 0.80 acceptance: 1.5× faster decode per user');
    expect(specReason({ method: 'ngram', draftTokens: 3, acceptanceRate: 0 }, 10, 12)).toBe(
      'n-gram-3 at 0.00 acceptance: 1.2× slower decode per user',
    );
  });
});
