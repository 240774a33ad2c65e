/**
 * One decode step and the memory of state-based and sparse-attention layers, worked by hand (issue 13):
 * Gated DeltaNet (Qwen3.5), Mamba-2 (Nemotron-3) and DSA (DeepSeek-V3.2) on one H200, tp = 1.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHfConfigText } from '../model/hf.ts';
import { parseScenario } from '../scenario/validate.ts';
import { uniformShape } from './batch.ts';
import { resolveDeployment, type Deployment } from './deployment.ts';
import { iterationCost } from './iteration.ts';
import { memoryReport, weightBytesPerGpu } from './memory.ts';
import type { OpCost } from './roofline.ts';

const HF_DIR = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));

function dep(file: string, tp: number, gpus = tp, maxNumSeqs = 64): Deployment {
  const hf = parseHfConfigText(readFileSync(`${HF_DIR}${file}`, 'utf8'));
  const p = parseScenario({
    version: 1,
    model: { name: file, hf },
    precision: { weights: 'fp8', activations: 'bf16', kvCache: 'bf16' },
    cluster: { gpu: 'h200', nodes: 1, gpusPerNode: gpus },
    plan: { tp },
    runtime: { maxNumSeqs },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

function op(ops: readonly OpCost[], name: string): OpCost {
  const o = ops.find((x) => x.name === name);
  if (!o) throw new Error(`no op ${name} in ${ops.map((x) => x.name).join(', ')}`);
  return o;
}

const decodeOps = (d: Deployment, seqs: number, ctx: number): OpCost[] =>
  iterationCost(d, uniformShape(seqs, ctx, 1, true, null), true).ops ?? [];

describe('Gated DeltaNet decode step (Qwen3.5-35B-A3B, tp 1)', () => {
  // linear_num_key_heads 16 × 128, linear_num_value_heads 32 × 128, conv 4 taps, state float32.
  const d = dep('Qwen--Qwen3.5-35B-A3B.json', 1);
  it('one sequence: O(1) in context — FLOPs and bytes by hand, identical at 1k and 100k tokens', () => {
    const keyDim = 16 * 128;
    const valueDim = 32 * 128;
    const convDim = 2 * keyDim + valueDim; // 8192
    const flops = 32 * 8 * 128 * 128 + 2 * convDim * 4; // recurrence + depthwise conv
    const stateBytes = convDim * 3 * 2 + 32 * 128 * 128 * 4; // conv bf16 + delta-rule state fp32
    const bytes = 2 * stateBytes + (2 * keyDim + 2 * valueDim) * 2; // read + write the state, q/k/v/z in
    for (const ctx of [1024, 100_000]) {
      const g = op(decodeOps(d, 1, ctx), 'GDN recurrence (state)');
      expect(g.flops).toBe(flops);
      expect(g.bytes).toBe(bytes);
      expect(g.count).toBe(30); // 40 layers, every 4th is full attention
    }
  });
  it('the full-attention layers still read the whole context (KV grows, state does not)', () => {
    const short = op(decodeOps(d, 1, 1024), 'attention decode');
    const long = op(decodeOps(d, 1, 100_000), 'attention decode');
    expect(long.bytes / short.bytes).toBeCloseTo(100_001 / 1025, 6);
    expect(short.count).toBe(10);
  });
});

describe('Mamba-2 decode step (Nemotron-3-Nano-30B-A3B, tp 1)', () => {
  // mamba_num_heads 64 × 64, ssm_state_size 128, n_groups 8, conv 4 taps, SSM cache float32.
  const d = dep('nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.json', 1);
  it('FLOPs and bytes by hand, flat in context', () => {
    const inner = 64 * 64;
    const convDim = inner + 2 * 8 * 128; // 6144
    const flops = 64 * 6 * 64 * 128 + 2 * convDim * 4;
    const stateBytes = convDim * 3 * 2 + 64 * 64 * 128 * 4;
    const bytes = 2 * stateBytes + (inner + convDim) * 2;
    for (const ctx of [512, 200_000]) {
      const s = op(decodeOps(d, 1, ctx), 'Mamba-2 scan (state)');
      expect(s.flops).toBe(flops);
      expect(s.bytes).toBe(bytes);
      expect(s.count).toBe(23);
    }
  });
});

describe('DSA decode step (DeepSeek-V3.2, tp 8)', () => {
  const d = dep('deepseek-ai--DeepSeek-V3.2.json', 8);
  it('reads top-k latents, plus an indexer scan over every cached key', () => {
    const ctx = 8192;
    const ops = decodeOps(d, 1, ctx);
    const attn = op(ops, 'attention decode (MLA latent)');
    // min(8193, 2048) tokens × (512 + 64) latent × 2 B (bf16 KV), replicated on every TP rank.
    expect(attn.bytes).toBe(2048 * 576 * 2);
    const ix = op(ops, 'DSA indexer scan');
    expect(ix.flops).toBe(2 * 64 * 128 * 8193);
    expect(ix.bytes).toBe(8193 * 132);
    // Below top-k the attention reads the whole context, as dense MLA does.
    expect(op(decodeOps(d, 1, 1000), 'attention decode (MLA latent)').bytes).toBe(1001 * 576 * 2);
  });
});

describe('memory: recurrent state is per sequence and flat in context length', () => {
  it('Qwen3.5-35B-A3B: state = maxNumSeqs × 64.39 MB, the KV pool only counts the 10 attention layers', () => {
    const a = memoryReport(dep('Qwen--Qwen3.5-35B-A3B.json', 1, 1, 64));
    const b = memoryReport(dep('Qwen--Qwen3.5-35B-A3B.json', 1, 1, 128));
    const perSeq = 30 * (8192 * 3 * 2 + 32 * 128 * 128 * 4);
    expect(a.stateBytesPerSequence).toBe(perSeq);
    expect(a.perGpu[0]!.stateGB * 1e9).toBeCloseTo(64 * perSeq, -3);
    expect(b.perGpu[0]!.stateGB).toBeCloseTo(2 * a.perGpu[0]!.stateGB, 9);
    expect(a.kvBytesPerToken).toBe(10 * 2 * 256 * 2 * 2);
    // 64 more states (and 64 more fp32 logit rows in the activations) leave that many fewer KV bytes (± one block).
    const moreActivationsBytes = (b.perGpu[0]!.activationsGB - a.perGpu[0]!.activationsGB) * 1e9;
    expect(moreActivationsBytes).toBeCloseTo(64 * 248_320 * 4, -2);
    const tokensLost = a.maxKvTokensPerGroup - b.maxKvTokensPerGroup;
    expect(Math.abs(tokensLost - (64 * perSeq + moreActivationsBytes) / a.kvBytesPerToken)).toBeLessThan(2 * 16);
  });
  it('DSA: the indexer key cache joins the KV bytes per token', () => {
    const m = memoryReport(dep('deepseek-ai--DeepSeek-V3.2.json', 8));
    expect(m.kvBytesPerToken).toBe(61 * 576 * 2 + 61 * 132);
    expect(m.stateBytesPerSequence).toBe(0);
  });
});

describe('memory: a vision tower counts in the weights', () => {
  it('Qwen3.5-35B-A3B at tp 2: stage 0 holds encoderParams × 2 B / 2 more', () => {
    const d = dep('Qwen--Qwen3.5-35B-A3B.json', 2);
    const enc = d.model.encoderParams!;
    expect(enc).toBeGreaterThan(4e8);
    const noTower: Deployment = { ...d, model: { ...d.model, encoderParams: undefined } };
    expect(weightBytesPerGpu(d, 0) - weightBytesPerGpu(noTower, 0)).toBeCloseTo(enc, 0);
  });
});

describe('KV capacity chart: a sequence holds its recurrent state at every context', () => {
  it('Qwen3.5-35B-A3B: HBM bytes per sequence = state (flat) + KV of the 10 attention layers', async () => {
    const { kvCapacityCurve } = await import('../kvplan/capacity.ts');
    const d = dep('Qwen--Qwen3.5-35B-A3B.json', 1);
    const c = kvCapacityCurve(d, {}, [1024, 65_536]);
    const state = 30 * (8192 * 3 * 2 + 32 * 128 * 128 * 4);
    const kvPerToken = 10 * 2 * 256 * 2 * 2;
    for (const p of c.points) {
      // Whole blocks of context; the state adds a fixed 64.4 MB at every length.
      expect(p.hbmBytesPerSeq - state).toBeGreaterThanOrEqual(p.contextTokens * kvPerToken);
      expect(p.hbmBytesPerSeq - state).toBeLessThan((p.contextTokens + 64) * kvPerToken);
    }
  });
});
