import { describe, expect, it } from 'vitest';
import { getModel, MODEL_IDS, MODELS } from './catalog.ts';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOG_CONFIGS } from './configs.ts';
import { fromHfConfig, parseHfConfigText } from './hf.ts';
import { checkpointPrecisionOf } from './precision.ts';
import { countParams, indexerKeyBytesPerToken, kvBytesPerToken, stateBytesPerSequence } from './params.ts';
import type { ModelSpec } from './types.ts';

const EXPECTED_IDS = [
  'llama-3.1-8b',
  'llama-3.1-70b',
  'llama-3.1-405b',
  'llama-2-7b',
  'llama-2-70b',
  'mistral-7b-v0.1',
  'qwen2.5-72b',
  'gemma-2-27b',
  'phi-3-mini',
  'mixtral-8x7b',
  'mixtral-8x22b',
  'qwen3-235b-a22b',
  'qwen3-30b-a3b',
  'gpt-oss-120b',
  'gpt-oss-20b',
  'deepseek-v3',
  'deepseek-r1',
  'deepseek-v2-lite',
  'qwen3-32b',
  'qwen3-8b',
  'mistral-large-2407',
  'kimi-k2',
  'llama-4-scout',
  'llama-4-maverick',
  'qwen3.5-397b-a17b',
  'qwen3.5-35b-a3b',
  'deepseek-v3.2',
  'glm-5',
  'nemotron-3-super-120b-a12b',
  'nemotron-3-nano-30b-a3b',
  'minimax-m3',
  'kimi-k3',
];

const model = (id: string): ModelSpec => {
  const m = getModel(id);
  if (!m) throw new Error(`missing catalog model ${id}`);
  return m;
};
const B = (n: number): number => n / 1e9;

describe('catalog', () => {
  it('has exactly the expected lowercase ids, unique, in MODEL_IDS order', () => {
    expect([...MODEL_IDS].sort()).toEqual([...EXPECTED_IDS].sort());
    expect(new Set(MODEL_IDS).size).toBe(MODEL_IDS.length);
    expect(MODEL_IDS).toEqual(MODELS.map((m) => m.id));
    for (const id of MODEL_IDS) expect(id).toBe(id.toLowerCase());
  });

  it('getModel finds ids case-insensitively and returns undefined for unknown ids', () => {
    expect(getModel('DeepSeek-V3')?.id).toBe('deepseek-v3');
    expect(getModel('nope')).toBeUndefined();
  });

  it('every entry cites its source and carries a family and hfId', () => {
    for (const c of CATALOG_CONFIGS) {
      expect(c.source.length).toBeGreaterThan(10);
      const m = model(c.id);
      expect(m.source).toBe(c.source);
      expect(m.family).toBe(c.family);
      expect(m.hfId).toBe(c.hfId);
    }
  });

  it('all models have positive finite params and KV', () => {
    for (const m of MODELS) {
      const p = countParams(m);
      expect(p.totalParams).toBeGreaterThan(0);
      expect(p.activeParams).toBeGreaterThan(0);
      expect(p.activeParams).toBeLessThanOrEqual(p.totalParams);
      expect(Number.isSafeInteger(p.totalParams)).toBe(true);
      expect(kvBytesPerToken(m, 2)).toBeGreaterThan(0);
    }
  });

  // Active counts include the input embedding (models.json method). Published "active" figures
  // that exclude it (DeepSeek 36.6B, gpt-oss 5.1B/3.6B) are checked against active - embedding.
  const ACTIVE: [id: string, totalB: number, activeB: number, activeExclEmbB: number][] = [
    ['deepseek-v3', 671.03, 37.55, 36.63],
    ['deepseek-r1', 671.03, 37.55, 36.63],
    ['deepseek-v2-lite', 15.71, 2.66, 2.45],
    ['kimi-k2', 1026.41, 32.86, 31.69],
    ['qwen3-235b-a22b', 235.09, 22.19, 21.57],
    ['qwen3-30b-a3b', 30.53, 3.35, 3.04],
    ['mixtral-8x7b', 46.7, 12.88, 12.75],
    ['mixtral-8x22b', 140.62, 39.15, 38.96],
    ['gpt-oss-120b', 116.83, 5.71, 5.13],
    ['gpt-oss-20b', 20.91, 4.19, 3.61],
    ['llama-4-scout', 107.77, 17.17, 16.14],
    ['llama-4-maverick', 400.71, 17.19, 16.15],
    ['mistral-large-2407', 122.61, 122.61, 122.22],
    ['qwen3-32b', 32.76, 32.76, 31.98],
    ['qwen3-8b', 8.19, 8.19, 7.57],
  ];
  for (const [id, total, active, excl] of ACTIVE) {
    it(`${id}: ${total}B total, ${active}B active (${excl}B without input embedding)`, () => {
      const p = countParams(model(id));
      expect(B(p.totalParams)).toBeCloseTo(total, 1);
      expect(B(p.activeParams)).toBeCloseTo(active, 1);
      expect(B(p.activeParams - p.embeddingParams)).toBeCloseTo(excl, 1);
    });
  }

  it('dense models are fully active', () => {
    for (const m of MODELS.filter((x) => !x.moe)) {
      const p = countParams(m);
      expect(p.activeParams).toBe(p.totalParams);
    }
  });

  it('Mistral Large 2407 matches its config: 88 layers, GQA 96/8, untied, 131072 context', () => {
    const m = model('mistral-large-2407');
    expect(m.layers.length).toBe(88);
    expect(m.attention).toMatchObject({ numHeads: 96, numKvHeads: 8, headDim: 128 });
    expect(m.tieWordEmbeddings).toBe(false);
    expect(m.maxContextTokens).toBe(131072);
    expect(kvBytesPerToken(m, 2)).toBe(2 * 88 * 8 * 128 * 2);
  });

  it('Phi-3 mini: MHA 32 heads with head_dim 96, sliding window 2047 from its config', () => {
    const m = model('phi-3-mini');
    expect(m.attention).toMatchObject({ numHeads: 32, numKvHeads: 32, headDim: 96 });
    expect(m.slidingWindow).toBe(2047);
  });
});

describe('2026 catalog entries (issue 13) equal the import of their full config.json', () => {
  const dir = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
  for (const id of EXPECTED_IDS.slice(EXPECTED_IDS.indexOf('qwen3.5-397b-a17b'))) {
    it(id, () => {
      const c = CATALOG_CONFIGS.find((x) => x.id === id)!;
      const file = c.source.replace('data/reference/hf-configs/', '');
      const full = fromHfConfig(parseHfConfigText(readFileSync(`${dir}${file}`, 'utf8')), { id });
      const m = model(id);
      expect(countParams(m)).toEqual(countParams(full));
      expect(m.layers).toEqual(full.layers);
      expect(kvBytesPerToken(m, 2)).toBe(kvBytesPerToken(full, 2));
      expect(stateBytesPerSequence(m)).toBe(stateBytesPerSequence(full));
      expect(indexerKeyBytesPerToken(m)).toBe(indexerKeyBytesPerToken(full));
      expect(m.checkpointQuantization).toEqual(full.checkpointQuantization);
    });
  }
});

describe('catalog checkpoint precision', () => {
  it('DeepSeek-V3/R1 and V3.2 default to their official FP8 weights (W8A8, 128×128 blocks)', () => {
    for (const id of ['deepseek-v3', 'deepseek-r1', 'deepseek-v3.2']) {
      expect(model(id).checkpointQuantization).toEqual({
        method: 'fp8-block',
        weightsDtype: 'fp8',
        activationsDtype: 'fp8',
      });
      expect(checkpointPrecisionOf(id)).toEqual({ weights: 'fp8', activations: 'fp8' });
    }
    expect(checkpointPrecisionOf('llama-3.1-8b')).toBeNull();
  });
});
