import { DEFAULT_CONTEXTS } from '../kvplan/capacity.ts';
import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { KV_CHART_PRESETS, KV_PRESET_LIST, kvPreset } from '../kv/presets.ts';
import { kvStrategySchema } from '../kv/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { resolveOptions, enumerateCandidates } from '../search/space.ts';
import { kvCapacityChart } from './kv.ts';
import {
  KV_EDITOR_PRESETS,
  KV_SEARCH_PRESETS,
  defaultComponent,
  evictDefaults,
  kvChoiceId,
  kvChoiceOfScenario,
  kvPresetIdOf,
  kvStrategyInfo,
  kvStrategyName,
  planKvOf,
  sameKvStrategy,
} from './kvStrategyUi.ts';
import { contextLabel, kvChartLines } from './kvChart.ts';
import { kvTierOccupancy } from './kvTiers.ts';

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

describe('KV editor presets', () => {
  it('offers the core presets and the extra operating points, each parsed, with its fidelity', () => {
    const ids = KV_EDITOR_PRESETS.map((p) => p.id);
    for (const id of [
      'none',
      'bf16',
      'fp8',
      'int4',
      'kivi2',
      'h2o',
      'sink-window',
      'topk-host',
      'host-offload',
      'prefix',
      'vattention',
    ])
      expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    const f = (id: string) => KV_EDITOR_PRESETS.find((p) => p.id === id)!.fidelity;
    expect(f('none')).toBe('exact');
    expect(f('fp8')).toBe('near-lossless');
    expect(f('kivi2')).toBe('approximate');
    expect(f('h2o')).toBe('approximate');
    expect(f('host-offload')).toBe('exact');
    expect(f('vattention')).toBe('exact');
    for (const id of KV_SEARCH_PRESETS) expect(ids).toContain(id);
    // Every choice is a valid search option value.
    for (const p of KV_EDITOR_PRESETS) expect(kvChoiceId(p.choice)).not.toBeNull();
    expect(() => resolveOptions(scenario(), { kvStrategies: KV_EDITOR_PRESETS.map((p) => p.choice) })).not.toThrow();
  });

  it('come from the one named preset list in core/kv; the extra operating points keep their search ids by name too', () => {
    expect(KV_EDITOR_PRESETS.map((p) => p.id).sort()).toEqual(KV_PRESET_LIST.map((p) => p.id).sort());
    const vatt = KV_EDITOR_PRESETS.find((p) => p.id === 'vattention')!;
    expect(vatt.label).toBe('vAttention 2 MiB pages');
    // Same candidate id whether the search gets the editor's labelled object or the preset name.
    expect(kvChoiceId(vatt.choice)).toBe('vAttention 2 MiB pages');
    expect(kvChoiceId('vattention')).toBe('vAttention 2 MiB pages');
    expect(kvPreset('cp2')!.strategy).toEqual(
      kvStrategySchema.parse({ label: 'context parallel ×2', distributed: { contextParallel: 2 } }),
    );
    expect(kvChoiceId('fp8')).toBe('fp8');
  });

  it('recognises a scenario strategy as its preset, ignoring labels; custom ones are named by family', () => {
    expect(kvPresetIdOf(undefined)).toBe('none');
    expect(kvPresetIdOf(kvStrategySchema.parse({}))).toBe('none');
    expect(kvPresetIdOf(kvStrategySchema.parse({ quant: { dtype: 'kivi2' } }))).toBe('kivi2');
    expect(
      kvPresetIdOf(kvStrategySchema.parse({ label: 'vAttention 2 MiB pages', paging: { scheme: 'vattention' } })),
    ).toBe('vattention');
    const custom = kvStrategySchema.parse({ quant: { dtype: 'fp8' }, evict: { policy: 'h2o', budgetFraction: 0.1 } });
    expect(kvPresetIdOf(custom)).toBeNull();
    expect(kvStrategyName(custom)).toBe('fp8 KV + H2O');
    expect(kvStrategyName(kvStrategySchema.parse({ evict: { policy: 'h2o', budgetFraction: 0.2 } }))).toBe('H2O 20%');
    expect(sameKvStrategy(undefined, {})).toBe(true);
    expect(sameKvStrategy({ quant: { dtype: 'fp8' } }, { label: 'x', quant: { dtype: 'fp8', kind: 'quant' } })).toBe(
      true,
    );
    expect(sameKvStrategy({ quant: { dtype: 'fp8' } }, { quant: { dtype: 'int8' } })).toBe(false);
  });

  it('describes a strategy with core/kv’s one line on the plan, and labels its fidelity', () => {
    const s = scenario();
    const kivi = kvStrategyInfo(s, kvStrategySchema.parse({ quant: { dtype: 'kivi2' } }));
    expect(kivi.fidelity).toBe('approximate');
    expect(kivi.lossless).toBe(false);
    expect(kivi.description).toMatch(/KIVI/);
    expect(kvStrategyInfo(s, undefined)).toMatchObject({ name: 'plain KV', fidelity: 'exact' });
    // A plan that does not resolve still gets name and fidelity.
    const broken = { ...s, plan: { ...s.plan, tp: 3 } };
    expect(kvStrategyInfo(broken, kvStrategySchema.parse({ quant: { dtype: 'fp8' } }))).toMatchObject({
      name: 'fp8 KV',
      fidelity: 'near-lossless',
    });
  });

  it('default components and policy defaults parse', () => {
    for (const f of ['quant', 'evict', 'offload', 'share', 'paging', 'distributed'] as const)
      expect(() => kvStrategySchema.parse({ [f]: defaultComponent(f) })).not.toThrow();
    for (const p of ['h2o', 'sink-window', 'per-head', 'topk-pages'] as const)
      expect(() => kvStrategySchema.parse({ evict: evictDefaults(p) })).not.toThrow();
  });
});

describe('search choices', () => {
  it('finds which choice a selected plan runs, so the table can highlight its row', () => {
    const s = scenario();
    const choices = ['none', 'fp8', 'kivi2', KV_EDITOR_PRESETS.find((p) => p.id === 'vattention')!.choice];
    const cands = enumerateCandidates(s, { kvStrategies: choices, allowLossy: true });
    for (const c of cands) {
      const own = c.scenario.runtime?.kvStrategy;
      const match = kvChoiceOfScenario(own ? kvStrategySchema.parse(own) : undefined, choices);
      expect(match?.id).toBe(c.knobs.kvStrategy!.id);
    }
    expect(kvChoiceOfScenario(kvStrategySchema.parse({ quant: { dtype: 'int4' } }), choices)).toBeUndefined();
  });

  it('names how each plan stores its KV, with fidelity', () => {
    const fp8 = KV_EDITOR_PRESETS.find((p) => p.id === 'fp8')!;
    expect(
      planKvOf({ kvDtype: 'bf16', kvStrategy: { id: 'fp8', label: fp8.label, strategy: fp8.strategy } }, undefined),
    ).toEqual({ label: 'fp8 KV', fidelity: 'near-lossless' });
    expect(planKvOf({ kvDtype: 'bf16' }, undefined)).toEqual({ label: 'bf16 KV', fidelity: 'exact' });
    expect(planKvOf({ kvDtype: 'bf16' }, { evict: { policy: 'h2o', budgetFraction: 0.2 } })).toEqual({
      label: 'bf16 KV + H2O 20%',
      fidelity: 'approximate',
    });
  });
});

describe('kvChartLines', () => {
  it('one line per strategy, the plan’s own first; presets equal to it left out; lossy dashed', () => {
    const chart = kvCapacityChart(scenario(), { contexts: DEFAULT_CONTEXTS }); // 1K…1M: the HBM limit (~405K) is past the 128K window
    const l = kvChartLines(chart, 'seqs');
    expect(l.lines[0]).toMatchObject({ id: 'current', current: true, label: 'this plan: bf16 KV' });
    // Plain bf16 KV is the bf16 preset: drawn once.
    expect(l.sameAsCurrent).toEqual(['bf16 KV']);
    expect(l.lines.map((x) => x.id)).toEqual(['current', ...KV_CHART_PRESETS.filter((id) => id !== 'bf16')]);
    expect(l.lines.find((x) => x.id === 'kivi2')).toMatchObject({ dashed: true, label: 'KIVI-2 (lossy)' });
    expect(l.lines.find((x) => x.id === 'fp8')).toMatchObject({ dashed: false, label: 'fp8 KV (near-lossless)' });
    const at128k = (id: string) => l.lines.find((x) => x.id === id)!.points.find((p) => p[0] === 131_072)![1];
    expect(at128k('current')).toBe(3);
    expect(at128k('fp8')).toBe(6);
    expect(at128k('host-offload')).toBe(17);
    // HBM limit of the plan, where the host-offload preset starts offloading, the workload's context, the engine cap.
    expect(l.markers.map((m) => m.label)).toEqual([
      expect.stringMatching(/^HBM limit: 1 seq at 44\dK$/),
      expect.stringMatching(/^offload starts \(host offload 240 GB\)/),
      'your context 8K',
    ]);
    expect(l.hLines).toEqual([{ y: 256, label: 'engine cap: 256 seqs (maxNumSeqs × groups)' }]);
    expect(kvChartLines(chart, 'throughput').hLines).toEqual([]);
  });

  it('switching the plan to fp8 changes its curve', () => {
    const a = kvChartLines(kvCapacityChart(scenario()), 'seqs').lines[0]!;
    const b = kvChartLines(kvCapacityChart(scenario({ quant: { dtype: 'fp8' } })), 'seqs');
    expect(b.lines[0]!.label).toBe('this plan: fp8 KV (near-lossless)');
    expect(b.lines[0]!.points).not.toEqual(a.points);
    expect(b.sameAsCurrent).toEqual(['fp8 KV']);
  });

  it('context labels', () => {
    expect(contextLabel(1024)).toBe('1K');
    expect(contextLabel(131_072)).toBe('128K');
    expect(contextLabel(1_048_576)).toBe('1M');
  });
});

describe('kvTierOccupancy', () => {
  it('null without a strategy that offloads', () => {
    const s = scenario();
    expect(kvTierOccupancy(s, evaluateSteadyState(s))).toBeNull();
    const fp8 = scenario({ quant: { dtype: 'fp8' } });
    expect(kvTierOccupancy(fp8, evaluateSteadyState(fp8))).toBeNull();
  });

  it('host offload: host and NVMe rows with their capacity per GPU; the running batch stays in HBM', () => {
    const s = scenario({ offload: { hostGB: 240, ssdGB: 1000 } });
    const r = evaluateSteadyState(s);
    const t = kvTierOccupancy(s, r)!;
    expect(t.tiers).toEqual([
      { label: 'Host DRAM', usedGB: 0, capacityGB: 240 },
      { label: 'NVMe', usedGB: 0, capacityGB: 1000 },
    ]);
    expect(t.hbmKvGB).toBeGreaterThan(0);
    expect(t.seqsWithTiers).toBeGreaterThan(t.hbmSeqs);
  });

  it('top-k pages parked in host: the evicted pages occupy the (unsized) host store', () => {
    const s = scenario({ evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'host' } });
    const t = kvTierOccupancy(s, evaluateSteadyState(s))!;
    expect(t.tiers).toHaveLength(1);
    expect(t.tiers[0]!.capacityGB).toBe(Infinity);
    expect(t.tiers[0]!.usedGB).toBeGreaterThan(0);
  });
});
