/**
 * One decode step of MiniMax-M3's block-sparse attention, worked by hand (issue 13): the sparse layers
 * read their 17 selected blocks (2,176 tokens) plus an indexer scan over every cached key; the three
 * dense layers read the whole context. 8× B200 at tp 4 (one KV head per GPU, no replication).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHfConfigText } from '../model/hf.ts';
import { parseScenario } from '../scenario/validate.ts';
import { uniformShape } from './batch.ts';
import { resolveDeployment } from './deployment.ts';
import { iterationCost } from './iteration.ts';
import { memoryReport } from './memory.ts';
import type { OpCost } from './roofline.ts';

const HF = fileURLToPath(new URL('../../../data/reference/hf-configs/MiniMaxAI--MiniMax-M3.json', import.meta.url));
const p = parseScenario({
  version: 1,
  model: { name: 'MiniMax-M3', hf: parseHfConfigText(readFileSync(HF, 'utf8')) },
  precision: { weights: 'fp8', activations: 'bf16', kvCache: 'bf16' },
  cluster: { gpu: 'b200', nodes: 1, gpusPerNode: 8 },
  plan: { tp: 4, dp: 2, ep: 4 },
  runtime: { maxNumSeqs: 64 },
});
if (!p.ok) throw new Error(p.errors.join('; '));
const d = resolveDeployment(p.scenario);
const ops = (ctx: number): OpCost[] => iterationCost(d, uniformShape(1, ctx, 1, true, null), true).ops ?? [];
const named = (all: readonly OpCost[], name: string) => all.filter((o) => o.name === name);

describe('MiniMax-M3 decode step, one sequence, tp 4', () => {
  const kvPerTokenLayerGpu = 1 * (128 + 128) * 2; // 4 KV heads / tp 4, K + V, bf16
  it('sparse layers read 2,176 tokens, dense layers the whole context', () => {
    const attn = named(ops(8192), 'attention decode');
    const byCount = new Map(attn.map((o) => [o.count, o]));
    expect(byCount.get(57)!.bytes).toBe(2176 * kvPerTokenLayerGpu);
    expect(byCount.get(3)!.bytes).toBe(8193 * kvPerTokenLayerGpu);
    // 4·heads·headDim FLOPs per key read: 16 query heads per GPU.
    expect(byCount.get(57)!.flops).toBe(4 * 16 * 128 * 2176);
  });
  it('the indexer scans every cached key on the 57 sparse layers only', () => {
    const ix = named(ops(8192), 'DSA indexer scan');
    expect(ix).toHaveLength(1);
    expect(ix[0]!.count).toBe(57);
    expect(ix[0]!.flops).toBe(2 * 4 * 128 * 8193);
    expect(ix[0]!.bytes).toBe(8193 * 256);
  });
  it('below the selection size the sparse layers read the whole context, like dense ones', () => {
    const attn = named(ops(1000), 'attention decode');
    for (const o of attn) expect(o.bytes).toBe(1001 * kvPerTokenLayerGpu);
  });
  it('memory: KV per token = 60 GQA layers + 57 indexer key caches', () => {
    expect(memoryReport(d).kvBytesPerToken).toBe(60 * 4 * 256 * 2 + 57 * 256);
  });
});
