import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { collapseVariants, pickForSimulation, sameNumbers, structureKey } from './collapse.ts';
import { paretoFront, search } from './search.ts';
import type { RankedPlan } from './types.ts';

function scenario(): Scenario {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-70b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    // 5 req/s × (1 s TTFT + 256 × ~25 ms) ≈ 40 sequences in flight: maxNumSeqs 128 vs 256 never binds.
    workload: { inputTokens: 1024, outputTokens: 256, requests: 1000, arrival: { kind: 'poisson', ratePerSec: 5 } },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('collapse and the second-pass picks', () => {
  it('maxNumSeqs 128 vs 256 that never binds, and a KV strategy equal to the default, give one row listing the variants', () => {
    const r = search(scenario(), {
      objective: 'goodput',
      secondary: 'cost',
      maxNumSeqs: [128, 256],
      kvStrategies: ['none', 'bf16'],
      simulateTop: 0,
      top: 10,
    });
    const rows = [...r.ranked, ...(r.runnersUp ?? [])];
    // One row per layout: every layout appears once, with its three twins listed.
    expect(new Set(rows.map(structureKey)).size).toBe(rows.length);
    const first = rows[0]!;
    expect(first.variants?.length).toBe(3);
    for (const v of first.variants!) expect(v.id).not.toBe(first.candidate.id);
    expect(first.candidate.label).toMatch(/seqs/);
  });

  it('never collapses different layouts, nor the same layout with different numbers', () => {
    const r = search(scenario(), { objective: 'goodput', secondary: 'cost', simulateTop: 0, top: 10 });
    const [a, b] = r.ranked;
    expect(structureKey(a!)).not.toBe(structureKey(b!));
    expect(collapseVariants([a!, b!])).toHaveLength(2);
    const slower: RankedPlan = {
      ...a!,
      candidate: { ...a!.candidate, id: 'x', index: 999_999 },
      result: {
        ...a!.result,
        metrics: { ...a!.result.metrics, outputTokPerSec: a!.result.metrics.outputTokPerSec * 0.9 },
      },
    };
    expect(sameNumbers(a!.result, slower.result)).toBe(false);
    expect(collapseVariants([a!, slower])).toHaveLength(2);
    const twin: RankedPlan = { ...a!, candidate: { ...a!.candidate, id: 'twin', label: 'twin', index: 999_998 } };
    const c = collapseVariants([a!, twin]);
    expect(c).toHaveLength(1);
    expect(c[0]!.variants).toEqual([{ id: 'twin', label: 'twin' }]);
  });

  it('the second pass takes distinct layouts and keeps slots for the best P/D splits', () => {
    const r = search(scenario(), {
      objective: 'goodput',
      secondary: 'cost',
      allowDisaggregation: true,
      kvDtypes: ['bf16', 'fp8'],
      simulateTop: 0,
      top: 30,
    });
    const pool = [...r.ranked, ...(r.runnersUp ?? [])];
    const picks = pickForSimulation(pool, 8);
    expect(picks).toHaveLength(8);
    expect(new Set(picks.map(structureKey)).size).toBe(8);
    const pd = pool.filter((p) => p.candidate.knobs.kind === 'disaggregated');
    expect(pd.length).toBeGreaterThan(0);
    expect(picks.filter((p) => p.candidate.knobs.kind === 'disaggregated').length).toBeGreaterThanOrEqual(
      Math.min(2, new Set(pd.map(structureKey)).size),
    );
    // Picks stay in ranking order.
    const pos = picks.map((p) => pool.indexOf(p));
    expect([...pos].sort((x, y) => x - y)).toEqual(pos);
    expect(pickForSimulation(pool, 1)).toEqual([pool[0]]);
  });

  it('the Pareto marks come from the final numbers: a marked row is never dominated, an unmarked one always is', () => {
    const r = search(scenario(), { objective: 'goodput', secondary: 'cost', simulateTop: 0, top: 20 });
    const rows = [...r.ranked, ...(r.runnersUp ?? [])];
    const front = new Set(paretoFront([...rows, ...r.pareto], r.objective, r.secondary).map((p) => p.candidate.id));
    for (const p of rows) expect(p.onPareto).toBe(front.has(p.candidate.id));
    expect(rows.some((p) => p.onPareto)).toBe(true);
    expect(rows.some((p) => !p.onPareto)).toBe(true);
  });
});
