import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../cost/deployment.ts';
import { iterationCost } from '../cost/iteration.ts';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { MODELS } from '../model/catalog.ts';
import { parseHfConfigText } from '../model/hf.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { expandStage, GANTT_KINDS, ganttKindOf, planGantt, type PlanGantt } from './gantt.ts';
import { kvTransfer, poolsOf } from '../evaluate/disagg.ts';
import { ProfileCache } from '../evaluate/profile.ts';
import { estimatorWorkload } from '../evaluate/workload-view.ts';
import { decodePhaseShape, prefillPhaseShape } from './shapes.ts';

function scenario(input: Record<string, unknown>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const BUBBLE = GANTT_KINDS.indexOf('bubble');

function laneSpans(g: PlanGantt, lane: number) {
  const out: { s: number; e: number; kind: number; detail: number; layer: number }[] = [];
  for (let i = 0; i < g.spans.lane.length; i++) {
    if (g.spans.lane[i] === lane)
      out.push({
        s: g.spans.startUs[i]!,
        e: g.spans.endUs[i]!,
        kind: g.spans.kind[i]!,
        detail: g.spans.detail[i]!,
        layer: g.spans.layer[i]!,
      });
  }
  return out.sort((a, b) => a.s - b.s);
}

/**
 * The layers a decode iteration (8 sequences) expands to on pipeline stages 0 and 1 of a pp=2 plan,
 * each run of one layer listed once, in the order the stages meet them.
 */
function layersOverTwoStages(s: Scenario) {
  const dep = resolveDeployment(s);
  const ops = iterationCost(dep, decodePhaseShape(dep, s, 8).shape, true).ops ?? [];
  const seen: number[] = [];
  for (let st = 0; st < 2; st++) {
    for (const step of expandStage(dep, ops, st))
      if (step.layer >= 0 && seen[seen.length - 1] !== step.layer) seen.push(step.layer);
  }
  return { dep, seen };
}

describe('planGantt', () => {
  const s70 = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 1 }, plan: { tp: 8 } });
  const ev70 = evaluateSteadyState(s70);

  it('a pp=1 decode step lasts exactly the cost model iteration time, with no bubbles', () => {
    const g = planGantt(s70, ev70.metrics.concurrency, { phases: ['decode'], decodeSteps: 1 });
    const dep = resolveDeployment(s70);
    const cost = iterationCost(dep, decodePhaseShape(dep, s70, ev70.metrics.concurrency).shape);
    expect(g.makespanUs).toBeCloseTo(cost.timeS * 1e6, 6);
    expect(g.lanes).toHaveLength(8);
    expect([...g.spans.kind].includes(BUBBLE)).toBe(false);
    // Every lane of the TP group runs the same spans.
    expect(laneSpans(g, 3).length).toBe(laneSpans(g, 0).length);
  });

  it('spans never overlap within a lane and tile each phase', () => {
    const s = scenario({
      model: 'llama-3.1-70b',
      cluster: { gpu: 'h100-sxm', nodes: 2 },
      plan: { tp: 4, pp: 2, dp: 2 },
    });
    const ev = evaluateSteadyState(s);
    const g = planGantt(s, ev.metrics.concurrency);
    expect(g.lanes).toHaveLength(16);
    for (let lane = 0; lane < g.lanes.length; lane++) {
      const spans = laneSpans(g, lane);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.s).toBeGreaterThanOrEqual(spans[i - 1]!.e - 1e-6);
      // Spans (bubbles included) cover the lane from 0 to the makespan without holes.
      const covered = spans.reduce((a, x) => a + (x.e - x.s), 0);
      expect(covered).toBeCloseTo(g.makespanUs, 3);
    }
  });

  it('pipeline parallelism shows bubbles while the pipeline fills and stage work equals the cost model', () => {
    const s = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 1 }, plan: { tp: 4, pp: 2 } });
    const ev = evaluateSteadyState(s);
    const g = planGantt(s, ev.metrics.concurrency, { phases: ['prefill'] });
    const dep = resolveDeployment(s);
    const cost = iterationCost(dep, prefillPhaseShape(dep, s).shape);
    const stage1 = g.lanes.findIndex((l) => l.stage === 1);
    const spans = laneSpans(g, stage1);
    expect(spans[0]!.kind).toBe(BUBBLE); // stage 1 waits for stage 0
    const work = spans.filter((x) => x.kind !== BUBBLE).reduce((a, x) => a + (x.e - x.s), 0);
    expect(work).toBeCloseTo(cost.stageTimesS[1]! * 1e6, 3);
    // One micro-batch through two stages: makespan = both stages + one send + host overhead.
    expect(g.makespanUs).toBeCloseTo(cost.timeS * 1e6, 3);
  });

  it('layers appear in model order, interleaving alternating layer kinds', () => {
    const s = scenario({ model: 'gemma-2-27b', cluster: { gpu: 'h100-sxm', nodes: 1 }, plan: { tp: 8 } });
    const ev = evaluateSteadyState(s);
    const g = planGantt(s, ev.metrics.concurrency, { phases: ['decode'], decodeSteps: 1 });
    const layers = laneSpans(g, 0)
      .map((x) => x.layer)
      .filter((l) => l >= 0);
    const order = layers.filter((l, i) => i === 0 || l !== layers[i - 1]);
    expect(order).toEqual(Array.from({ length: 46 }, (_, i) => i));
  });

  it('expands every catalog model into its layers in order', () => {
    for (const m of MODELS) {
      const heads = m.attention.numHeads;
      const tp = heads % 8 === 0 ? 8 : heads % 4 === 0 ? 4 : 1;
      const ep = m.moe ? tp : 1;
      const s = scenario({ model: m.id, cluster: { gpu: 'b200', nodes: 4 }, plan: { tp, pp: 2, ep } });
      const { seen } = layersOverTwoStages(s);
      expect(seen, m.id).toEqual(Array.from({ length: m.layers.length }, (_, i) => i));
    }
  });

  it('expands models with per-layer attention shapes (Gemma-4, MiMo-V2, DeepSeek-V4) in layer order', () => {
    const dir = fileURLToPath(new URL('../../../data/reference/hf-configs/', import.meta.url));
    for (const file of [
      'nvidia--Gemma-4-31B-IT-NVFP4.json',
      'XiaomiMiMo--MiMo-V2-Flash.json',
      'deepseek-ai--DeepSeek-V4-Flash.json',
    ]) {
      const hf = parseHfConfigText(readFileSync(`${dir}${file}`, 'utf8'));
      const s = scenario({ model: { name: file, hf }, cluster: { gpu: 'b200', nodes: 1 }, plan: { tp: 4, pp: 2 } });
      const { dep, seen } = layersOverTwoStages(s);
      expect(seen, file).toEqual(Array.from({ length: dep.model.layers.length }, (_, i) => i));
    }
  });

  it('caps the lanes and says which GPUs are hidden', () => {
    const s = scenario({ model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: 8 }, plan: { tp: 1, dp: 64 } });
    const ev = evaluateSteadyState(s);
    const g = planGantt(s, ev.metrics.concurrency, { maxLanes: 16 });
    expect(g.lanes).toHaveLength(16);
    expect(g.lanesTotal).toBe(64);
    expect(g.note).toMatch(/16 of 64/);
    expect(g.lanes[15]!.group).toMatch(/Replica 15 · node 1/);
  });

  it('maps op kinds onto the palette', () => {
    expect(ganttKindOf('p2p')).toBe('collective');
    expect(ganttKindOf('embedding')).toBe('elementwise');
    expect(ganttKindOf('overhead')).toBe('other');
    expect(GANTT_KINDS).toEqual([
      'attention',
      'gemm',
      'moe',
      'collective',
      'kv-transfer',
      'bubble',
      'idle',
      'elementwise',
      'sampling',
      'other',
    ]);
  });

  it('throws the engine error for a plan that does not resolve', () => {
    const s = scenario({ model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm', nodes: 1 }, plan: { tp: 3 } });
    expect(() => planGantt(s, 1)).toThrow(/plan\.tp/);
  });
});

describe('planGantt with prefill/decode disaggregation', () => {
  it('lays out the prefill pool on prefill iterations and the decode pool on decode steps', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1 },
      plan: { prefill: { instances: 2, tp: 1 }, decode: { instances: 1, tp: 4 } },
    });
    const g = planGantt(s, 32);
    const gpuLanes = g.lanes.filter((l) => l.tier === undefined);
    expect(gpuLanes.map((l) => l.gpu)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(g.lanes[0]!.group).toMatch(/^Prefill pool/);
    expect(g.lanes[3]!.group).toMatch(/^Decode pool/);
    const phasesOf = (lane: number) =>
      new Set(
        [...g.spans.detail.keys()]
          .filter((i) => g.spans.lane[i] === lane)
          .map((i) => g.details[g.spans.detail[i]!]!.phase),
      );
    expect([...phasesOf(0)]).toEqual(['prefill']);
    expect([...phasesOf(4)]).toEqual(['decode']);
    expect(g.note).toMatch(/KV transfer/);
  });

  it('draws the KV hand-off on a link lane between the pools, after prefill and before decode, timed by the P/D estimator', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1 },
      plan: { prefill: { instances: 2, tp: 1 }, decode: { instances: 1, tp: 4 } },
    });
    const g = planGantt(s, 32);
    const pools = poolsOf(s)!;
    const cache = new ProfileCache();
    const tx = kvTransfer(
      cache.get(s, pools.prefill, 'prefill'),
      cache.get(s, pools.decode, 'decode'),
      pools,
      estimatorWorkload(s).inputTokens,
    );
    const KV = GANTT_KINDS.indexOf('kv-transfer');
    const link = g.lanes.findIndex((l) => l.tier === 'pd-link');
    // Between the prefill pool's lanes (0, 1) and the decode pool's (3..6).
    expect(link).toBe(2);
    expect(g.lanes[link]!.label).toMatch(/NVLink/);
    const spans = laneSpans(g, link);
    expect(spans).toHaveLength(1);
    const x = spans[0]!;
    expect(x.kind).toBe(KV);
    expect((x.e - x.s) / 1e6).toBeCloseTo(tx.seconds, 12);
    const d = g.details[x.detail]!;
    expect(d.bytes).toBe(tx.bytesPerPrompt);
    expect(d.timeUs).toBeCloseTo(tx.seconds * 1e6, 9);
    expect(d.name).toMatch(/NVLink/);
    // After the prefill iteration, before the decode steps.
    const prefillEnd = Math.max(...laneSpans(g, 0).map((y) => y.e));
    const decodeStart = Math.min(...laneSpans(g, 3).map((y) => y.s));
    expect(x.s).toBeCloseTo(prefillEnd, 9);
    expect(decodeStart).toBeCloseTo(x.e, 9);
    // One phase only: no hand-off.
    expect(planGantt(s, 32, { phases: ['decode'] }).lanes.some((l) => l.tier === 'pd-link')).toBe(false);
  });
});
