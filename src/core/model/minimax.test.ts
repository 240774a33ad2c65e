/**
 * MiniMax-M3 (MiniMaxAI/MiniMax-M3 config.json): GQA + block-sparse attention, first-k dense, MoE with
 * a shared expert — worked by hand from data/reference/hf-configs/MiniMaxAI--MiniMax-M3.json.
 *
 * No total/active figure for MiniMax-M3 is in data/reference and the repository name carries none, so
 * the totals are pinned by hand from the config (426.17B total, 25.96B active incl. the embedding).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, ModelImportError, parseHfConfigText } from './hf.ts';
import {
  attentionParamsPerLayer,
  countParams,
  indexerKeyBytesPerToken,
  indexerParamsPerLayer,
  kvBytesPerToken,
} from './params.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const text = readFileSync(`${HF_DIR}MiniMaxAI--MiniMax-M3.json`, 'utf8');
const load = (cfg: unknown = parseHfConfigText(text)) => fromHfConfig(cfg, { id: 'minimax-m3' });

describe('MiniMax-M3 block-sparse attention', () => {
  const m = load();
  const h = 6144;
  it('3 dense-attention + dense-FFN layers, then 57 block-sparse MoE layers', () => {
    expect(m.layers.slice(0, 3).every((l) => l.denseAttention === true && l.ffn === 'dense')).toBe(true);
    expect(m.layers.slice(3).every((l) => l.denseAttention === undefined && l.ffn === 'moe')).toBe(true);
    // 16 selected + 1 local block of 128 tokens.
    expect(m.sparseIndexer).toEqual({
      kind: 'block',
      blockTokens: 128,
      indexHeads: 4,
      indexHeadDim: 128,
      topK: 17 * 128,
      keyBytesPerToken: 256,
    });
  });
  it('attention and indexer parameters by hand', () => {
    // q 64 × 128, k and v 4 × 128 each, o, per-head q/k norms (2 × 128).
    expect(attentionParamsPerLayer(m)).toBe(h * 8192 + 2 * h * 512 + 8192 * h + 2 * 128);
    expect(indexerParamsPerLayer(m)).toBe(h * 4 * 128 + h * 128);
  });
  it('KV and indexer keys per token by hand: 60 GQA layers, 57 indexers', () => {
    expect(kvBytesPerToken(m, 2)).toBe(60 * 4 * (128 + 128) * 2);
    expect(indexerKeyBytesPerToken(m)).toBe(57 * 128 * 2); // the dense layers keep no index keys
  });
  it('total and active parameters by hand', () => {
    const attn = attentionParamsPerLayer(m);
    const expert = 3 * h * 3072;
    const moeFixed = expert + 128 * h; // one shared expert + router
    const common = 2 * 200_064 * h + h + 60 * (attn + 2 * h) + 57 * indexerParamsPerLayer(m) + 3 * 3 * h * 12_288;
    const p = countParams(m);
    expect(p.totalParams).toBe(common + 57 * (128 * expert + moeFixed));
    expect(p.activeParams).toBe(common + 57 * (4 * expert + moeFixed));
    expect(p.totalParams).toBe(426_174_551_040);
    expect(m.numMtpLayers).toBe(1); // excluded
  });
  it('refuses a sparse_attention_freq of the wrong length, naming the field', () => {
    const cfg = parseHfConfigText(text) as { sparse_attention_config: { sparse_attention_freq: number[] } };
    cfg.sparse_attention_config.sparse_attention_freq.pop();
    try {
      load(cfg);
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelImportError);
      expect((e as ModelImportError).field).toBe('sparse_attention_config.sparse_attention_freq');
    }
  });
});
