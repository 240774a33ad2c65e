import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../core/scenario/schema.ts';
import { mergeShards, search } from '../core/search/search.ts';
import { resolveOptions } from '../core/search/space.ts';
import type { SearchProgress, SearchResult } from '../core/search/types.ts';
import type { SimulatedEvaluation } from '../core/evaluate/simulated.ts';
import { parseOrThrow, plannerApi, timelineBuffers, type PlannerApi } from './planner.api.ts';

const SMALL: ScenarioInput = {
  version: 1,
  model: 'llama-3.1-70b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
  workload: { inputTokens: 1000, outputTokens: 200, requests: 400, arrival: { kind: 'poisson', ratePerSec: 2 } },
};

const open: (() => void)[] = [];
afterEach(() => {
  for (const close of open.splice(0)) close();
});

/** The API over a real MessageChannel, as a Worker would see it. */
function remote(api: PlannerApi = plannerApi): Comlink.Remote<PlannerApi> {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port1);
  const r = Comlink.wrap<PlannerApi>(port2);
  open.push(() => {
    r[Comlink.releaseProxy]();
    port1.close();
    port2.close();
  });
  return r;
}

const ids = (r: SearchResult) => r.ranked.map((p) => [p.candidate.id, p.value, p.reason]);

describe('planner.api over a MessageChannel (comlink)', () => {
  it('counts, shards and merges to the same result as the in-process search', async () => {
    const api = remote();
    const options = { kvDtypes: ['bf16', 'fp8'], simulateTop: 0 };
    const count = await api.countCandidates(SMALL, options);
    expect(count.total).toBe(64);
    const progress: SearchProgress[] = [];
    const shards = await Promise.all(
      [0, 1, 2].map((i) =>
        api.searchShard(
          SMALL,
          options,
          i,
          3,
          Comlink.proxy((p: SearchProgress) => progress.push(p)),
        ),
      ),
    );
    expect(shards.reduce((a, s) => a + s.counts.enumerated, 0)).toBe(64);
    const scenario = parseOrThrow(SMALL);
    const merged = mergeShards(shards, resolveOptions(scenario, options));
    expect(ids(merged)).toEqual(ids(search(scenario, options)));
    // Structured clone keeps the plain data: candidates still carry their scenario and knobs.
    expect(merged.ranked[0]!.candidate.scenario).toMatchObject({ model: 'llama-3.1-70b' });
    await new Promise((r) => setTimeout(r, 10)); // proxied progress calls are fire-and-forget messages
    expect(progress.some((p) => p.done === p.total)).toBe(true);
  });

  it('rejects bad input with the field named', async () => {
    const api = remote();
    await expect(api.countCandidates(SMALL, { kvDtypes: ['fp9'] })).rejects.toThrow(/kvDtypes: "fp9"/);
    await expect(api.searchShard({ ...SMALL, cluster: { gpu: 'h100-sxm', nodes: 0 } }, {}, 0, 1)).rejects.toThrow(
      /cluster\.nodes/,
    );
    await expect(api.searchShard(SMALL, {}, 3, 2)).rejects.toThrow(/^shard:/);
    await expect(api.countCandidates(SMALL, { maxCandidates: 10 })).resolves.toMatchObject({ tooLarge: true });
    await expect(api.searchShard(SMALL, { maxCandidates: 10 }, 0, 1)).rejects.toThrow(/maxCandidates = 10/);
  });

  it('evaluates one scenario and refines plans with the simulator when the build has one', async () => {
    const api = remote();
    const one = await api.evaluate({ ...SMALL, plan: { tp: 8 } }, 'steady-state');
    expect(one.method).toBe('steady-state');
    expect(one.memory.fits).toBe(true);
    const shard = await api.searchShard(SMALL, { simulateTop: 2 }, 0, 1);
    const out = await api.refine(SMALL, shard.kept.slice(0, 2), {});
    const hasSim = await api.hasSimulator();
    expect(out.simulated).toBe(hasSim);
    expect(out.refined.length + out.rejected.length).toBe(2);
    if (hasSim) for (const p of out.refined) expect(p.method).toBe('simulation');
  });

  it('simulates one scenario and transfers the timeline typed arrays instead of copying them', async () => {
    const sent: SimulatedEvaluation[] = [];
    const api = remote({
      ...plannerApi,
      simulate: async (...a: Parameters<PlannerApi['simulate']>) => {
        const r = await plannerApi.simulate(...a);
        sent.push(r);
        return r;
      },
    });
    const input = { ...SMALL, plan: { tp: 8 } };
    const got = await api.simulate(input, { timeline: true });
    expect(got.method).toBe('simulation');
    const tl = got.simulation.timeline!;
    expect(tl.requests.arrivalS).toBeInstanceOf(Float64Array);
    expect(tl.requests.instance).toBeInstanceOf(Int32Array);
    expect(tl.requests.arrivalS.length).toBe(got.simulation.requests);
    expect(tl.iterations.startS.length).toBe(tl.iterations.count);
    expect(tl.iterations.count).toBeGreaterThan(0);
    // The sender's views were detached by the transfer: the buffers moved, nothing was copied.
    const theirs = sent[0]!.simulation.timeline!;
    expect(theirs.requests.arrivalS.byteLength).toBe(0);
    expect(theirs.iterations.startS.byteLength).toBe(0);
    expect(timelineBuffers(sent[0]!).every((b) => b.byteLength === 0)).toBe(true);
    // Same numbers as an in-process run.
    const local = await plannerApi.simulate(input, { timeline: true });
    expect(got.metrics).toEqual(local.metrics);
    expect(Array.from(tl.requests.endS)).toEqual(Array.from(local.simulation.timeline!.requests.endS));
    // Without a timeline nothing is transferred, and the summary still comes back.
    const plain = await api.simulate(input);
    expect(plain.simulation.timeline).toBeUndefined();
    expect(plain.simulation.finished).toBe(got.simulation.finished);
  });

  it('rejects a bad scenario or options for a simulation with the field named', async () => {
    const api = remote();
    await expect(
      api.simulate({ ...SMALL, cluster: { gpu: 'h100-sxm', nodes: 0 } }, { timeline: true }),
    ).rejects.toThrow(/cluster\.nodes/);
    await expect(api.simulate(SMALL, { maxRequests: -3 })).rejects.toThrow(/maxRequests/);
  });
});
