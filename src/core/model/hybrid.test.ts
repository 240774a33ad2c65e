/**
 * Worked examples for the 2026 families (issue 13): parameters, state bytes and KV bytes by hand
 * from each config.json in data/reference/hf-configs, and the card-stated totals.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, ModelImportError, parseHfConfigText } from './hf.ts';
import {
  countParams,
  indexerKeyBytesPerToken,
  indexerParamsPerLayer,
  kvBytesForContext,
  kvBytesPerToken,
  kvLayerCount,
  linearAttentionParamsPerLayer,
  mambaParamsPerLayer,
  stateBytesPerSequence,
} from './params.ts';
import { nasFfnWidth } from './hf/hybrid.ts';
import type { ModelSpec } from './types.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const load = (file: string): ModelSpec =>
  fromHfConfig(parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8')), { id: file });

describe('Qwen3.5 Gated DeltaNet hybrid (Qwen/Qwen3.5-397B-A17B config.json)', () => {
  const m = load('Qwen--Qwen3.5-397B-A17B.json');
  it('reads 45 linear + 15 full-attention layers (full_attention_interval 4)', () => {
    expect(m.layers.filter((l) => l.attention === 'linear')).toHaveLength(45);
    expect(kvLayerCount(m)).toBe(15);
    expect(m.layers[3]!.attention).toBe('full');
    expect(m.attention.outputGate).toBe(true);
  });
  it('Gated DeltaNet layer parameters by hand', () => {
    // h = 4096, keyDim = 16·128 = 2048, valueDim = 64·128 = 8192, conv over 2·2048 + 8192 = 12288.
    const inProjQkvz = 4096 * (2 * 2048 + 2 * 8192); // 83,886,080
    const inProjBa = 4096 * 2 * 64; // 524,288
    const conv = 12288 * 4; // 49,152 (no bias)
    const dtBiasALog = 2 * 64;
    const norm = 128;
    const outProj = 8192 * 4096; // 33,554,432
    expect(linearAttentionParamsPerLayer(m)).toBe(inProjQkvz + inProjBa + conv + dtBiasALog + norm + outProj);
    expect(linearAttentionParamsPerLayer(m)).toBe(118_014_208);
  });
  it('recurrent state per sequence by hand: flat in context', () => {
    // Per linear layer: conv state 12288 · (4 − 1) · 2 B + delta-rule state 64 · 128 · 128 · 4 B (mamba_ssm_dtype float32).
    const perLayer = 12288 * 3 * 2 + 64 * 128 * 128 * 4; // 73,728 + 4,194,304
    expect(stateBytesPerSequence(m)).toBe(45 * perLayer);
    expect(stateBytesPerSequence(m)).toBe(192_061_440);
    // KV: 15 full layers × 2 KV heads × (256 + 256) × 2 B; the linear layers add nothing.
    expect(kvBytesPerToken(m, 2)).toBe(15 * 2 * 512 * 2);
    expect(kvBytesForContext(m, 100_000, 2)).toBe(100_000 * 30_720);
  });
  it('397B-A17B (the card’s own name): total within 1 %, active rounds to 17B', () => {
    const p = countParams(m);
    expect(Math.abs(p.totalParams / 397e9 - 1)).toBeLessThan(0.01); // 396.35B decoder (vision tower 0.46B apart)
    expect(Math.round(p.activeParams / 1e9)).toBe(17); // 17.35B incl. the input embedding
  });
  it('counts the vision tower as a separate component, by hand (Qwen3-VL layout)', () => {
    const d = 1152;
    const inter = 4304;
    const merged = d * 2 * 2; // spatial_merge_size 2
    const patchEmbed = 3 * 2 * 16 * 16 * d + d; // Conv3d in 3 · t 2 · 16 × 16 → d, with bias
    const posEmbed = 2304 * d;
    const block = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * inter + inter) + (inter * d + d);
    const merger = 2 * d + merged * merged + merged + merged * 4096 + 4096;
    expect(m.encoderParams).toBe(patchEmbed + posEmbed + 27 * block + merger);
    // The card's 397B is the whole checkpoint: decoder + vision tower = 396.81B.
    expect(Math.abs((countParams(m).totalParams + m.encoderParams!) / 397e9 - 1)).toBeLessThan(0.001);
  });
  it('imports the NVFP4 export with its checkpoint precision', () => {
    const q = load('nvidia--Qwen3.5-397B-A17B-NVFP4.json');
    expect(q.checkpointQuantization).toEqual({ method: 'nvfp4', weightsDtype: 'nvfp4', activationsDtype: 'nvfp4' });
    expect(countParams(q).totalParams).toBe(countParams(m).totalParams);
  });
  for (const [file, total, active] of [
    ['Qwen--Qwen3.5-122B-A10B.json', 122, 10],
    ['Qwen--Qwen3.5-35B-A3B.json', 35, 3],
    ['Qwen--Qwen3.5-27B.json', 27, 27],
  ] as const) {
    it(`${file}: ${total}B-A${active}B from the name`, () => {
      const p = countParams(load(file));
      // Names round to whole billions: the decoder count must round to the stated figure.
      expect(Math.round(p.totalParams / 1e9)).toBe(total);
      expect(Math.round(p.activeParams / 1e9)).toBe(active);
    });
  }
});

describe('Nemotron-H / Nemotron-3 Mamba-2 hybrids', () => {
  const m = load('nvidia--NVIDIA-Nemotron-3-Super-120B-A12B-FP8.json');
  it('reads the 88-block pattern: 40 Mamba-2, 8 attention, 40 latent-MoE blocks', () => {
    expect(m.layers).toHaveLength(88);
    expect(m.layers.filter((l) => l.attention === 'mamba')).toHaveLength(40);
    expect(kvLayerCount(m)).toBe(8);
    expect(m.layers.filter((l) => l.ffn === 'moe')).toHaveLength(40);
    expect(m.moe?.latentSize).toBe(1024);
    expect(m.gatedMlp).toBe(false);
  });
  it('Mamba-2 block parameters by hand', () => {
    // inner = 128 heads · 64 = 8192; conv width = 8192 + 2 · 8 groups · 128 state = 10240.
    const inProj = 4096 * (8192 + 10240 + 128); // z, xBC, dt
    const conv = 10240 * 4 + 10240; // taps + bias (use_conv_bias)
    const perHead = 3 * 128; // dt_bias, A_log, D
    const norm = 8192;
    const outProj = 8192 * 4096;
    expect(mambaParamsPerLayer(m)).toBe(inProj + conv + perHead + norm + outProj);
    expect(mambaParamsPerLayer(m)).toBe(109_635_968);
  });
  it('SSM + conv state per sequence by hand', () => {
    const perLayer = 10240 * 3 * 2 + 128 * 64 * 128 * 4; // conv bf16 + SSM float32 (mamba_ssm_cache_dtype)
    expect(stateBytesPerSequence(m)).toBe(40 * perLayer);
    expect(kvBytesPerToken(m, 2)).toBe(8 * 2 * 2 * 128 * 2); // 8 attention blocks × 2 KV heads × (K+V) 128
  });
  it('120B-A12B (name): total within 1 %, active without the input embedding rounds to 12B', () => {
    const p = countParams(m);
    expect(Math.abs(p.totalParams / 120e9 - 1)).toBeLessThan(0.01); // 120.67B
    expect(Math.round((p.activeParams - p.embeddingParams) / 1e9)).toBe(12); // 12.23B
  });
  it('Nemotron-3 Nano card: "31.6B total, 3.2B active (3.6B including embeddings)" within 1 %', () => {
    const p = countParams(load('nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json'));
    expect(Math.abs(p.totalParams / 31.6e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs((p.activeParams - p.embeddingParams) / 3.2e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs(p.activeParams / 3.6e9 - 1)).toBeLessThan(0.01);
  });
  it('Nemotron-3 Ultra 550B-A55B and Nemotron-H 56B (names) within 1 %', () => {
    const u = countParams(load('nvidia--NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16.json'));
    expect(Math.abs(u.totalParams / 550e9 - 1)).toBeLessThan(0.01); // 549.31B
    expect(Math.abs((u.activeParams - u.embeddingParams) / 55e9 - 1)).toBeLessThan(0.01); // 54.99B
    const h = countParams(load('nvidia--Nemotron-H-56B-Base-8K.json'));
    expect(Math.abs(h.totalParams / 56e9 - 1)).toBeLessThan(0.01); // 56.32B, dense
  });
  it('refuses a block code it does not know, naming the field', () => {
    const cfg = JSON.parse(
      readFileSync(`${HF_DIR}nvidia--Nemotron-H-56B-Base-8K.json`, 'utf8').replace(/Infinity/g, '1e999'),
    );
    cfg.hybrid_override_pattern = 'M*X';
    cfg.num_hidden_layers = 3;
    expect(() => fromHfConfig(cfg, { id: 'x' })).toThrow(/hybrid_override_pattern\[2\]: unknown block code "X"/);
  });
});

describe('DeepSeek Sparse Attention (DeepSeek-V3.2, GLM-5)', () => {
  const m = load('deepseek-ai--DeepSeek-V3.2.json');
  it('indexer parameters and key cache by hand', () => {
    // wq_b 1536 → 64·128, wk 7168 → 128, k LayerNorm (weight + bias), weights_proj 7168 → 64.
    expect(indexerParamsPerLayer(m)).toBe(1536 * 64 * 128 + 7168 * 128 + 2 * 128 + 7168 * 64);
    expect(m.sparseIndexer).toMatchObject({ indexHeads: 64, indexHeadDim: 128, topK: 2048, keyBytesPerToken: 132 });
    expect(indexerKeyBytesPerToken(m)).toBe(61 * 132); // FP8 key + fp32 scale per layer
    expect(kvBytesPerToken(m, 2)).toBe(61 * (512 + 64) * 2); // the MLA latent is unchanged
  });
  it('= DeepSeek-V3 (671B card figure) + 61 indexers, within 1 % of 671B', () => {
    const v3 = countParams(load('deepseek-ai--DeepSeek-V3.json'));
    const p = countParams(m);
    expect(p.totalParams - v3.totalParams).toBe(61 * indexerParamsPerLayer(m));
    expect(Math.abs(p.totalParams / 671e9 - 1)).toBeLessThan(0.01);
    expect(m.checkpointQuantization).toEqual({ method: 'fp8-block', weightsDtype: 'fp8', activationsDtype: 'fp8' });
  });
  it('GLM-5 card "744B parameters (40B active)": total within 1 %, non-embedding active within 1 %', () => {
    const g = countParams(load('zai-org--GLM-5.json'));
    expect(Math.abs(g.totalParams / 744e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs((g.activeParams - g.embeddingParams - g.lmHeadParams) / 40e9 - 1)).toBeLessThan(0.01);
  });
  it('GLM-5.2 shared indexers: only "full" layers hold indexer weights and keys', () => {
    const g = load('zai-org--GLM-5.2.json');
    const own = g.layers.filter((l) => !l.reusesIndexer).length;
    expect(own).toBe(21);
    expect(indexerKeyBytesPerToken(g)).toBe(own * 132);
  });
});

describe('quantization_config', () => {
  const base = (q: unknown): Record<string, unknown> => ({
    architectures: ['LlamaForCausalLM'],
    hidden_size: 64,
    intermediate_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    vocab_size: 100,
    max_position_embeddings: 1024,
    quantization_config: q,
  });
  const cq = (q: unknown) => fromHfConfig(base(q), { id: 'q' }).checkpointQuantization;
  it('maps each producer format to the project dtypes', () => {
    expect(cq({ quant_method: 'fp8', weight_block_size: [128, 128], activation_scheme: 'dynamic' })?.weightsDtype).toBe(
      'fp8',
    );
    expect(cq({ quant_method: 'mxfp4' })).toEqual({ method: 'mxfp4', weightsDtype: 'fp4', activationsDtype: 'bf16' });
    expect(cq({ quant_method: 'awq', bits: 4 })).toEqual({
      method: 'awq-int4',
      weightsDtype: 'int4',
      activationsDtype: 'bf16',
    });
    expect(cq({ quant_method: 'gptq', bits: 4 })?.weightsDtype).toBe('int4');
    expect(
      cq({
        quant_method: 'compressed-tensors',
        format: 'pack-quantized',
        config_groups: { g: { weights: { num_bits: 4, type: 'int' } } },
      })?.weightsDtype,
    ).toBe('int4');
    expect(cq({ quant_method: 'modelopt', quant_algo: 'NVFP4' })?.weightsDtype).toBe('nvfp4');
  });
  it('refuses an unknown method naming the field and listing the supported ones', () => {
    try {
      cq({ quant_method: 'bitsandbytes' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelImportError);
      expect((e as ModelImportError).field).toBe('quantization_config.quant_method');
      expect((e as Error).message).toMatch(/supported: fp8, mxfp4, modelopt, compressed-tensors, awq, gptq/);
    }
  });
});

describe('Step-3.7-Flash (GQA, 512-token sliding window, MoE with a shared expert)', () => {
  const m = load('stepfun-ai--Step-3.7-Flash.json');
  it('parameters by hand from config.json', () => {
    const h = 4096;
    const vocab = 128_896;
    const attn = h * (64 * 128 + 2 * 8 * 128) + 64 * 128 * h; // q, k, v, o (no biases, no qk-norm)
    const dense = 3 * h * 11_264; // first_k_dense_replace = 3 layers
    const expert = 3 * h * 1280;
    const moeFixed = 3 * h * 1280 + 288 * h; // shared expert (share_expert_dim) + router
    const common = 2 * vocab * h + h + 45 * (attn + 2 * h);
    const p = countParams(m);
    expect(p.totalParams).toBe(common + 3 * dense + 42 * (288 * expert + moeFixed));
    expect(p.activeParams).toBe(common + 3 * dense + 42 * (8 * expert + moeFixed));
    expect(m.numMtpLayers).toBe(3); // excluded
  });
  it('sliding layers keep at most 512 tokens of KV', () => {
    const sliding = m.layers.filter((l) => l.attention === 'sliding').length;
    const perLayerToken = 8 * 256 * 2; // bf16 K+V
    expect(kvBytesForContext(m, 10_000, 2)).toBe(((45 - sliding) * 10_000 + sliding * 512) * perLayerToken);
  });
  it('the FP8 export defaults to fp8 weights', () => {
    expect(load('stepfun-ai--Step-3.7-Flash-FP8.json').checkpointQuantization?.weightsDtype).toBe('fp8');
  });
});

describe('Llama-3.3-Nemotron-Super-49B (NAS block_configs)', () => {
  const m = load('nvidia--Llama-3_3-Nemotron-Super-49B-v1.json');
  it('FFN widths from ffn_mult (DeciLM: int(2·mult·h/3) rounded up to 256) and no-op attention', () => {
    expect(nasFfnWidth(5.25, 8192)).toBe(28_672); // Llama-70B's width
    expect(nasFfnWidth(1.3125, 8192)).toBe(7168);
    expect(nasFfnWidth(3.28125, 8192)).toBe(17_920);
    expect(kvLayerCount(m)).toBe(49); // 31 of 80 layers drop attention
    expect(kvBytesPerToken(m, 2)).toBe(49 * 8 * 256 * 2); // 64 heads / n_heads_in_group 8 = 8 KV heads
  });
  it('parameters by hand: embeddings + 49 attention blocks + one FFN per layer at its own width', () => {
    const h = 8192;
    const attn = h * (64 * 128 + 2 * 8 * 128) + 64 * 128 * h;
    const widths = m.layers.map((l) => l.ffnWidth!);
    const ffn = widths.reduce((a, w) => a + 3 * h * w, 0);
    const norms = m.layers.reduce((a, l) => a + (l.attention === 'none' ? 1 : 2) * h, 0);
    const total = 2 * 128_256 * h + h + 49 * attn + ffn + norms;
    expect(countParams(m).totalParams).toBe(total);
    // The name says 49B; the exact count is 49.87B (HF lists 49.9B): names truncate.
    expect(Math.floor(total / 1e9)).toBe(49);
  });
});
