/**
 * Per-layer attention shapes in the serving cost (issue 13, "Models of 2026"), worked by hand from the
 * config.json files in data/reference/hf-configs on one 8× B200 node, tp = 8, bf16 KV (2 B):
 * - Gemma-4 31B: 50 sliding layers of 16 KV heads × 256 (window 1024), 10 full layers of 4 KV heads
 *   × 512 with K = V; 32 query heads.
 * - MiMo-V2-Flash: 39 sliding layers of 8 KV heads (window 128), 9 full layers of 4 KV heads; 64 query
 *   heads; q/k head dim 192, v 128.
 * - DeepSeek-V4-Flash: one shared K = V head of 512 on every layer (64 query heads), a 128-token
 *   window, KV pooled 4:1 on 21 layers (the indexer keeps index_topk = 512 entries) and 128:1 on 20,
 *   2 window-only layers; hc_mult = 4 residual streams of hidden 4096.
 * One decode step: 4 sequences, each with 4095 cached tokens, decoding their 4096th.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planWarnings } from '../evaluate/evaluate.ts';
import { getModel } from '../model/catalog.ts';
import { parseHfConfigText } from '../model/hf.ts';
import { attentionKvBytesPerLayerPerToken, attentionShapeOf, kvGrowthShare } from '../model/params.ts';
import type { LayerSpec, ModelSpec } from '../model/types.ts';
import { parseScenario } from '../scenario/validate.ts';
import { uniformShape } from './batch.ts';
import { resolveDeployment, type Deployment } from './deployment.ts';
import { geometryOf, layerGeometry, stageKvLayerWeights } from './geometry.ts';
import { iterationCost } from './iteration.ts';
import { memoryReport } from './memory.ts';
import type { OpCost } from './roofline.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));

function dep(file: string, tp = 8): Deployment {
  const hf = parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8'));
  const p = parseScenario({
    version: 1,
    model: { name: file, hf },
    precision: { weights: 'bf16', activations: 'bf16', kvCache: 'bf16' },
    cluster: { gpu: 'b200', nodes: 1, gpusPerNode: 8 },
    plan: { tp },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

/** The op `name` of the layer group with `count` layers (pp = 1: one group per layer type). */
function op(ops: readonly OpCost[], name: string, count: number): OpCost {
  const o = ops.find((x) => x.name === name && x.count === count);
  if (!o) throw new Error(`no op ${name} ×${count} in ${ops.map((x) => `${x.name} ×${x.count}`).join(', ')}`);
  return o;
}

const SEQS = 4;
const CTX = 4095;
const decodeOps = (d: Deployment): OpCost[] =>
  iterationCost(d, uniformShape(SEQS, CTX, 1, true, d.model.slidingWindow), true).ops ?? [];
const layerOf = (m: ModelSpec, pick: (l: LayerSpec) => boolean): LayerSpec => m.layers.find(pick)!;

describe('Gemma-4 31B on 8× B200, tp 8', () => {
  const d = dep('nvidia--Gemma-4-31B-IT-NVFP4.json');
  const m = d.model;
  const sliding = layerOf(m, (l) => l.attention === 'sliding');
  const full = layerOf(m, (l) => l.attention === 'full');
  it('KV bytes per token per layer type: sliding K + V, full one K = V tensor; per GPU over tp', () => {
    expect(attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, sliding))).toBe(16 * (256 + 256) * 2);
    expect(attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, full))).toBe(4 * 512 * 2);
    // tp 8: 16 sliding KV heads → 2 per GPU; 4 full KV heads → 1 replicated head per GPU.
    expect(layerGeometry(d, sliding)).toMatchObject({ qHeads: 4, kvHeads: 2, kvBytesPerTokenLayerGpu: 2 * 512 * 2 });
    expect(layerGeometry(d, full)).toMatchObject({ qHeads: 4, kvHeads: 1, kvBytesPerTokenLayerGpu: 1 * 512 * 2 });
    expect(geometryOf(d).stageKvBytesPerTokenGpu).toEqual([50 * 2048 + 10 * 1024]);
  });
  it('one decode step: attention FLOPs and bytes per layer type by hand', () => {
    const ops = decodeOps(d);
    // Sliding: each sequence reads min(4096, 1024) keys; 2·qHeads·(256 + 256) FLOPs per key.
    const sKeys = SEQS * 1024;
    const s = op(ops, 'attention decode', 50);
    expect(s.flops).toBe(2 * 4 * 512 * sKeys);
    expect(s.bytes).toBe(sKeys * 2048);
    // Full: every cached key, 2·qHeads·(512 + 512) FLOPs (K = V is read once but used twice).
    const fKeys = SEQS * 4096;
    const f = op(ops, 'attention decode', 10);
    expect(f.flops).toBe(2 * 4 * 1024 * fKeys);
    expect(f.bytes).toBe(fKeys * 1024);
    // QKV projection of a full layer: q 4 × 512 + one K = V head × 512, no v_proj.
    const qkv = op(ops, 'qkv proj', 10);
    expect(qkv.flops).toBe(2 * SEQS * 5376 * (4 + 1) * 512);
    expect(op(ops, 'qkv proj', 50).flops).toBe(2 * SEQS * 5376 * (4 * 256 + 2 * 256 + 2 * 256));
  });
});

describe('MiMo-V2-Flash on 8× B200', () => {
  const d = dep('XiaomiMiMo--MiMo-V2-Flash.json');
  const m = d.model;
  const sliding = layerOf(m, (l) => l.attention === 'sliding');
  const full = layerOf(m, (l) => l.attention === 'full');
  it('KV bytes per token per layer type (K 192 + V 128 per KV head), per GPU at tp 8 and tp 4', () => {
    expect(attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, sliding))).toBe(8 * 320 * 2);
    expect(attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, full))).toBe(4 * 320 * 2);
    // tp 8: 8 sliding KV heads → 1 each; 4 full ones replicated → 1 each: the same bytes per GPU.
    expect(layerGeometry(d, sliding).kvBytesPerTokenLayerGpu).toBe(320 * 2);
    expect(layerGeometry(d, full).kvBytesPerTokenLayerGpu).toBe(320 * 2);
    const d4 = dep('XiaomiMiMo--MiMo-V2-Flash.json', 4);
    expect(layerGeometry(d4, sliding).kvBytesPerTokenLayerGpu).toBe(2 * 320 * 2);
    expect(layerGeometry(d4, full).kvBytesPerTokenLayerGpu).toBe(1 * 320 * 2);
    expect(geometryOf(d4).stageKvBytesPerTokenGpu).toEqual([39 * 1280 + 9 * 640]);
  });
  it('one decode step: attention FLOPs and bytes per layer type by hand', () => {
    const ops = decodeOps(d);
    const pairFlops = 2 * 8 * (192 + 128); // QKᵀ over 192, PV over 128, 8 query heads per GPU
    const sKeys = SEQS * 128; // window 128
    const s = op(ops, 'attention decode', 39);
    expect(s.flops).toBe(pairFlops * sKeys);
    expect(s.bytes).toBe(sKeys * 640);
    // Full: layer 0 (dense FFN) is costed apart from the 8 MoE full layers; same attention.
    const fKeys = SEQS * 4096;
    for (const count of [1, 8]) {
      const f = op(ops, 'attention decode', count);
      expect(f.flops).toBe(pairFlops * fKeys);
      expect(f.bytes).toBe(fKeys * 640);
    }
    // The o projection reads the 128-wide values of 8 heads.
    expect(op(ops, 'o proj', 8).flops).toBe(2 * SEQS * 8 * 128 * 4096);
  });
});

describe('DeepSeek-V4-Flash on 8× B200', () => {
  const d = dep('deepseek-ai--DeepSeek-V4-Flash.json');
  const m = d.model;
  const csa = layerOf(m, (l) => l.compressRatio === 4);
  const hca = layerOf(m, (l) => l.compressRatio === 128);
  const swa = layerOf(m, (l) => l.attention === 'sliding');
  it('KV bytes per token per layer type: one 512-wide K = V entry, pooled 4:1 / 128:1, replicated over tp', () => {
    const entry = 512 * 2;
    expect(kvGrowthShare(csa) * attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, csa))).toBe(entry / 4);
    expect(kvGrowthShare(hca) * attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, hca))).toBe(entry / 128);
    expect(kvGrowthShare(swa) * attentionKvBytesPerLayerPerToken(m, 2, attentionShapeOf(m, swa))).toBe(entry);
    expect(layerGeometry(d, csa)).toMatchObject({ qHeads: 8, kvHeads: 1, kvBytesPerTokenLayerGpu: entry });
    // Per GPU per token: the growth of each layer + the FP8 index keys (33 B / token) of the 21 sparse
    // layers, spread as a mean over the 43 KV layers.
    const idx = (21 * 33) / 43;
    expect(geometryOf(d).stageKvBytesPerTokenGpu[0]).toBeCloseTo(
      21 * (entry / 4 + idx) + 20 * (entry / 128 + idx) + 2 * (entry + idx),
      9,
    );
    expect(m.slidingWindow).toBe(128);
  });
  it('one decode step: window + pooled entries per layer type, FLOPs and bytes by hand', () => {
    const ops = decodeOps(d);
    const pairFlops = 2 * 8 * (512 + 512); // 8 query heads per GPU, QKᵀ and PV over the K = V entry
    const window = SEQS * 128;
    // Ratio 4: 1024 pooled entries per sequence, the indexer keeps the top 512.
    const csaRead = window + SEQS * 512;
    const c = op(ops, 'attention decode (window + pooled)', 21);
    expect(c.flops).toBe(pairFlops * csaRead);
    expect(c.bytes).toBe(csaRead * 1024);
    // Ratio 128: all 4096 / 128 = 32 pooled entries per sequence.
    const hcaRead = window + SEQS * 32;
    const hc = op(ops, 'attention decode (window + pooled)', 20);
    expect(hc.flops).toBe(pairFlops * hcaRead);
    expect(hc.bytes).toBe(hcaRead * 1024);
    const w = op(ops, 'attention decode (window + pooled)', 2);
    expect(w.flops).toBe(pairFlops * window);
    expect(w.bytes).toBe(window * 1024);
    // The indexer scores every pooled entry: 2 · 64 heads · 128 per entry; its keys are 33 B per 4 tokens.
    const scan = op(ops, 'DSA indexer scan', 21);
    expect(scan.flops).toBe(2 * 64 * 128 * SEQS * 1024);
    expect(scan.bytes).toBe(SEQS * 4096 * 33);
    // Hyper-connections: 3 passes over the 4 × 4096-wide stream per sublayer, 2 sublayers, bf16.
    expect(op(ops, 'hyper-connection mix', 21).bytes).toBe(SEQS * 2 * 3 * 4 * 4096 * 2);
    expect(op(ops, 'hyper-connection mapping (attn)', 21).flops).toBe(2 * SEQS * 4 * 4096 * (16 + 8));
    expect(op(ops, 'hyper-connection mapping (ffn)', 21).flops).toBe(2 * SEQS * 4 * 4096 * (16 + 8));
    // Grouped output: 8 groups over tp 8 → one group of 8 heads × 512 → 1024 per GPU, then 1024 → hidden.
    expect(op(ops, 'o_a proj (grouped)', 21).flops).toBe(2 * SEQS * 8 * 512 * 1024);
    expect(op(ops, 'o_b proj', 21).flops).toBe(2 * SEQS * 1024 * 4096);
  });
  it('one 2048-token prefill chunk after 8192 cached tokens: window + pooled pairs by hand', () => {
    const ops = iterationCost(d, uniformShape(1, 8192, 2048, true, m.slidingWindow), true).ops ?? [];
    const pairFlops = 2 * 8 * (512 + 512);
    const windowPairs = 2048 * 128; // every query sees a full 128-token window
    const name = 'attention prefill (window + pooled)';
    // Ratio 4: Σ causal pairs / 4 = (2048·8192 + 2048·2049/2) / 4 = 4,718,848, capped by the indexer
    // at 512 entries per query = 1,048,576; keys written/read: 10,240 / 4 pooled entries + the window.
    const c = op(ops, name, 21);
    expect(c.flops).toBe(pairFlops * (windowPairs + 2048 * 512));
    expect(c.bytes).toBe((128 + 2560) * 1024);
    // Ratio 128: (16,777,216 + 2,098,176) / 128 = 147,464 pairs, every entry read.
    const hc = op(ops, name, 20);
    expect(hc.flops).toBe(pairFlops * (windowPairs + 147_464));
    expect(hc.bytes).toBe((128 + 80) * 1024);
    expect(op(ops, name, 2).flops).toBe(pairFlops * windowPairs);
  });
  it('the plan says which V4 cost formulas are approximations', () => {
    const hf = parseHfConfigText(readFileSync(`${HF_DIR}deepseek-ai--DeepSeek-V4-Flash.json`, 'utf8'));
    const p = parseScenario({
      version: 1,
      model: { name: 'V4', hf },
      cluster: { gpu: 'b200', gpusPerNode: 8 },
      plan: { tp: 8 },
    });
    if (!p.ok) throw new Error(p.errors.join('; '));
    const w = planWarnings(d, p.scenario).find((x) => x.startsWith('DeepSeek-V4 attention'));
    expect(w).toMatch(
      /128-token window .* an approximation; the indexer keeps 512 entries on 4:1 layers\), and the 4-stream/,
    );
  });
  it('decode attention grows with context on compressed layers only by the pooled entries', () => {
    const at = (ctx: number) =>
      op(
        iterationCost(d, uniformShape(1, ctx, 1, true, m.slidingWindow), true).ops ?? [],
        'attention decode (window + pooled)',
        20,
      ).bytes;
    // Past the window, 128 000 more tokens add 1000 pooled entries of 1024 B on a 128:1 layer.
    expect(at(128_127 + 128_000) - at(128_127)).toBe(1000 * 1024);
  });
});

describe('a model whose sliding shape equals its full shape costs what the uniform model costs', () => {
  const base = getModel('gemma-2-27b')!; // 23 sliding (window 4096) and 23 full layers
  const p = parseScenario({
    version: 1,
    model: 'gemma-2-27b',
    precision: { weights: 'fp8', activations: 'bf16', kvCache: 'bf16' },
    cluster: { gpu: 'b200', nodes: 1, gpusPerNode: 8 },
    plan: { tp: 1 },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  const baseDep = resolveDeployment(p.scenario);
  it('step time, KV per GPU, KV capacity and simulator pool weights are identical (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 4, 8),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1, 2, 4, 8, 16),
        fc.constantFrom(64, 128, 256),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.constantFrom(1, 512),
        (tp, headsPerTp, kvHeads, headDim, seqs, ctx, newTokens) => {
          const attention = {
            ...base.attention,
            numHeads: tp * headsPerTp * kvHeads,
            numKvHeads: kvHeads,
            headDim,
            vHeadDim: headDim,
          };
          const uniform: ModelSpec = { ...base, attention };
          const twin: ModelSpec = { ...uniform, slidingAttention: { ...attention } };
          const instance = { ...baseDep.instance, tp, moeTp: tp, gpus: tp };
          const du: Deployment = { ...baseDep, model: uniform, instance };
          const dt: Deployment = { ...baseDep, model: twin, instance };
          const shape = uniformShape(seqs, ctx, newTokens, true, base.slidingWindow);
          expect(iterationCost(dt, shape).timeS).toBe(iterationCost(du, shape).timeS);
          expect(memoryReport(dt)).toEqual(memoryReport(du));
          const gu = geometryOf(du);
          const gt = geometryOf(dt);
          expect(gt.stageKvBytesPerTokenGpu).toEqual(gu.stageKvBytesPerTokenGpu);
          expect(stageKvLayerWeights(dt)).toEqual(stageKvLayerWeights(du));
        },
      ),
      { numRuns: 60 },
    );
  });
});
