import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getModel, MODELS } from './catalog.ts';
import { fromHfConfig } from './hf.ts';
import { attentionKvBytesPerLayerPerToken, countParams, kvBytesForContext, kvBytesPerToken } from './params.ts';
import type { ModelSpec } from './types.ts';

// src/core/model → repo root (../../..) → sibling data/reference.
const REF_DIR = fileURLToPath(new URL('../../../data/reference/', import.meta.url));

interface RefModel {
  name: string;
  hf_id: string;
  architecture: string;
  config: Record<string, unknown>;
  computed_params: { total: number; active_per_token: number; active_excluding_input_embedding_B: number };
  kv_cache: {
    kv_bytes_per_token_bf16: number;
    kv_bytes_per_token_bf16_global_layers_only?: number;
    kv_bytes_per_token_bf16_full_attention_layers_only?: number;
  };
}

const refModels = (): RefModel[] =>
  (JSON.parse(readFileSync(`${REF_DIR}models.json`, 'utf8')) as { models: RefModel[] }).models;

/** models.json entry name → catalog ids built from the same architecture. */
const CATALOG_FOR_REF: Record<string, string[]> = {
  'Llama-3.1-8B': ['llama-3.1-8b'],
  'Llama-3.1-70B': ['llama-3.1-70b'],
  'Llama-3.1-405B': ['llama-3.1-405b'],
  'Llama-2-7B': ['llama-2-7b'],
  'Llama-2-70B': ['llama-2-70b'],
  'Mistral-7B-v0.1': ['mistral-7b-v0.1'],
  'Qwen2.5-72B-Instruct': ['qwen2.5-72b'],
  'gemma-2-27b': ['gemma-2-27b'],
  'Phi-3-mini-4k-instruct': ['phi-3-mini'],
  'Mixtral-8x7B-v0.1': ['mixtral-8x7b'],
  'Mixtral-8x22B-v0.1': ['mixtral-8x22b'],
  'Qwen3-235B-A22B': ['qwen3-235b-a22b'],
  'Qwen3-30B-A3B': ['qwen3-30b-a3b'],
  'gpt-oss-120b': ['gpt-oss-120b'],
  'gpt-oss-20b': ['gpt-oss-20b'],
  'DeepSeek-V3 (same arch: DeepSeek-R1)': ['deepseek-v3', 'deepseek-r1'],
  'DeepSeek-V2-Lite': ['deepseek-v2-lite'],
};

/** models.json config + its architecture, minus descriptive (non-HF) string annotations. */
function refAsHfConfig(e: RefModel): Record<string, unknown> {
  const cfg: Record<string, unknown> = { architectures: [e.architecture], ...e.config };
  for (const k of ['layer_pattern', 'layer_types', 'quantization']) if (typeof cfg[k] === 'string') delete cfg[k];
  return cfg;
}

const model = (id: string): ModelSpec => {
  const m = getModel(id);
  if (!m) throw new Error(`missing catalog model ${id}`);
  return m;
};

describe('reference data', () => {
  it('resolves data/reference relative to this test file', () => {
    expect(existsSync(`${REF_DIR}models.json`)).toBe(true);
    expect(refModels().length).toBe(17);
  });
});

describe('parameter counts and KV bytes vs data/reference/models.json', () => {
  for (const e of refModels()) {
    describe(e.name, () => {
      it('imports from the models.json config: exact total, active and bf16 KV bytes/token', () => {
        const m = fromHfConfig(refAsHfConfig(e), { id: 'ref', hfId: e.hf_id });
        const p = countParams(m);
        expect(Math.abs(p.totalParams - e.computed_params.total) / e.computed_params.total).toBeLessThan(0.005);
        expect(p.totalParams).toBe(e.computed_params.total);
        expect(p.activeParams).toBe(e.computed_params.active_per_token);
        expect(kvBytesPerToken(m, 2)).toBe(e.kv_cache.kv_bytes_per_token_bf16);
      });

      const ids = CATALOG_FOR_REF[e.name];
      it('has catalog entries', () => expect(ids?.length).toBeGreaterThan(0));
      for (const id of ids ?? []) {
        it(`catalog ${id}: exact total, active, KV; excluding-embedding active matches`, () => {
          const m = model(id);
          const p = countParams(m);
          expect(p.totalParams).toBe(e.computed_params.total);
          expect(p.activeParams).toBe(e.computed_params.active_per_token);
          expect((p.activeParams - p.embeddingParams) / 1e9).toBeCloseTo(
            e.computed_params.active_excluding_input_embedding_B,
            2,
          );
          expect(kvBytesPerToken(m, 2)).toBe(e.kv_cache.kv_bytes_per_token_bf16);
          const globalOnly =
            e.kv_cache.kv_bytes_per_token_bf16_global_layers_only ??
            e.kv_cache.kv_bytes_per_token_bf16_full_attention_layers_only;
          if (globalOnly !== undefined) {
            const full = m.layers.filter((l) => l.attention === 'full').length;
            expect(full * attentionKvBytesPerLayerPerToken(m, 2)).toBe(globalOnly);
          }
        });
      }
    });
  }

  it('per-layer breakdown sums to the total', () => {
    for (const m of MODELS) {
      const p = countParams(m);
      const layers = p.perLayer.reduce((s, l) => s + l.attention + l.ffn + l.norms, 0);
      expect(p.embeddingParams + p.lmHeadParams + p.finalNormParams + layers).toBe(p.totalParams);
      expect(p.perLayer.length).toBe(m.layers.length);
    }
  });
});

describe('kvBytesForContext', () => {
  it('Gemma-2 27B at 8192 tokens with a 4096 window: half of the layers capped at 4096', () => {
    const m = model('gemma-2-27b');
    expect(m.slidingWindow).toBe(4096);
    expect(m.layers.filter((l) => l.attention === 'sliding').length).toBe(23);
    expect(m.layers[0]?.attention).toBe('sliding');
    expect(m.layers[1]?.attention).toBe('full');
    const perLayer = attentionKvBytesPerLayerPerToken(m, 2);
    expect(perLayer).toBe(2 * 16 * 128 * 2);
    expect(kvBytesForContext(m, 8192, 2)).toBe(23 * perLayer * 8192 + 23 * perLayer * 4096);
    expect(kvBytesForContext(m, 8192, 2)).toBe(188416 * 8192 + 188416 * 4096);
    // below the window nothing is capped
    expect(kvBytesForContext(m, 4096, 2)).toBe(4096 * kvBytesPerToken(m, 2));
  });

  it('gpt-oss-120b: 18 full layers + 18 layers capped at 128 tokens (models.json note)', () => {
    const m = model('gpt-oss-120b');
    expect(kvBytesForContext(m, 10000, 2)).toBe(36864 * 10000 + 36864 * 128);
  });

  it('MLA: DeepSeek-V3 caches 576 latent elements per layer, one copy', () => {
    const m = model('deepseek-v3');
    expect(attentionKvBytesPerLayerPerToken(m, 2)).toBe((512 + 64) * 2);
    expect(kvBytesForContext(m, 1000, 1)).toBe(61 * 576 * 1000);
  });

  it('equals context × per-token bytes for models without sliding layers', () => {
    for (const m of MODELS.filter((x) => !x.layers.some((l) => l.attention === 'sliding'))) {
      expect(kvBytesForContext(m, 12345, 2)).toBe(12345 * kvBytesPerToken(m, 2));
    }
  });
});

describe('properties (fast-check)', () => {
  const gqaConfig = (kv: number, group: number, headDim: number, layers: number) => ({
    architectures: ['LlamaForCausalLM'],
    hidden_size: 4096,
    intermediate_size: 11008,
    num_hidden_layers: layers,
    num_attention_heads: kv * group,
    num_key_value_heads: kv,
    head_dim: headDim,
    vocab_size: 32000,
    max_position_embeddings: 4096,
  });

  it('kvBytesPerToken is linear in bytesPerElement', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), fc.double({ min: 0.125, max: 8, noNaN: true }), (m, b) => {
        const one = kvBytesPerToken(m, 1);
        expect(kvBytesPerToken(m, b)).toBeCloseTo(one * b, 6);
        expect(kvBytesForContext(m, 5000, b)).toBeCloseTo(kvBytesForContext(m, 5000, 1) * b, 3);
      }),
    );
  });

  it('kvBytesPerToken is linear in numKvHeads for GQA', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 16 }),
        fc.constantFrom(64, 80, 96, 128, 256),
        fc.integer({ min: 1, max: 128 }),
        fc.constantFrom(1, 2),
        (kv, group, headDim, layers, bpe) => {
          const m = fromHfConfig(gqaConfig(kv, group, headDim, layers), { id: 'p' });
          const unit = fromHfConfig(gqaConfig(1, group, headDim, layers), { id: 'p1' });
          expect(kvBytesPerToken(m, bpe)).toBe(kv * kvBytesPerToken(unit, bpe));
          expect(kvBytesPerToken(m, bpe)).toBe(2 * layers * kv * headDim * bpe);
        },
      ),
    );
  });

  it('kvBytesForContext is monotone in context and never exceeds context × per-token bytes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MODELS),
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: 0, max: 1 << 16 }),
        (m, t, dt) => {
          const a = kvBytesForContext(m, t, 2);
          expect(kvBytesForContext(m, t + dt, 2)).toBeGreaterThanOrEqual(a);
          expect(a).toBeLessThanOrEqual(t * kvBytesPerToken(m, 2));
        },
      ),
    );
  });
});
