import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getModel } from '../model/catalog.ts';
import {
  ACCEPTANCE_DEFAULTS,
  SPEC_METHODS,
  acceptanceForLength,
  acceptanceOf,
  acceptedTokensProbability,
  draftModelOf,
  expectedAcceptedTokens,
  speculativeConflict,
} from './index.ts';

describe('acceptance model (Leviathan et al. 2023, eq. 1)', () => {
  it('hand-worked: a = 0.8, k = 3 drafts', () => {
    // P(emit n): n−1 drafts accepted then one rejected, or all 3 accepted:
    //   P(1) = 0.2, P(2) = 0.8·0.2 = 0.16, P(3) = 0.64·0.2 = 0.128, P(4) = 0.8³ = 0.512  (sum 1)
    //   E = 1·0.2 + 2·0.16 + 3·0.128 + 4·0.512 = 0.2 + 0.32 + 0.384 + 2.048 = 2.952
    //   closed form (1 − 0.8⁴) / (1 − 0.8) = (1 − 0.4096) / 0.2 = 2.952
    const probs = [1, 2, 3, 4].map((n) => acceptedTokensProbability(0.8, 3, n));
    expect(probs[0]).toBeCloseTo(0.2, 12);
    expect(probs[1]).toBeCloseTo(0.16, 12);
    expect(probs[2]).toBeCloseTo(0.128, 12);
    expect(probs[3]).toBeCloseTo(0.512, 12);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(expectedAcceptedTokens(0.8, 3)).toBeCloseTo(2.952, 12);
    expect(acceptedTokensProbability(0.8, 3, 5)).toBe(0);
  });

  it('DeepSeek-V3 MTP-1 at the reported 85–90 % acceptance emits 1.85–1.9 tokens per step (report: ≈1.8× TPS)', () => {
    expect(expectedAcceptedTokens(0.85, 1)).toBeCloseTo(1.85, 12);
    expect(expectedAcceptedTokens(0.9, 1)).toBeCloseTo(1.9, 12);
  });

  it('inverts published acceptance lengths: reused DeepSeek-V3 MTP at k = 7, τ = 3.20 (NEBIUS-MTP) is a ≈ 0.70', () => {
    const a = acceptanceForLength(3.2, 7);
    expect(expectedAcceptedTokens(a, 7)).toBeCloseTo(3.2, 6);
    expect(a).toBeGreaterThan(0.68);
    expect(a).toBeLessThan(0.72);
    // The fine-tuned head's ≈4.8 is what the 0.85 default gives at k = 7.
    expect(expectedAcceptedTokens(0.85, 7)).toBeCloseTo(4.85, 2);
  });

  it('edge cases: a = 0 emits exactly 1, a = 1 emits k + 1', () => {
    for (let k = 1; k <= 8; k++) {
      expect(expectedAcceptedTokens(0, k)).toBe(1);
      expect(expectedAcceptedTokens(1, k)).toBe(k + 1);
    }
  });

  it('property: 1 ≤ E ≤ k + 1, increasing in a and in k, equal to the mean of the distribution', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 8 }), (a, k) => {
        const e = expectedAcceptedTokens(a, k);
        expect(e).toBeGreaterThanOrEqual(1);
        expect(e).toBeLessThanOrEqual(k + 1 + 1e-12);
        expect(expectedAcceptedTokens(Math.min(1, a + 0.01), k)).toBeGreaterThanOrEqual(e - 1e-12);
        expect(expectedAcceptedTokens(a, k + 1)).toBeGreaterThanOrEqual(e - 1e-12);
        let mean = 0;
        for (let n = 1; n <= k + 1; n++) mean += n * acceptedTokensProbability(a, k, n);
        expect(mean).toBeCloseTo(e, 9);
      }),
    );
  });
});

describe('acceptance defaults', () => {
  it('every method has a default in [0, 1] with a source', () => {
    for (const m of SPEC_METHODS) {
      const d = ACCEPTANCE_DEFAULTS[m];
      expect(d.acceptance).toBeGreaterThanOrEqual(0);
      expect(d.acceptance).toBeLessThanOrEqual(1);
      expect(d.source.length).toBeGreaterThan(40);
    }
    expect(ACCEPTANCE_DEFAULTS.mtp.source).toMatch(/2412\.19437/);
    expect(ACCEPTANCE_DEFAULTS.eagle.source).toMatch(/2401\.15077/);
    expect(ACCEPTANCE_DEFAULTS.eagle3.source).toMatch(/2503\.01840/);
  });
  it('the scenario’s acceptanceRate wins over the default', () => {
    expect(acceptanceOf({ method: 'mtp' })).toBe(0.85);
    expect(acceptanceOf({ method: 'mtp', acceptanceRate: 0.5 })).toBe(0.5);
    expect(acceptanceOf({ method: 'ngram', acceptanceRate: 0 })).toBe(0);
  });
});

describe('drafts and compatibility', () => {
  it('refuses MTP on a model without MTP heads, naming the fix', () => {
    const llama = getModel('llama-3.1-8b')!;
    expect(speculativeConflict(llama, 'mtp')).toMatch(/num_nextn_predict_layers/);
    expect(speculativeConflict(llama, 'mtp')).toMatch(/eagle, eagle3 or ngram/);
    for (const m of ['eagle', 'eagle3', 'ngram'] as const) expect(speculativeConflict(llama, m)).toBeNull();
    for (const id of ['deepseek-v3', 'deepseek-r1', 'qwen3.5-397b-a17b', 'glm-5', 'deepseek-v3.2']) {
      expect(speculativeConflict(getModel(id)!, 'mtp'), id).toBeNull();
    }
  });
  it('the MTP draft of DeepSeek-V3 is one MoE MLA block; EAGLE drafts are one dense block; n-gram has none', () => {
    const ds = getModel('deepseek-v3')!;
    const mtp = draftModelOf(ds, 'mtp')!;
    expect(mtp.layers).toEqual([{ attention: 'full', ffn: 'moe' }]);
    expect(mtp.moe).toBe(ds.moe);
    expect(mtp.attention.kind).toBe('mla');
    const eagle = draftModelOf(ds, 'eagle3')!;
    expect(eagle.layers).toEqual([{ attention: 'full', ffn: 'dense' }]);
    expect(eagle.moe).toBeNull();
    expect(draftModelOf(ds, 'ngram')).toBeNull();
    // Qwen3.5's MTP block is its full-attention (gated) block, not a Gated DeltaNet one.
    expect(draftModelOf(getModel('qwen3.5-397b-a17b')!, 'mtp')!.layers[0]!.attention).toBe('full');
  });
});
