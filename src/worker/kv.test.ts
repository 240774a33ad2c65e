import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../core/scenario/schema.ts';
import { mergeShards, search } from '../core/search/search.ts';
import { resolveOptions } from '../core/search/space.ts';
import { parseOrThrow, plannerApi, timelineBuffers, type PlannerApi } from './planner.api.ts';

const KV_BOUND: ScenarioInput = {
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 2 },
  workload: { inputTokens: 30_000, outputTokens: 1000, requests: 500 },
};

const open: (() => void)[] = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

function remote(): Comlink.Remote<PlannerApi> {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(plannerApi, port1);
  const r = Comlink.wrap<PlannerApi>(port2);
  open.push(() => {
    r[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
  return r;
}

describe('KV strategies across the worker boundary', () => {
  it('shards with kvStrategies merge to the in-process result; lossy ones come back rejected', async () => {
    const api = remote();
    const options = { kvStrategies: ['bf16', 'fp8', 'kivi2'], simulateTop: 0 };
    const count = await api.countCandidates(KV_BOUND, options);
    expect(count.knobCombos).toBe(3);
    const shards = await Promise.all([0, 1].map((i) => api.searchShard(KV_BOUND, options, i, 2)));
    const scenario = parseOrThrow(KV_BOUND);
    const merged = mergeShards(shards, resolveOptions(scenario, options));
    const row = (p: (typeof merged.ranked)[number]) => [p.candidate.id, p.value, p.reason];
    expect(merged.ranked.map(row)).toEqual(search(scenario, options).ranked.map(row));
    expect(merged.ranked[0]!.candidate.knobs.kvStrategy).toMatchObject({
      id: 'fp8',
      strategy: { quant: { dtype: 'fp8' } },
    });
    expect(merged.rejected.every((x) => x.reason.startsWith('KIVI-2 not allowed: lossy'))).toBe(true);
    await expect(api.countCandidates(KV_BOUND, { kvStrategies: ['kivi9'] })).rejects.toThrow(
      /^kvStrategies: \[0\]: unknown KV strategy "kivi9"/,
    );
  });

  it('a simulation under an offload strategy transfers its tier timeline buffers too', async () => {
    const api = remote();
    const s: ScenarioInput = {
      ...KV_BOUND,
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
      runtime: { kvStrategy: { offload: { hostGB: 64 } } },
      workload: { inputTokens: 16_000, outputTokens: 500, requests: 80, arrival: { kind: 'poisson', ratePerSec: 8 } },
    };
    const r = await api.simulate(s, { timeline: true });
    const x = r.simulation.timeline!.tierTransfers;
    expect(x.count).toBeGreaterThan(0);
    expect(x.bytes).toBeInstanceOf(Float64Array);
    expect(timelineBuffers(r).includes(x.bytes.buffer as ArrayBuffer)).toBe(true);
    expect(r.kv?.tiers?.hostGBPerGpu).toBe(64);
  });
});
