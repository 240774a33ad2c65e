/**
 * Kimi-K3 (moonshotai/Kimi-K3 config.json, text decoder KimiLinearForCausalLM): Kimi Delta Attention
 * + MLA hybrid with a latent MoE, worked by hand from data/reference/hf-configs/moonshotai--Kimi-K3.json.
 *
 * No total/active figure for Kimi-K3 is in data/reference (the card is not mirrored there and the
 * repository name carries no size), so the totals below are pinned by hand from the config; the KDA
 * layout is checked against Kimi Linear's published 48B-A3B size instead (see the last test).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, ModelImportError, parseHfConfigText } from './hf.ts';
import {
  attentionParamsPerLayer,
  countParams,
  kvBytesForContext,
  kvBytesPerToken,
  kvLayerCount,
  linearAttentionParamsPerLayer,
  stateBytesPerSequence,
} from './params.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const text = readFileSync(`${HF_DIR}moonshotai--Kimi-K3.json`, 'utf8');
const load = (cfg: unknown = parseHfConfigText(text)) => fromHfConfig(cfg, { id: 'kimi-k3' });

describe('Kimi-K3: Kimi Delta Attention + MLA, latent MoE', () => {
  const m = load();
  const h = 7168;
  it('reads 69 KDA layers and 24 MLA layers from the 1-based linear_attn_config lists', () => {
    expect(m.layers).toHaveLength(93);
    expect(m.layers.filter((l) => l.attention === 'linear')).toHaveLength(69);
    expect(kvLayerCount(m)).toBe(24);
    expect(m.layers[3]!.attention).toBe('full'); // layer number 4
    expect(m.layers[92]!.attention).toBe('full'); // 92 and 93 are both full
    expect(m.layers[0]).toEqual({ attention: 'linear', ffn: 'dense' }); // first_k_dense_replace 1
    expect(m.linearAttention).toMatchObject({ kind: 'kimi-delta', fullRankGate: true, numValueHeads: 96 });
    expect(m.checkpointQuantization?.weightsDtype).toBe('fp4'); // compressed-tensors mxfp4-pack-quantized
  });
  it('KDA layer parameters by hand (96 heads × 128, full-rank forget gate, conv 4 taps)', () => {
    const dim = 96 * 128; // 12,288 for keys and for values
    const qkv = h * 3 * dim;
    const conv = 3 * dim * 4;
    const forget = h * dim; // use_full_rank_gate
    const beta = h * 96;
    const decay = 96 + dim; // A_log per head, dt_bias per channel
    const outGate = h * 128 + 128 * dim + dim; // low rank through head_dim, with bias
    const norm = 128;
    const o = dim * h;
    expect(linearAttentionParamsPerLayer(m)).toBe(qkv + conv + forget + beta + decay + outGate + norm + o);
    expect(linearAttentionParamsPerLayer(m)).toBe(443_752_672);
  });
  it('MLA layer parameters by hand, with the output gate (mla_use_output_gate)', () => {
    const q = h * 1536 + 1536 + 1536 * 96 * (128 + 64);
    const kvA = h * (512 + 64) + 512;
    const kvB = 512 * 96 * (128 + 128);
    const o = 96 * 128 * h;
    const gate = h * 96 * 128;
    expect(attentionParamsPerLayer(m)).toBe(q + kvA + kvB + o + gate);
  });
  it('state and KV by hand: 69 fixed KDA states per sequence, 24 MLA latents per token', () => {
    // Per KDA layer: conv state over q, k, v 3·12,288 × (4 − 1) taps in bf16 + the fp32 state 96 × 128 × 128.
    const perLayer = 3 * 12_288 * 3 * 2 + 96 * 128 * 128 * 4;
    expect(stateBytesPerSequence(m)).toBe(69 * perLayer);
    expect(stateBytesPerSequence(m)).toBe(449_372_160);
    expect(kvBytesPerToken(m, 2)).toBe(24 * (512 + 64) * 2);
    expect(kvBytesForContext(m, 1_000_000, 2)).toBe(1_000_000 * 27_648);
  });
  it('total and active parameters by hand', () => {
    const dim = 96 * 128;
    const mla = attentionParamsPerLayer(m);
    const kda = linearAttentionParamsPerLayer(m);
    const expert = 3 * 3584 * 3072; // routed experts run in the 3,584-wide latent space
    const fixed = 2 * 3 * h * 3072 + 896 * h + 2 * h * 3584 + 3584; // 2 shared, router, latent down/up + norm
    const common = 2 * 163_840 * h + h + 93 * 2 * h + 24 * mla + 69 * kda + 3 * h * 33_792;
    const p = countParams(m);
    expect(p.totalParams).toBe(common + 92 * (896 * expert + fixed));
    expect(p.activeParams).toBe(common + 92 * (16 * expert + fixed));
    expect(p.totalParams).toBe(2_779_482_560_608); // ≈ 2.78T
    expect(Math.round(p.activeParams / 1e9)).toBe(105); // ≈ 105B incl. the input embedding
    expect(dim).toBe(12_288);
  });
  it('refuses a layer in neither list, naming the field', () => {
    const cfg = parseHfConfigText(text) as { text_config: { linear_attn_config: { kda_layers: number[] } } };
    cfg.text_config.linear_attn_config.kda_layers = cfg.text_config.linear_attn_config.kda_layers.slice(1);
    try {
      load(cfg);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelImportError);
      expect((e as ModelImportError).field).toBe('text_config.linear_attn_config.kda_layers');
      expect((e as Error).message).toMatch(/layer 1 is in neither/);
    }
  });
  it('the same builder sizes Kimi Linear 48B-A3B (its card: "48B total, 3B activated") to within 3 %', () => {
    // A sanity check of the layout only: moonshotai/Kimi-Linear-48B-A3B-Instruct config.json as
    // recalled (not in data/reference, not verified here), so the bound is loose: 49.12B vs 48B.
    // 27 layers, MLA every 4th (4, 8, …, 24, 27), 256 experts top-8 of width 1024, 1 shared expert.
    const full = [4, 8, 12, 16, 20, 24, 27];
    const k = countParams(
      fromHfConfig(
        {
          architectures: ['KimiLinearForCausalLM'],
          model_type: 'kimi_linear',
          hidden_size: 2304,
          num_hidden_layers: 27,
          num_attention_heads: 32,
          num_key_value_heads: 32,
          kv_lora_rank: 512,
          q_lora_rank: null,
          qk_nope_head_dim: 128,
          qk_rope_head_dim: 64,
          v_head_dim: 128,
          intermediate_size: 9216,
          moe_intermediate_size: 1024,
          num_experts: 256,
          num_experts_per_token: 8,
          num_shared_experts: 1,
          first_k_dense_replace: 1,
          vocab_size: 163_840,
          max_position_embeddings: 1_048_576,
          tie_word_embeddings: false,
          linear_attn_config: {
            full_attn_layers: full,
            kda_layers: Array.from({ length: 27 }, (_, i) => i + 1).filter((n) => !full.includes(n)),
            num_heads: 32,
            head_dim: 128,
            short_conv_kernel_size: 4,
          },
        },
        { id: 'kimi-linear' },
      ),
    );
    expect(Math.abs(k.totalParams / 48e9 - 1)).toBeLessThan(0.03);
    // Active without embeddings and lm_head: 2.73B, rounds to the card's 3B.
    expect(Math.round((k.activeParams - k.embeddingParams - k.lmHeadParams) / 1e9)).toBe(3);
  });
});
