/**
 * Vision towers counted by hf/encoders.ts, worked by hand from the vision_config numbers of
 * data/reference/hf-configs (Qwen3-VL's tower has its own worked example in hybrid.test.ts).
 *
 * Card figures (Hugging Face model cards; neither card is mirrored in data/reference and neither was
 * re-fetched for this test, so both are quoted as last read: treat them as unverified):
 * - moonshotai/Kimi-K2.5, Model Summary table: "Vision Encoder: MoonViT", "Parameters of Vision
 *   Encoder: 400M". Compared with the encoder alone (the patch-merger projector is not the encoder).
 * - google/gemma-4-26B-A4B and google/gemma-4-31B, parameter table: "Vision Encoder Parameters
 *   ~550M". The same cards give 25.2B and 30.7B for the models, which the decoders alone match
 *   (per-layer-shapes.test.ts), so the vision figure is a separate, encoder-only one.
 * Tolerance 5 %: both figures are rounded ("400M", "~550M"); the counts below are exact for the
 * layouts modeled, and the gaps are +4.2 % (MoonViT) and +3.6 % (Gemma-4).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHfConfig, parseHfConfigText } from './hf.ts';
import { gemma4VisionParams, moonVitParams } from './hf/encoders.ts';
import { Cfg } from './hf/reader.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const raw = (file: string): Record<string, unknown> =>
  parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8')) as Record<string, unknown>;
const load = (file: string) => fromHfConfig(raw(file), { id: file });
const vision = (file: string) => new Cfg(raw(file)['vision_config'] as Record<string, unknown>, 'vision_config');
const within = (got: number, card: number, tol: number) => expect(Math.abs(got / card - 1)).toBeLessThan(tol);

describe('Kimi-K2.5 MoonViT (d 1152, 27 blocks, MLP 4304, patch 14, 64 × 64 position table)', () => {
  const d = 1152;
  const inter = 4304;
  const patchEmbed = 3 * 14 * 14 * d + d; // Conv2d 3 → d, kernel 14, with bias
  const posTable = 64 * 64 * d; // init_pos_emb_height × width; the time table is a fixed buffer
  const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * inter + inter) + (inter * d + d);
  const encoder = patchEmbed + posTable + 27 * block + 2 * d; // + final LayerNorm
  const merged = d * 2 * 2; // merge_kernel_size [2, 2]
  const projector = 2 * d + (merged * merged + merged) + (merged * 7168 + 7168); // → text_hidden_size
  it('encoder and patch-merger projector by hand', () => {
    expect(moonVitParams(vision('moonshotai--Kimi-K2.5.json'))).toMatchObject({ tower: encoder, projector });
    expect(encoder).toBe(416_866_032);
    expect(load('moonshotai--Kimi-K2.5.json').encoderParams).toBe(encoder + projector);
  });
  it('the card’s "Parameters of Vision Encoder: 400M" within 5 %', () => {
    within(encoder, 400e6, 0.05);
  });
  it('the NVFP4 exports (K2.5, K2.6, K2.7-Code) carry the same tower', () => {
    for (const f of [
      'nvidia--Kimi-K2.5-NVFP4.json',
      'nvidia--Kimi-K2.6-NVFP4.json',
      'nvidia--Kimi-K2.7-Code-NVFP4.json',
    ]) {
      expect(load(f).encoderParams).toBe(encoder + projector);
    }
  });
  it('says what it assumes (biases: the config has no linear_bias field)', () => {
    const notes = load('moonshotai--Kimi-K2.5.json').notes ?? [];
    expect(notes.some((n) => n.includes('MoonViT') && n.includes('Assumed: biased'))).toBe(true);
  });
});

describe('Kimi-K3 MoonViT variant (RMSNorm, no biases, qkv_hidden_size, patchmergerv2)', () => {
  it('is not counted, and the import says so', () => {
    const m = load('moonshotai--Kimi-K3.json');
    expect(m.encoderParams).toBeUndefined();
    expect(moonVitParams(vision('moonshotai--Kimi-K3.json'))).toBeNull();
    expect(m.notes?.some((n) => n.includes('MoonViT variant') && n.includes('not counted'))).toBe(true);
  });
});

describe('Gemma-4 vision (d 1152, 27 blocks, 16 heads × 72, gated MLP 4304, patch 16)', () => {
  const d = 1152;
  const inter = 4304;
  const patchEmbed = 3 * 16 * 16 * d; // Linear(3·p·p → d), no bias
  const posTable = 2 * 10240 * d; // one table per image axis, position_embedding_size 10240
  const attn = 4 * d * (16 * 72) + 2 * 72; // q, k, v, o (no bias) + q/k norms over head_dim
  const block = attn + 3 * d * inter + 4 * d; // gate, up, down + four RMSNorms
  const encoder = patchEmbed + posTable + 27 * block + 2 * d; // + standardize scale and bias
  it('26B-A4B: encoder by hand, projector 1152 → 2816', () => {
    expect(gemma4VisionParams(vision('google--gemma-4-26B-A4B.json'), 2816)).toEqual({
      tower: encoder,
      projector: d * 2816,
    });
    expect(encoder).toBe(569_550_384);
    expect(load('google--gemma-4-26B-A4B.json').encoderParams).toBe(encoder + d * 2816);
    expect(load('nvidia--Gemma-4-26B-A4B-NVFP4.json').encoderParams).toBe(encoder + d * 2816);
  });
  it('31B: the same encoder, projector 1152 → 5376', () => {
    expect(load('nvidia--Gemma-4-31B-IT-NVFP4.json').encoderParams).toBe(encoder + d * 5376);
  });
  it('the cards’ "Vision Encoder Parameters ~550M" within 5 %', () => {
    within(encoder, 550e6, 0.05);
  });
  it('an audio_config is noted as not counted', () => {
    const m = fromHfConfig(
      { ...raw('google--gemma-4-26B-A4B.json'), audio_config: { model_type: 'gemma4_audio' } },
      {
        id: 'a',
      },
    );
    expect(m.encoderParams).toBe(encoder + d * 2816);
    expect(m.notes?.some((n) => n.includes('audio tower') && n.includes('not counted'))).toBe(true);
  });
});
