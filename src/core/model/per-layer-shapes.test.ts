/**
 * Gemma-4 and MiMo-V2-Flash: sliding and full-attention layers with different attention shapes,
 * worked by hand from their config.json files in data/reference/hf-configs.
 *
 * Card figures (Hugging Face model cards): google/gemma-4-26B-A4B "25.2B total parameters, 3.8B
 * active"; google/gemma-4-31B "30.7B parameters" (the name says 31B); XiaomiMiMo/MiMo-V2-Flash "309B
 * total parameters and 15B active parameters". The decoder counts here exclude the vision towers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDeployment, ScenarioError } from '../cost/deployment.ts';
import { parseScenario } from '../scenario/validate.ts';
import { fromHfConfig, parseHfConfigText } from './hf.ts';
import { attentionParamsPerLayer, countParams, kvBytesForContext, kvBytesPerToken } from './params.ts';
import type { ModelSpec } from './types.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
const raw = (file: string): unknown => parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8'));
const load = (file: string): ModelSpec => fromHfConfig(raw(file), { id: file });
const within = (x: number, card: number, tol = 0.01) => expect(Math.abs(x / card - 1)).toBeLessThan(tol);

describe('Gemma-4 26B-A4B (sliding 8 KV × 256, full 2 KV × 512 with K = V, MoE + dense MLP)', () => {
  const m = load('google--gemma-4-26B-A4B.json');
  const h = 2816;
  it('25 sliding + 5 full layers, each shape by hand', () => {
    expect(m.layers.filter((l) => l.attention === 'sliding')).toHaveLength(25);
    expect(m.layers.filter((l) => l.attention === 'full')).toHaveLength(5);
    // Sliding: q 16 × 256, k and v 8 × 256, o, q/k norms (256 each).
    expect(attentionParamsPerLayer(m, m.slidingAttention)).toBe(h * 4096 + 2 * h * 2048 + 4096 * h + 2 * 256);
    // Full: q 16 × 512, k 2 × 512, no v_proj (K = V), o, q/k norms (512 each).
    expect(attentionParamsPerLayer(m)).toBe(h * 8192 + h * 1024 + 8192 * h + 2 * 512);
  });
  it('KV per token by hand: sliding layers K + V, full layers one tensor; the window caps the sliding ones', () => {
    const sliding = 8 * (256 + 256) * 2; // bf16
    const full = 2 * 512 * 2;
    expect(kvBytesPerToken(m, 2)).toBe(25 * sliding + 5 * full);
    expect(kvBytesForContext(m, 100_000, 2)).toBe(25 * 1024 * sliding + 5 * 100_000 * full);
  });
  it('parameters by hand, and the card’s 25.2B total / 3.8B active within 1 %', () => {
    const slidingAttn = attentionParamsPerLayer(m, m.slidingAttention);
    const fullAttn = attentionParamsPerLayer(m);
    const expert = 3 * h * 704;
    const perLayerFixed = 4 * h + 3 * h * 2112 + 128 * h; // 4 norms, dense MLP (the shared expert), router
    const common = 262_144 * h + h + 25 * slidingAttn + 5 * fullAttn + 30 * perLayerFixed; // tied embeddings
    const p = countParams(m);
    expect(p.totalParams).toBe(common + 30 * 128 * expert);
    expect(p.activeParams).toBe(common + 30 * 8 * expert);
    within(p.totalParams, 25.2e9);
    within(p.activeParams, 3.8e9);
  });
  it('the NVFP4 export: same counts, nvfp4 checkpoint', () => {
    const q = load('nvidia--Gemma-4-26B-A4B-NVFP4.json');
    expect(countParams(q).totalParams).toBe(countParams(m).totalParams);
    expect(q.checkpointQuantization?.weightsDtype).toBe('nvfp4');
  });
});

describe('Gemma-4 31B (dense)', () => {
  it('card 30.7B within 1 % (the name rounds to 31B)', () => {
    const p = countParams(load('nvidia--Gemma-4-31B-IT-NVFP4.json'));
    within(p.totalParams, 30.7e9);
    expect(Math.round(p.totalParams / 1e9)).toBe(31);
    expect(p.activeParams).toBe(p.totalParams);
  });
});

describe('MiMo-V2-Flash (39 sliding layers of 8 KV heads + sinks, 9 full layers of 4 KV heads)', () => {
  const m = load('XiaomiMiMo--MiMo-V2-Flash.json');
  const h = 4096;
  it('attention per layer type by hand (q/k head dim 192, v 128)', () => {
    expect(m.layers.filter((l) => l.attention === 'full')).toHaveLength(9);
    expect(attentionParamsPerLayer(m)).toBe(h * 64 * 192 + h * 4 * 192 + h * 4 * 128 + 64 * 128 * h);
    // Sliding: 8 KV heads and one learned sink logit per query head (add_swa_attention_sink_bias).
    expect(attentionParamsPerLayer(m, m.slidingAttention)).toBe(
      h * 64 * 192 + h * 8 * 192 + h * 8 * 128 + 64 * 128 * h + 64,
    );
  });
  it('KV by hand: 39 × 128-token windows + 9 full layers', () => {
    const sliding = 8 * (192 + 128) * 2;
    const full = 4 * (192 + 128) * 2;
    expect(kvBytesPerToken(m, 2)).toBe(39 * sliding + 9 * full);
    expect(kvBytesForContext(m, 262_144, 2)).toBe(39 * 128 * sliding + 9 * 262_144 * full);
  });
  it('card "309B total, 15B active" within 1 % / 3 % (active incl. the embedding: 15.45B)', () => {
    const p = countParams(m);
    within(p.totalParams, 309e9);
    within(p.activeParams, 15e9, 0.03);
    expect(Math.round((p.activeParams - p.embeddingParams) / 1e9)).toBe(15);
  });
});

describe('planning a model with per-layer-type attention shapes', () => {
  const scenario = (tp: number) => {
    const s = parseScenario({
      version: 1,
      model: { name: 'MiMo-V2-Flash', hf: raw('XiaomiMiMo--MiMo-V2-Flash.json') },
      cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 },
      plan: { tp },
    });
    if (!s.ok) throw new Error(s.errors.join('; '));
    return s.scenario;
  };
  it('plans at tp 8 (the step cost per layer type: cost/per-layer-attention.test.ts)', () => {
    expect(resolveDeployment(scenario(8)).model.slidingAttention?.numKvHeads).toBe(8);
  });
  it('refuses a tp that does not divide the query heads, naming plan.tp', () => {
    expect(() => resolveDeployment(scenario(3))).toThrow(ScenarioError);
    expect(() => resolveDeployment(scenario(3))).toThrow(/^plan\.tp: tp=3 must divide the 64 attention heads/);
  });
});
