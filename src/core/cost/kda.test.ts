/**
 * One decode step of Kimi-K3's Kimi Delta Attention layers, worked by hand (issue 13): the KDA
 * recurrence is O(1) per token in context like Gated DeltaNet (same delta-rule state), and the MLA
 * layers carry their output-gate projection. 8× B200, tp 8.
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

const HF = fileURLToPath(new URL('../../../data/reference/hf-configs/moonshotai--Kimi-K3.json', import.meta.url));
const p = parseScenario({
  version: 1,
  model: { name: 'Kimi-K3', hf: parseHfConfigText(readFileSync(HF, 'utf8')) },
  precision: { weights: 'fp4', activations: 'bf16', kvCache: 'bf16' },
  cluster: { gpu: 'b200', nodes: 1, gpusPerNode: 8 },
  plan: { tp: 8, ep: 8 },
  runtime: { maxNumSeqs: 32 },
});
if (!p.ok) throw new Error(p.errors.join('; '));
const d = resolveDeployment(p.scenario);

const ops = (ctx: number): OpCost[] => iterationCost(d, uniformShape(1, ctx, 1, true, null), true).ops ?? [];
const op = (all: readonly OpCost[], name: string): OpCost => {
  const o = all.find((x) => x.name === name);
  if (!o) throw new Error(`no op ${name} in ${all.map((x) => x.name).join(', ')}`);
  return o;
};

describe('Kimi-K3 decode step, one sequence, tp 8', () => {
  it('KDA recurrence: FLOPs and bytes by hand, identical at 4k and 1M tokens of context', () => {
    const heads = 96 / 8; // 12 heads per rank
    const dim = heads * 128; // 1,536 key and value channels per rank
    const convDim = 3 * dim; // q, k, v short convs
    const flops = heads * 8 * 128 * 128 + 2 * convDim * 4; // delta-rule update + readout, depthwise conv
    const stateBytes = convDim * 3 * 2 + heads * 128 * 128 * 4; // conv state bf16 + fp32 state
    const bytes = 2 * stateBytes + 4 * dim * 2; // state read + write, q/k/v/gate activations bf16
    for (const ctx of [4096, 1_000_000]) {
      // Two layer groups (the dense-FFN first layer and 68 MoE layers), each with the same mixer cost.
      const rs = ops(ctx).filter((o) => o.name === 'GDN recurrence (state)');
      expect(rs.reduce((a, o) => a + o.count, 0)).toBe(69);
      for (const r of rs) {
        expect(r.flops).toBe(flops);
        expect(r.bytes).toBe(bytes);
      }
    }
  });
  it('KDA projections: q/k/v/β sharded, full-rank forget gate sharded, output gate low rank', () => {
    const all = ops(4096);
    // One token: a GEMM of 1 × K × N costs 2·K·N FLOPs.
    expect(op(all, 'KDA q/k/v/β proj').flops).toBe(2 * 7168 * (3 * 1536 + 12));
    expect(op(all, 'KDA forget-gate proj').flops).toBe(2 * 7168 * 1536);
    expect(op(all, 'KDA output-gate down').flops).toBe(2 * 7168 * 128);
    expect(op(all, 'KDA output-gate up').flops).toBe(2 * 128 * 1536);
    expect(op(all, 'GDN out_proj').flops).toBe(2 * 1536 * 7168);
  });
  it('MLA layers: the output gate is one more hidden → heads·vHeadDim GEMM; the latent read grows with context', () => {
    const a = ops(4096);
    expect(op(a, 'output-gate proj').flops).toBe(2 * 7168 * 12 * 128);
    expect(op(a, 'output-gate proj').count).toBe(24);
    const short = op(a, 'attention decode (MLA latent)');
    const long = op(ops(1_000_000), 'attention decode (MLA latent)');
    expect(short.bytes).toBe(4097 * 576 * 2);
    expect(long.bytes / short.bytes).toBeCloseTo(1_000_001 / 4097, 9);
  });
  it('memory: 69 KDA states per running sequence, KV only for the 24 MLA layers', () => {
    const mem = memoryReport(d);
    expect(mem.stateBytesPerSequence).toBe(69 * (3 * 12_288 * 3 * 2 + 96 * 128 * 128 * 4));
    expect(mem.perGpu[0]!.stateGB * 1e9).toBeCloseTo((32 * mem.stateBytesPerSequence) / 8, -3);
    expect(mem.kvBytesPerToken).toBe(24 * 576 * 2);
  });
});
