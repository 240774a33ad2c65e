import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { evaluateSimulated } from '../evaluate/simulated.ts';
import { KV_CHART_PRESETS } from '../kv/presets.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { GANTT_KINDS, planGantt } from './gantt.ts';
import { chartContexts, kvCapacityChart, planTierTransfers, tierSpansFromSimulation } from './kv.ts';
import { DEFAULT_CONTEXTS } from '../kvplan/capacity.ts';
import { resolveDeployment } from '../cost/deployment.ts';

function scenario(kvStrategy?: unknown, extra: Record<string, unknown> = {}): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    // 256 running sequences: the figures below were worked with the pre-profile default (core/engine).
    runtime: kvStrategy ? { kvStrategy, maxNumSeqs: 256 } : { maxNumSeqs: 256 },
    workload: { inputTokens: 8000, outputTokens: 500, requests: 80 },
    ...extra,
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('kvCapacityChart', () => {
  // The worked figures below span 1K…1M, past Llama-3.1-8B's 128K window: ask for that range explicitly.
  const chart = kvCapacityChart(scenario(), { contexts: DEFAULT_CONTEXTS });

  it('by default the x-axis stops at the model context window (issue 14)', () => {
    // Llama-3.1-8B config.json: max_position_embeddings 131072.
    expect(kvCapacityChart(scenario()).contexts).toEqual([1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072]);
    // DeepSeek-V3 config.json: max_position_embeddings 163840 (not a power of two: it becomes the last point).
    expect(chartContexts(163_840).slice(-2)).toEqual([131_072, 163_840]);
    for (const p of kvCapacityChart(scenario()).series.flatMap((s) => s.points))
      expect(p.beyondModelContext).toBe(false);
    // A window past 1M keeps the default range.
    expect(chartContexts(10_000_000)).toEqual([...DEFAULT_CONTEXTS]);
  });
  const byId = (id: string) => chart.series.find((s) => s.id === id)!;

  it('one series per preset plus the plan as configured, over 1K…1M tokens', () => {
    expect(chart.series.map((s) => s.id)).toEqual(['current', ...KV_CHART_PRESETS]);
    expect(chart.contexts[0]).toBe(1024);
    expect(chart.contexts.at(-1)).toBe(1024 * 1024);
    expect(chart.series.map((s) => s.label)).toEqual([
      'current: bf16 KV',
      'bf16 KV',
      'fp8 KV',
      'int4 KV',
      'KIVI-2',
      'H2O 20%',
      'sink+window 4K',
      'host offload 240 GB',
    ]);
    expect(chart.hbmFreeBytesPerGpu / 1e9).toBeCloseTo(59.04, 1);
    expect(chart.maxNumSeqsCap).toBe(256);
    expect(chart.workloadContextTokens).toBe(8500);
  });

  it('sequences fall with context; fp8 holds twice bf16; the 128K point is the worked example', () => {
    const bf16 = byId('bf16');
    for (let i = 1; i < bf16.points.length; i++)
      expect(bf16.points[i]!.hbmSeqs).toBeLessThanOrEqual(bf16.points[i - 1]!.hbmSeqs);
    const at = (id: string, L: number) => byId(id).points.find((p) => p.contextTokens === L)!;
    expect(at('bf16', 131_072).hbmSeqs).toBe(3);
    expect(at('fp8', 131_072).hbmSeqs).toBe(6);
    expect(at('kivi2', 131_072).hbmSeqs).toBe(18);
    expect(at('h2o', 131_072).hbmSeqs).toBe(17);
    expect(at('host-offload', 131_072)).toMatchObject({ hbmSeqs: 3, maxSeqs: 17 });
    // A window caps memory: sink + window holds the same number of sequences at 1M as at 8K.
    expect(at('sink-window', 1_048_576).hbmSeqs).toBe(at('sink-window', 8192).hbmSeqs);
  });

  it('marks the HBM limit and where offload starts', () => {
    const bf16 = byId('bf16');
    // Longest context one bf16 sequence fits: ≈ 59.0 GB / 128 KiB per token.
    expect(bf16.hbmLimitTokens).toBeGreaterThan(440_000);
    expect(bf16.hbmLimitTokens).toBeLessThan(460_000);
    expect(bf16.offloadStartsAtTokens).toBeNull();
    const host = byId('host-offload');
    expect(host.offloadStartsAtTokens).toBe(host.kvBoundFromTokens);
    // 240 GB of host DRAM + 59.0 GB of HBM hold one 2M-token sequence (256 GiB): beyond the chart.
    expect(host.tieredLimitTokens).toBeNull();
    expect(host.hbmLimitTokens).toBe(bf16.hbmLimitTokens);
    expect(byId('kivi2').lossless).toBe(false);
    expect(byId('fp8').fidelity).toBe('near-lossless');
  });

  it('toggling the plan’s strategy moves its "current" curve onto that preset', () => {
    const fp8 = kvCapacityChart(scenario({ quant: { dtype: 'fp8' } }));
    const cur = fp8.series.find((s) => s.current)!;
    expect(cur.label).toBe('current: fp8 KV');
    expect(cur.points.map((p) => p.hbmSeqs)).toEqual(
      fp8.series.find((s) => s.id === 'fp8')!.points.map((p) => p.hbmSeqs),
    );
    expect(cur.points.map((p) => p.hbmSeqs)).not.toEqual(byId('current').points.map((p) => p.hbmSeqs));
  });
});

describe('tier transfers in the plan Gantt', () => {
  it('without a strategy: no host-link lanes', () => {
    const s = scenario();
    const g = planGantt(s, evaluateSteadyState(s).metrics.concurrency);
    expect(g.lanes.some((l) => l.tier)).toBe(false);
    expect(planTierTransfers(resolveDeployment(s), s, 4)).toEqual([]);
  });

  it('with offload and multi-turn reuse: layer-wise H2D reloads and D2H write-backs in prefill, and one swap out/in', () => {
    const s = scenario(
      { offload: { hostGB: 100, multiTurnReuse: { ttlS: 600, hitRate: 0.7 } } },
      { workload: { inputTokens: 8000, outputTokens: 500, requests: 80, arrival: { kind: 'concurrency', users: 4 } } },
    );
    const g = planGantt(s, evaluateSteadyState(s).metrics.concurrency);
    const lane = g.lanes.findIndex((l) => l.tier === 'host-link');
    expect(lane).toBeGreaterThan(0);
    expect(g.lanes[lane]!.label).toBe('GPU 0 ↔ host');
    const spans: { s: number; e: number; d: number }[] = [];
    for (let i = 0; i < g.spans.lane.length; i++)
      if (g.spans.lane[i] === lane) spans.push({ s: g.spans.startUs[i]!, e: g.spans.endUs[i]!, d: g.spans.detail[i]! });
    for (let i = 0; i < g.spans.lane.length; i++)
      if (g.spans.lane[i] === lane) expect(GANTT_KINDS[g.spans.kind[i]!]).toBe('kv-transfer');
    const names = new Set(spans.map((x) => g.details[x.d]!.name));
    expect([...names].sort()).toEqual([
      'D2H KV write-back',
      'H2D multi-turn KV reload',
      'swap it back in',
      'swap out one sequence',
    ]);
    // One reload per layer (32) in the prefill iteration, each starting with its layer.
    const reload = spans.filter((x) => g.details[x.d]!.name === 'H2D multi-turn KV reload');
    expect(reload).toHaveLength(32);
    const prefill = g.phases.find((m) => m.phase === 'prefill')!;
    for (const x of reload) expect(x.s).toBeGreaterThanOrEqual(prefill.startUs);
    // Same-direction transfers queue on the link.
    const sorted = reload.sort((a, b) => a.s - b.s);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.s).toBeGreaterThanOrEqual(sorted[i - 1]!.e - 1e-9);
    const swap = g.phases.at(-1)!;
    expect(swap.label).toBe('swap one sequence (host link)');
    expect(g.makespanUs).toBe(swap.endUs);
    expect(g.details.find((d) => d.name === 'swap out one sequence')!.transfer).toBe('D2H');
  });

  it('pages evicted to host: H2D promoted pages per decode layer', () => {
    const s = scenario({ evict: { policy: 'topk-pages', budgetTokens: 2048 } });
    const t = planTierTransfers(resolveDeployment(s), s, 8);
    const h2d = t.find((x) => x.name === 'H2D promoted pages')!;
    expect(h2d.phase).toBe('decode');
    // 8 sequences × 2 % of the 2048-token budget × 4 KiB per token-layer.
    expect(h2d.bytes).toBeCloseTo(8 * 0.02 * 2048 * 4096, 3);
    expect(t.some((x) => x.name === 'D2H evicted pages')).toBe(true);
  });
});

describe('tierSpansFromSimulation', () => {
  it('turns the simulator’s swap transfers into spans that add up to its counters', () => {
    const s = scenario(
      { offload: { hostGB: 40 } },
      {
        workload: {
          inputTokens: 16_000,
          outputTokens: 800,
          requests: 120,
          arrival: { kind: 'poisson', ratePerSec: 6 },
        },
      },
    );
    const r = evaluateSimulated(s, { timeline: true });
    const t = tierSpansFromSimulation(r.simulation)!;
    expect(t).not.toBeNull();
    expect(r.simulation.preemptions).toBeGreaterThan(0);
    let bytes = 0;
    for (let i = 0; i < t.instance.length; i++) {
      expect(t.endUs[i]!).toBeGreaterThan(t.startUs[i]!);
      bytes += t.bytes[i]!;
    }
    const moved = r.simulation.kvTiers!.movedGB;
    expect(bytes / 1e9).toBeCloseTo(moved.d2h + moved.h2d + moved.toSsd + moved.fromSsd + moved.reload, 1);
    expect(r.simulation.kvTiers!.capacityGB.host).toBe(40);
    expect(r.simulation.kvTiers!.hostGB.max.length).toBeGreaterThan(0);
    expect(tierSpansFromSimulation(evaluateSimulated(scenario(), { timeline: true }).simulation)).toBeNull();
  });
});
