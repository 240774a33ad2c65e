import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, MAX_CONFIG_CHARS, ModelImportError, parseHfConfigText } from './hf.ts';
import { countParams, kvBytesForContext, kvBytesPerToken } from './params.ts';
import type { ModelSpec } from './types.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));

const hfFiles = (): string[] =>
  readdirSync(HF_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
const readHf = (f: string): unknown => parseHfConfigText(readFileSync(`${HF_DIR}${f}`, 'utf8'));

/** Expected outcome for every file in hf-configs: the error field for rejected ones (none since issue 13). */
const REJECTED: Record<string, string> = {};

/**
 * Imported files against stated sizes, ±2 %: total and active (incl. the input embedding) in B, null
 * where no source states one, and where each figure comes from. Only the repository name and
 * data/reference are checkable here; a card quoted but not mirrored there is marked unverified. The
 * exact recomputed counts of the catalog models are pinned in catalog.test.ts, not here.
 */
const PUBLISHED: Record<string, { total: number | null; active: number | null; source: string }> = {
  'Qwen--Qwen3-0.6B.json': { total: 0.6, active: 0.6, source: 'the name: 0.6B, dense' },
  'Qwen--Qwen3-8B.json': {
    total: 8.2,
    active: 8.2,
    source: 'Qwen3-8B card "Number of Parameters: 8.2B" (not mirrored in data/reference: unverified); dense',
  },
  'Qwen--Qwen3-32B.json': {
    total: 32.8,
    active: 32.8,
    source: 'Qwen3-32B card "Number of Parameters: 32.8B" (not mirrored in data/reference: unverified); dense',
  },
  'Qwen--Qwen3-Coder-480B-A35B-Instruct.json': { total: 480, active: 35, source: 'the name: 480B total, A35B' },
  'meta-llama--Llama-4-Scout-17B-16E-Instruct.json': { total: null, active: 17, source: 'the name: 17B active' },
  'meta-llama--Llama-4-Maverick-17B-128E-Instruct.json': { total: null, active: 17, source: 'the name: 17B active' },
};

function expectSane(m: ModelSpec): void {
  const p = countParams(m);
  for (const v of [
    p.totalParams,
    p.activeParams,
    p.embeddingParams,
    kvBytesPerToken(m, 2),
    kvBytesForContext(m, 4096, 2),
  ]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  }
  expect(p.activeParams).toBeLessThanOrEqual(p.totalParams);
  expect(Number.isSafeInteger(p.totalParams)).toBe(true);
  expect(m.layers.length).toBeGreaterThan(0);
}

function importError(fn: () => unknown): ModelImportError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelImportError);
    return e as ModelImportError;
  }
  throw new Error('expected a ModelImportError, but the import succeeded');
}

describe('every data/reference/hf-configs file imports or is rejected with ModelImportError', () => {
  it('finds the directory', () => {
    expect(existsSync(HF_DIR)).toBe(true);
    expect(hfFiles().length).toBeGreaterThan(60);
  });
  for (const f of hfFiles()) {
    it(f, () => {
      const cfg = readHf(f);
      const rejected = REJECTED[f];
      if (rejected) {
        const err = importError(() => fromHfConfig(cfg, { id: f }));
        expect(err.field).toBe(rejected);
        expect(err.message.startsWith(`${rejected}: `)).toBe(true);
        expect(err.message).toMatch(/not supported|not modeled/);
      } else {
        const m = fromHfConfig(cfg, { id: f });
        expectSane(m);
        const pub = PUBLISHED[f];
        if (pub) {
          const p = countParams(m);
          if (pub.total !== null) expect(Math.abs(p.totalParams / 1e9 / pub.total - 1), pub.source).toBeLessThan(0.02);
          if (pub.active !== null)
            expect(Math.abs(p.activeParams / 1e9 / pub.active - 1), pub.source).toBeLessThan(0.02);
        }
      }
    });
  }
});

const llama = (): Record<string, unknown> => ({
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
});

describe('broken configs throw ModelImportError naming the field', () => {
  it('null / non-object config', () => {
    for (const bad of [null, undefined, 42, 'config', [1, 2]]) {
      const e = importError(() => fromHfConfig(bad, { id: 'x' }));
      expect(e.field).toBe('config');
      expect(e.message).toMatch(/expected a config\.json object/);
    }
  });
  it('missing hidden_size', () => {
    const c = llama();
    delete c['hidden_size'];
    const e = importError(() => fromHfConfig(c, { id: 'x' }));
    expect(e.field).toBe('hidden_size');
    expect(e.message).toMatch(/^hidden_size: missing; expected a positive integer/);
  });
  it('negative heads', () => {
    const e = importError(() => fromHfConfig({ ...llama(), num_attention_heads: -32 }, { id: 'x' }));
    expect(e.field).toBe('num_attention_heads');
    expect(e.message).toMatch(/positive integer.*got -32/);
  });
  it('heads not divisible by kv heads', () => {
    const e = importError(() => fromHfConfig({ ...llama(), num_key_value_heads: 5 }, { id: 'x' }));
    expect(e.field).toBe('num_key_value_heads');
    expect(e.message).toMatch(/multiple of num_key_value_heads \(5\)/);
  });
  it('string where a number is expected', () => {
    const e = importError(() => fromHfConfig({ ...llama(), hidden_size: '4096' }, { id: 'x' }));
    expect(e.field).toBe('hidden_size');
    expect(e.message).toMatch(/got string "4096"/);
  });
  it('non-integer, NaN, Infinity, zero', () => {
    for (const v of [4096.5, Number.NaN, Number.POSITIVE_INFINITY, 0]) {
      expect(importError(() => fromHfConfig({ ...llama(), vocab_size: v }, { id: 'x' })).field).toBe('vocab_size');
    }
  });
  it('wrong boolean type', () => {
    expect(importError(() => fromHfConfig({ ...llama(), tie_word_embeddings: 'yes' }, { id: 'x' })).field).toBe(
      'tie_word_embeddings',
    );
  });
  it('head_dim not derivable', () => {
    const e = importError(() =>
      fromHfConfig({ ...llama(), num_attention_heads: 24, num_key_value_heads: 8, hidden_size: 4000 }, { id: 'x' }),
    );
    expect(e.field).toBe('head_dim');
  });
  it('Gemma-2 without head_dim', () => {
    const e = importError(() =>
      fromHfConfig({ ...llama(), architectures: ['Gemma2ForCausalLM'], sliding_window: 4096 }, { id: 'x' }),
    );
    expect(e.field).toBe('head_dim');
    expect(e.message).toMatch(/Gemma-2/);
  });
  it('missing architecture and model_type', () => {
    const c = llama();
    delete c['architectures'];
    delete c['model_type'];
    expect(importError(() => fromHfConfig(c, { id: 'x' })).field).toBe('architectures');
  });
  it('architectures not an array', () => {
    expect(importError(() => fromHfConfig({ ...llama(), architectures: 'LlamaForCausalLM' }, { id: 'x' })).field).toBe(
      'architectures',
    );
  });
  it('unknown architecture', () => {
    const e = importError(() => fromHfConfig({ ...llama(), architectures: ['FooForCausalLM'] }, { id: 'x' }));
    expect(e.field).toBe('architectures');
    expect(e.message).toMatch(/"FooForCausalLM" is not a supported architecture; supported: .*LlamaForCausalLM/);
  });
  it('layer_types of the wrong length or kind', () => {
    expect(importError(() => fromHfConfig({ ...llama(), layer_types: ['full_attention'] }, { id: 'x' })).field).toBe(
      'layer_types',
    );
    expect(importError(() => fromHfConfig({ ...llama(), layer_types: 'alternating' }, { id: 'x' })).field).toBe(
      'layer_types',
    );
  });
  it('sliding layers without a window', () => {
    const types = Array.from({ length: 32 }, (_, i) => (i % 2 ? 'full_attention' : 'sliding_attention'));
    expect(importError(() => fromHfConfig({ ...llama(), layer_types: types }, { id: 'x' })).field).toBe(
      'sliding_window',
    );
  });
  it('MoE top-k larger than the expert count', () => {
    const c = { ...llama(), architectures: ['MixtralForCausalLM'], num_local_experts: 8, num_experts_per_tok: 9 };
    expect(importError(() => fromHfConfig(c, { id: 'x' })).field).toBe('num_experts_per_tok');
  });
  it('DeepSeek missing kv_lora_rank', () => {
    const c = {
      architectures: ['DeepseekV3ForCausalLM'],
      hidden_size: 2048,
      num_hidden_layers: 4,
      num_attention_heads: 16,
      vocab_size: 1000,
      max_position_embeddings: 4096,
      intermediate_size: 4096,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      v_head_dim: 128,
    };
    const e = importError(() => fromHfConfig(c, { id: 'x' }));
    expect(e.field).toBe('kv_lora_rank');
  });
  it('nested text_config fields are reported with their path', () => {
    const c = {
      architectures: ['Llama4ForConditionalGeneration'],
      text_config: { model_type: 'llama4_text', hidden_size: 5120 },
    };
    const e = importError(() => fromHfConfig(c, { id: 'x' }));
    expect(e.field).toBe('text_config.num_hidden_layers');
  });
  it('conflicting tie_word_embeddings between wrapper and text_config', () => {
    const c = {
      architectures: ['Qwen3VLForConditionalGeneration'],
      tie_word_embeddings: false,
      text_config: { ...llama(), model_type: 'qwen3_vl_text', architectures: undefined, tie_word_embeddings: true },
    };
    expect(importError(() => fromHfConfig(c, { id: 'x' })).field).toBe('tie_word_embeddings');
  });
  it('mutated real configs never produce another error type or a non-finite number', () => {
    const bases = [
      'meta-llama--Meta-Llama-3.1-8B.json',
      'deepseek-ai--DeepSeek-V3.json',
      'openai--gpt-oss-20b.json',
      'meta-llama--Llama-4-Maverick-17B-128E-Instruct.json',
      'Qwen--Qwen3-30B-A3B.json',
    ].map((f) => readHf(f) as Record<string, unknown>);
    const keys = [...new Set(bases.flatMap((b) => Object.keys(b)))];
    fc.assert(
      fc.property(
        fc.constantFrom(...bases),
        fc.constantFrom(...keys),
        fc.oneof(
          fc.constant(undefined),
          fc.constant(null),
          fc.integer({ min: -5, max: 300 }),
          fc.double(),
          fc.string(),
          fc.boolean(),
          fc.array(fc.integer({ min: -1, max: 40 }), { maxLength: 4 }),
        ),
        (base, key, value) => {
          const c: Record<string, unknown> = { ...base };
          if (value === undefined) delete c[key];
          else c[key] = value;
          try {
            expectSane(fromHfConfig(c, { id: 'fuzz' }));
          } catch (e) {
            expect(e).toBeInstanceOf(ModelImportError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('architecture semantics', () => {
  const byFile = (f: string): ModelSpec => fromHfConfig(readHf(f), { id: f });

  it('Llama: defaults head_dim to hidden/heads, untied, all full attention', () => {
    const m = fromHfConfig(llama(), { id: 'l', hfId: 'meta-llama/Llama-3.1-8B' });
    expect(m.attention.headDim).toBe(128);
    expect(m.tieWordEmbeddings).toBe(false);
    expect(m.slidingWindow).toBeNull();
    expect(m.name).toBe('meta-llama/Llama-3.1-8B');
    expect(m.layers.every((l) => l.attention === 'full' && l.ffn === 'dense')).toBe(true);
  });
  it('Llama attention_bias adds q/k/v and o biases; Qwen2 always has q/k/v bias only', () => {
    const lb = fromHfConfig({ ...llama(), attention_bias: true }, { id: 'l' });
    expect([lb.attention.qkvBias, lb.attention.oBias]).toEqual([true, true]);
    expect(countParams(lb).totalParams - countParams(fromHfConfig(llama(), { id: 'l' })).totalParams).toBe(
      32 * (4096 + 1024 + 1024 + 4096),
    );
    const q2 = fromHfConfig({ ...llama(), architectures: ['Qwen2ForCausalLM'] }, { id: 'q' });
    expect([q2.attention.qkvBias, q2.attention.oBias]).toEqual([true, false]);
  });
  it('Qwen3 has per-head qk-norm; Qwen2/3 slide only with use_sliding_window, from max_window_layers', () => {
    const q3 = byFile('Qwen--Qwen3-8B.json');
    expect(q3.attention.qkNorm).toBe(true);
    expect(q3.slidingWindow).toBeNull();
    const sw = fromHfConfig(
      {
        ...llama(),
        architectures: ['Qwen2ForCausalLM'],
        sliding_window: 4096,
        use_sliding_window: true,
        max_window_layers: 28,
      },
      { id: 'q' },
    );
    expect(sw.layers.filter((l) => l.attention === 'sliding').length).toBe(4);
    expect(sw.layers[28]?.attention).toBe('sliding');
  });
  it('Qwen3-MoE honours mlp_only_layers and decoder_sparse_step', () => {
    const base = readHf('Qwen--Qwen3-30B-A3B.json') as Record<string, unknown>;
    const m = fromHfConfig({ ...base, mlp_only_layers: [0, 1], decoder_sparse_step: 2 }, { id: 'q' });
    expect(m.layers.filter((l) => l.ffn === 'moe').length).toBe(23); // odd layers 1,3,..,47 minus layer 1
    expect(m.layers[1]?.ffn).toBe('dense');
    expect(m.layers[3]?.ffn).toBe('moe');
  });
  it('Qwen3-VL: decoder from text_config, tie from text_config, vision tower counted apart', () => {
    const m = byFile('Qwen--Qwen3-VL-2B-Instruct.json');
    expect(m.tieWordEmbeddings).toBe(true);
    expect(countParams(m).lmHeadParams).toBe(0);
    expect(m.encoderParams).toBeGreaterThan(0);
    expect(m.notes?.some((n) => n.includes('vision tower') && n.includes('encoderParams'))).toBe(true);
  });
  it('Gemma-2: head_dim 128 ≠ hidden/heads, tied by default, 4 norms per layer, alternating window', () => {
    const m = fromHfConfig(
      {
        architectures: ['Gemma2ForCausalLM'],
        hidden_size: 4608,
        intermediate_size: 36864,
        num_hidden_layers: 46,
        num_attention_heads: 32,
        num_key_value_heads: 16,
        head_dim: 128,
        vocab_size: 256000,
        max_position_embeddings: 8192,
        sliding_window: 4096,
      },
      { id: 'g' },
    );
    expect(m.attention.headDim).toBe(128);
    expect(m.tieWordEmbeddings).toBe(true);
    expect(m.normsPerLayer).toBe(4);
    expect(m.layers.map((l) => l.attention).slice(0, 4)).toEqual(['sliding', 'full', 'sliding', 'full']);
  });
  it('gpt-oss: sinks, biases, router bias, layer_types', () => {
    const m = byFile('openai--gpt-oss-120b.json');
    expect(m.attention).toMatchObject({ sinks: true, qkvBias: true, oBias: true });
    expect(m.moe).toMatchObject({ numExperts: 128, topK: 4, routerBias: true });
    expect(m.mlpBias).toBe(true);
    expect(m.slidingWindow).toBe(128);
    expect(m.layers.filter((l) => l.attention === 'sliding').length).toBe(18);
  });
  it('DeepSeek-V3: MLA, 3 dense + 58 MoE layers, MTP excluded', () => {
    const m = byFile('deepseek-ai--DeepSeek-V3.json');
    expect(m.attention).toMatchObject({ kind: 'mla', qLoraRank: 1536, kvLoraRank: 512, headDim: 192, vHeadDim: 128 });
    expect(m.layers.length).toBe(61);
    expect(m.layers.filter((l) => l.ffn === 'dense').length).toBe(3);
    expect(m.moe).toMatchObject({ numSharedExperts: 1, sharedIntermediateSize: 2048, routerBias: false });
    expect(m.numMtpLayers).toBe(1);
    expect(m.notes?.join(' ')).toMatch(/multi-token-prediction/);
  });
  it('DeepSeek q_lora_rank null means a full q projection; moe_layer_freq spaces MoE layers', () => {
    const c = {
      architectures: ['DeepseekV2ForCausalLM'],
      hidden_size: 2048,
      num_hidden_layers: 6,
      num_attention_heads: 16,
      vocab_size: 1000,
      max_position_embeddings: 4096,
      intermediate_size: 4096,
      kv_lora_rank: 512,
      q_lora_rank: null,
      qk_nope_head_dim: 128,
      qk_rope_head_dim: 64,
      v_head_dim: 128,
      n_routed_experts: 8,
      num_experts_per_tok: 2,
      moe_intermediate_size: 512,
      first_k_dense_replace: 1,
      moe_layer_freq: 2,
    };
    const m = fromHfConfig(c, { id: 'd' });
    expect(m.attention.qLoraRank).toBeNull();
    expect(m.layers.map((l) => l.ffn)).toEqual(['dense', 'dense', 'moe', 'dense', 'moe', 'dense']);
    expect(countParams(m).perLayer[0]?.attention).toBe(
      2048 * 16 * 192 + 2048 * 576 + 512 + 512 * 16 * 256 + 16 * 128 * 2048,
    );
  });
  it('Kimi-K2 imports as DeepSeek-V3 architecture; Kimi-K2.5 via its text_config', () => {
    const k2 = byFile('moonshotai--Kimi-K2-Instruct.json');
    const k25 = byFile('moonshotai--Kimi-K2.5.json');
    expect(k2.attention.kind).toBe('mla');
    expect(countParams(k25).totalParams).toBe(countParams(k2).totalParams);
  });
  it('Llama-4 Maverick: MoE every other layer, dense layers use intermediate_size_mlp, one shared expert', () => {
    const m = byFile('meta-llama--Llama-4-Maverick-17B-128E-Instruct.json');
    expect(m.layers[0]?.ffn).toBe('dense');
    expect(m.layers[1]?.ffn).toBe('moe');
    expect(m.intermediateSize).toBe(16384);
    expect(m.moe).toMatchObject({
      numExperts: 128,
      topK: 1,
      expertIntermediateSize: 8192,
      numSharedExperts: 1,
      sharedIntermediateSize: 8192,
    });
    expect(m.attentionChunkSize).toBe(8192);
    const s = byFile('meta-llama--Llama-4-Scout-17B-16E-Instruct.json');
    expect(s.layers.every((l) => l.ffn === 'moe')).toBe(true);
  });
  it('MiniMax-M2: per-layer qk-norm width, MTP excluded', () => {
    const m = byFile('MiniMaxAI--MiniMax-M2.5.json');
    expect(m.attention.qkNormScope).toBe('layer');
    expect(m.numMtpLayers).toBe(3);
  });
  it('MiniMax-M2.5 parameters by hand (no size is stated in data/reference or the name)', () => {
    const h = 3072;
    // q 48 × 128, k and v 8 × 128, o; q/k norms over the whole projection (qk_norm_type per_layer).
    const attn = h * 6144 + 2 * h * 1024 + 6144 * h + 6144 + 1024;
    const expert = 3 * h * 1536;
    const fixed = attn + 2 * h + h * 256; // + 2 norms, router (the score-correction bias is not a weight)
    const common = 2 * 200_064 * h + h; // untied embedding and lm_head, final norm
    const p = countParams(byFile('MiniMaxAI--MiniMax-M2.5.json'));
    expect(p.totalParams).toBe(common + 62 * (fixed + 256 * expert));
    expect(p.activeParams).toBe(common + 62 * (fixed + 8 * expert));
  });
});

describe('parseHfConfigText', () => {
  it('accepts Python-style Infinity/NaN outside strings only', () => {
    expect(parseHfConfigText('{"a": [0.0, Infinity], "b": -Infinity, "c": NaN, "s": "Infinity NaN"}')).toEqual({
      a: [0, Number.POSITIVE_INFINITY],
      b: Number.NEGATIVE_INFINITY,
      c: null,
      s: 'Infinity NaN',
    });
  });
  it('throws ModelImportError on invalid JSON', () => {
    expect(importError(() => parseHfConfigText('{"a": ')).field).toBe('config');
  });
});

describe('issue 10: hostile configs are refused before any work, naming the field and the limit', () => {
  const llama = (): Record<string, unknown> => ({
    ...(readHf('meta-llama--Meta-Llama-3.1-8B.json') as Record<string, unknown>),
  });
  const deepseek = (): Record<string, unknown> => ({
    ...(readHf('deepseek-ai--DeepSeek-V3.json') as Record<string, unknown>),
  });

  it('num_hidden_layers 1,000,000,000 exceeds 4,096 (used to abort V8 with out-of-memory)', () => {
    const e = importError(() => fromHfConfig({ ...llama(), num_hidden_layers: 1_000_000_000 }, { id: 'x' }));
    expect(e.field).toBe('num_hidden_layers');
    expect(e.message).toContain('1,000,000,000 exceeds 4,096');
  });

  it('each count has its own bound: the limit is accepted, one more is refused', () => {
    const cases: [() => Record<string, unknown>, string, number][] = [
      [llama, 'num_hidden_layers', 4096],
      [llama, 'max_position_embeddings', 1_073_741_824],
      [llama, 'vocab_size', 16_777_216],
      [deepseek, 'n_routed_experts', 65_536],
      [deepseek, 'kv_lora_rank', 131_072],
    ];
    for (const [base, field, limit] of cases) {
      const over = importError(() => fromHfConfig({ ...base(), [field]: limit + 1 }, { id: 'x' }));
      expect(over.field).toBe(field);
      expect(over.message).toContain(`${(limit + 1).toLocaleString('en-US')} exceeds ${limit.toLocaleString('en-US')}`);
    }
    expect(fromHfConfig({ ...llama(), num_hidden_layers: 4096 }, { id: 'x' }).layers).toHaveLength(4096);
  });

  it('nested text_config counts are bounded with their path', () => {
    const wrapper = readHf('Qwen--Qwen3-VL-8B-Instruct.json') as Record<string, unknown>;
    const tc = { ...(wrapper['text_config'] as Record<string, unknown>), hidden_size: 10_000_000 };
    const e = importError(() => fromHfConfig({ ...wrapper, text_config: tc }, { id: 'x' }));
    expect(e.field).toBe('text_config.hidden_size');
    expect(e.message).toContain('10,000,000 exceeds 131,072');
  });

  it('derived sizes are bounded: 1.86e15 parameters, 4 GiB of KV per token', () => {
    const params = importError(() =>
      fromHfConfig(
        { ...llama(), num_hidden_layers: 4096, hidden_size: 131_072, intermediate_size: 1_048_576 },
        { id: 'x' },
      ),
    );
    expect(params.field).toBe('config');
    expect(params.message).toContain('1.86e+15 total parameters exceeds 1.00e+14');
    const kv = importError(() =>
      fromHfConfig({ ...llama(), num_hidden_layers: 4096, num_key_value_heads: 32, head_dim: 8192 }, { id: 'x' }),
    );
    expect(kv.message).toContain('KV cache of 4,294,967,296 bytes per token (bf16) exceeds 1,073,741,824');
  });

  it('a layer-index list longer than the model is refused (moe_layers with 10⁵ entries)', () => {
    const maverick = readHf('meta-llama--Llama-4-Maverick-17B-128E-Instruct.json') as Record<string, unknown>;
    const tc = { ...(maverick['text_config'] as Record<string, unknown>), moe_layers: new Array(100_000).fill(1) };
    const e = importError(() => fromHfConfig({ ...maverick, text_config: tc }, { id: 'x' }));
    expect(e.field).toBe('text_config.moe_layers');
    expect(e.message).toContain('100,000 entries; expected at most 48');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype'])(
    'architectures ["%s"] is an unsupported architecture, not an internal error',
    (name) => {
      const e = importError(() => fromHfConfig({ ...llama(), architectures: [name] }, { id: 'x' }));
      expect(e.field).toBe('architectures');
      expect(e.message).toContain(`${JSON.stringify(name)} is not a supported architecture`);
      const byType: Record<string, unknown> = { ...llama(), model_type: name };
      delete byType['architectures'];
      expect(importError(() => fromHfConfig(byType, { id: 'x' })).field).toBe('model_type');
      const wrapper = readHf('Qwen--Qwen3-VL-8B-Instruct.json') as Record<string, unknown>;
      const tc = { ...(wrapper['text_config'] as Record<string, unknown>), model_type: name };
      expect(importError(() => fromHfConfig({ ...wrapper, text_config: tc }, { id: 'x' })).field).toBe(
        'text_config.model_type',
      );
      expect(
        importError(() => fromHfConfig({ ...wrapper, architectures: [name], text_config: {} }, { id: 'x' })).field,
      ).toBe('architectures');
    },
  );
});

describe('issue 10: parseHfConfigText is linear and bounded', () => {
  it('refuses text above MAX_CONFIG_CHARS before scanning it', () => {
    const e = importError(() => parseHfConfigText(' '.repeat(MAX_CONFIG_CHARS + 1)));
    expect(e.field).toBe('config');
    expect(e.message).toContain('4,194,305 characters; a config.json has at most 4,194,304');
  });
  it('refuses nesting deeper than the JSON depth limit', () => {
    const e = importError(() => parseHfConfigText(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    expect(e.field).toBe('config');
    expect(e.message).toContain('nests deeper than 64 levels');
  });
  it('rewrites 100,000 NaN / Infinity tokens and keeps escaped quotes inside strings', () => {
    const n = 100_000;
    const parsed = parseHfConfigText(
      `{"a": [${Array.from({ length: n }, (_, i) => (i % 2 ? 'NaN' : '-Infinity')).join(',')}], "s": "x\\"NaN"}`,
    ) as {
      a: (number | null)[];
      s: string;
    };
    expect(parsed.a).toHaveLength(n);
    expect(parsed.a[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(parsed.a[1]).toBeNull();
    expect(parsed.s).toBe('x"NaN');
  });
  it('drops prototype keys instead of reading them as data', () => {
    const parsed = parseHfConfigText('{"__proto__": {"polluted": 1}, "hidden_size": 8}') as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(false);
    expect(parsed['hidden_size']).toBe(8);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
