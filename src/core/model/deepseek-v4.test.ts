/**
 * DeepSeek-V4 (compressed attention + hyper-connections), worked by hand from
 * data/reference/hf-configs/deepseek-ai--DeepSeek-V4-Flash.json and -Pro.json.
 *
 * Card figures (deepseek-ai Hugging Face model cards, DeepSeek-V4 release): V4-Flash "284B total
 * parameters, 13B activated", V4-Pro "1.6T total, 49B activated". Activated counts here exclude the
 * input embedding (a table lookup) and include the lm_head. The compressor layout is not in config.json (see
 * params.ts compressedAttentionParamsPerLayer): it is < 0.3 % of either model.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../cost/deployment.ts';
import { parseScenario } from '../scenario/validate.ts';
import { fromHfConfig, ModelImportError, parseHfConfigText } from './hf.ts';
import {
  compressedAttentionParamsPerLayer,
  countParams,
  hyperConnectionParamsPerLayer,
  indexerKeyBytesPerToken,
  indexerParamsPerLayer,
  kvBytesForContext,
  kvBytesPerToken,
} from './params.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const raw = (file: string) => parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8'));
const load = (file: string) => fromHfConfig(raw(file), { id: file });
/** Activated per token without the input embedding (a lookup); the lm_head matmul is activated. */
const nonEmbeddingActive = (p: ReturnType<typeof countParams>) => p.activeParams - p.embeddingParams;

describe('DeepSeek-V4-Flash', () => {
  const m = load('deepseek-ai--DeepSeek-V4-Flash.json');
  const h = 4096;
  it('reads 21 compressed-sparse (4:1), 20 heavily compressed (128:1) and 2 window-only layers', () => {
    expect(m.layers).toHaveLength(43); // compress_ratios has a 44th entry, for the MTP layer
    expect(m.layers.filter((l) => l.compressRatio === 4 && !l.denseAttention)).toHaveLength(21);
    expect(m.layers.filter((l) => l.compressRatio === 128 && l.denseAttention)).toHaveLength(20);
    expect(m.layers.filter((l) => l.attention === 'sliding')).toHaveLength(2);
    expect(m.sparseIndexer).toMatchObject({ indexHeads: 64, indexHeadDim: 128, topK: 512 * 4, keyBytesPerToken: 33 });
  });
  it('attention, compressor, indexer and hyper-connection parameters by hand', () => {
    const q = h * 1024 + 1024 + 1024 * 64 * 512; // q_a + norm, q_b
    const kv = h * 512 + 512; // shared K = V head + norm
    const o = 64 * 512 * 1024 + 8 * 1024 * h; // grouped o_a (8 groups of 8 heads), o_b
    const compressor = 2 * h * 512 + 512;
    const indexCompressor = 2 * h * 128;
    const csa = m.layers.find((l) => l.compressRatio === 4)!;
    const hca = m.layers.find((l) => l.compressRatio === 128)!;
    const swa = m.layers.find((l) => l.attention === 'sliding')!;
    expect(compressedAttentionParamsPerLayer(m, swa)).toBe(q + kv + o);
    expect(compressedAttentionParamsPerLayer(m, hca)).toBe(q + kv + o + compressor);
    expect(compressedAttentionParamsPerLayer(m, csa)).toBe(q + kv + o + compressor + indexCompressor);
    expect(indexerParamsPerLayer(m)).toBe(1024 * 64 * 128 + h * 128 + 2 * 128 + h * 64);
    // mHC, 4 streams: two maps from 4·h to 4² + 2·4 = 24 coefficients per layer, with bias and 3 gates.
    expect(hyperConnectionParamsPerLayer(m)).toBe(2 * (4 * h * 24 + 24 + 3));
  });
  it('KV by hand (fp8, 1 B): window + pooled entries per layer, index keys on the 21 sparse layers', () => {
    // Growth per token: 21 × 512/4 + 20 × 512/128 + the 2 window-only layers counted uncapped.
    expect(kvBytesPerToken(m, 1)).toBe(21 * 128 + 20 * 4 + 2 * 512);
    const ctx = 1_000_000;
    const perSeq = 21 * (128 + Math.ceil(ctx / 4)) * 512 + 20 * (128 + Math.ceil(ctx / 128)) * 512 + 2 * 128 * 512;
    expect(kvBytesForContext(m, ctx, 1)).toBe(perSeq); // 2.77 GB for a million tokens
    expect(indexerKeyBytesPerToken(m)).toBe(21 * 33); // (128 fp8 + 4 B scale) / 4 pooled tokens
  });
  it('card "284B total, 13B activated": total within 1 %, activated rounds to 13B', () => {
    const p = countParams(m);
    expect(Math.abs(p.totalParams / 284e9 - 1)).toBeLessThan(0.01); // 284.23B
    expect(Math.round(nonEmbeddingActive(p) / 1e9)).toBe(13); // 13.17B
  });
});

describe('DeepSeek-V4-Pro', () => {
  it('card "1.6T total, 49B activated": total rounds to 1.6T, activated within 1 %', () => {
    const p = countParams(load('deepseek-ai--DeepSeek-V4-Pro.json'));
    expect(Math.round(p.totalParams / 1e11) / 10).toBe(1.6); // 1.573T
    expect(Math.abs(nonEmbeddingActive(p) / 49e9 - 1)).toBeLessThan(0.01); // 48.60B
  });
  it('the FP8 and NVFP4 exports count the same and default to their precision', () => {
    const base = countParams(load('deepseek-ai--DeepSeek-V4-Pro.json')).totalParams;
    const fp4 = load('nvidia--DeepSeek-V4-Pro-NVFP4.json');
    expect(countParams(fp4).totalParams).toBe(base);
    expect(fp4.checkpointQuantization?.weightsDtype).toBe('nvfp4');
    expect(countParams(load('sgl-project--DeepSeek-V4-Pro-FP8.json')).totalParams).toBe(base);
  });
});

describe('DeepSeek-V4 bad input and planning', () => {
  it('refuses an unknown compression ratio, naming compress_ratios', () => {
    const cfg = raw('deepseek-ai--DeepSeek-V4-Flash.json') as { compress_ratios: number[] };
    cfg.compress_ratios[5] = 16;
    try {
      fromHfConfig(cfg, { id: 'x' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelImportError);
      expect((e as ModelImportError).field).toBe('compress_ratios');
    }
  });
  it('plans: every layer keeps the 128-token window, the step cost reads it (cost/per-layer-attention.test.ts)', () => {
    const s = parseScenario({
      version: 1,
      model: { name: 'DeepSeek-V4-Flash', hf: raw('deepseek-ai--DeepSeek-V4-Flash.json') },
      cluster: { gpu: 'b200', nodes: 1, gpusPerNode: 8 },
      plan: { tp: 8 },
    });
    if (!s.ok) throw new Error(s.errors.join('; '));
    const d = resolveDeployment(s.scenario);
    expect(d.model.slidingWindow).toBe(128);
    // V4-Pro has no window-only layer, but its compressed layers keep the window all the same.
    expect(load('deepseek-ai--DeepSeek-V4-Pro.json').slidingWindow).toBe(128);
  });
});
