import { readFileSync } from 'node:fs';
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../core/scenario/schema.ts';
import { search } from '../core/search/search.ts';
import { loadSimulator } from '../core/search/simulator.ts';
import { resolveOptions } from '../core/search/space.ts';
import type { SearchProgress, SearchResult } from '../core/search/types.ts';
import { parseOrThrow, plannerApi, type PlannerApi } from './planner.api.ts';
import { PlannerPool, ProgressFolder, defaultPoolSize, type WorkerHandle } from './pool.ts';

const SCENARIO: ScenarioInput = {
  version: 1,
  model: 'mixtral-8x7b',
  cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
  workload: { inputTokens: 800, outputTokens: 200, requests: 1000, arrival: { kind: 'poisson', ratePerSec: 4 } },
};
const OPTIONS = { kvDtypes: ['bf16', 'fp8'], simulateTop: 0 };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Stats {
  created: number;
  terminated: number;
}

/** A "worker" that is comlink over a MessageChannel to the real API, in this thread. */
function comlinkWorkers(stats: Stats = { created: 0, terminated: 0 }) {
  return (): WorkerHandle => {
    stats.created++;
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(plannerApi, port1);
    const api = Comlink.wrap<PlannerApi>(port2);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      port1.close();
      port2.close();
    };
    cleanups.push(close);
    return {
      api,
      terminate: () => {
        stats.terminated++;
        close();
      },
    };
  };
}

/** A worker stuck in a CPU-bound shard: it reports progress once and never answers. */
function hangingWorkers(stats: Stats) {
  return (): WorkerHandle => {
    stats.created++;
    const api = {
      searchShard: (_s: unknown, _o: unknown, _i: number, _of: number, cb?: (p: SearchProgress) => void) => {
        cb?.({ done: 1, total: 10, bestLabel: 'TP1 DP1', bestValue: 1 });
        return new Promise(() => undefined);
      },
    };
    return { api: api as unknown as Remote<PlannerApi>, terminate: () => stats.terminated++ };
  };
}

const essence = (r: SearchResult) => ({
  ranked: r.ranked.map((p) => [p.candidate.id, p.value, p.secondaryValue, p.reason]),
  pareto: r.pareto.map((p) => p.candidate.id),
  rejected: r.rejected.map((x) => [x.candidate.id, x.reason]),
  n: r.counts.enumerated,
});

describe('PlannerPool', () => {
  it('shards over its workers, merges, and matches the single-threaded search', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 4, createWorker: comlinkWorkers(stats), minShardSize: 8 });
    const events: SearchProgress[] = [];
    const result = await pool.run(SCENARIO, OPTIONS, (p) => events.push(p)).promise;
    expect(essence(result)).toEqual(essence(search(parseOrThrow(SCENARIO), OPTIONS)));
    expect(pool.label).toBe('4 workers');
    expect(stats.created).toBe(4);
    const last = events[events.length - 1]!;
    expect(last.done).toBe(last.total);
    expect(last.bestLabel).not.toBeNull();
    // The pool is reusable: a second run reuses the idle workers.
    await pool.run(SCENARIO, { ...OPTIONS, objective: 'cost' }).promise;
    expect(stats.created).toBe(4);
    pool.dispose();
  });

  it('merging, sorting and the Pareto front run on a worker, not on the page (issue 14 §7)', async () => {
    const calls: string[] = [];
    const real = comlinkWorkers();
    const pool = new PlannerPool({
      size: 2,
      minShardSize: 8,
      createWorker: () => {
        const h = real();
        const api = new Proxy(h.api, {
          get: (t, k) => {
            if (typeof k === 'string' && k !== 'then') calls.push(k);
            return Reflect.get(t, k) as unknown;
          },
        });
        return { api, terminate: h.terminate };
      },
    });
    const result = await pool.run(SCENARIO, OPTIONS).promise;
    expect(essence(result)).toEqual(essence(search(parseOrThrow(SCENARIO), OPTIONS)));
    expect(calls.filter((c) => c === 'merge')).toHaveLength(1);
    // The pool module itself no longer imports the merge, so it cannot run on the main thread by accident.
    const src = readFileSync(new URL('./pool.ts', import.meta.url), 'utf8');
    expect(src).not.toMatch(/import[^;]*\b(mergeShards|applyRefinement|paretoFront)\b[^;]*from/);
    pool.dispose();
  });

  it('cancel rejects at once with AbortError and terminates every busy worker', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 3, createWorker: hangingWorkers(stats), minShardSize: 1 });
    const run = pool.run(SCENARIO, OPTIONS);
    await new Promise((r) => setTimeout(r, 20));
    expect(stats.created).toBe(3);
    const t0 = performance.now();
    run.cancel();
    await expect(run.promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(stats.terminated).toBe(3);
    expect(pool.liveWorkers).toBe(0);
  });

  it('a new run supersedes the running one; its late results are dropped', async () => {
    const stats = { created: 0, terminated: 0 };
    let hang = true;
    const hanging = hangingWorkers(stats);
    const real = comlinkWorkers(stats);
    const pool = new PlannerPool({ size: 2, createWorker: () => (hang ? hanging() : real()), minShardSize: 1 });
    const a = pool.run(SCENARIO, OPTIONS);
    await new Promise((r) => setTimeout(r, 10));
    hang = false;
    const seenB: SearchProgress[] = [];
    const b = pool.run(SCENARIO, OPTIONS, (p) => seenB.push(p));
    await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
    const rb = await b.promise;
    expect(essence(rb)).toEqual(essence(search(parseOrThrow(SCENARIO), OPTIONS)));
    // Cancelling a finished, superseded run does nothing to the pool.
    a.cancel();
    expect(seenB.every((p) => p.total === rb.counts.enumerated)).toBe(true);
    pool.dispose();
  });

  it('drops a result that arrives after its run was cancelled', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const pool = new PlannerPool({
      size: 1,
      createWorker: () => ({
        api: {
          searchShard: async (...a: Parameters<PlannerApi['searchShard']>) => (
            await gate,
            plannerApi.searchShard(...a)
          ),
        } as unknown as Remote<PlannerApi>,
        terminate: () => undefined,
      }),
    });
    const run = pool.run(SCENARIO, OPTIONS);
    run.cancel();
    release();
    await expect(run.promise).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 20)); // the late shard result lands now and must be ignored
  });

  it('falls back to the main thread when a Worker cannot be constructed', async () => {
    const pool = new PlannerPool({
      size: 4,
      createWorker: () => {
        throw new ReferenceError('Worker is not defined');
      },
    });
    const r = await pool.run(SCENARIO, OPTIONS).promise;
    expect(pool.label).toBe('main thread');
    expect(essence(r)).toEqual(essence(search(parseOrThrow(SCENARIO), OPTIONS)));
  });

  it('runs the second pass on the workers and matches search() with the same simulator', async () => {
    const sim = await loadSimulator();
    const opts = { ...OPTIONS, simulateTop: 3, top: 5 };
    const pool = new PlannerPool({ size: 2, createWorker: comlinkWorkers(), minShardSize: 8 });
    const events: SearchProgress[] = [];
    const r = await pool.run(SCENARIO, opts, (p) => events.push(p)).promise;
    const expected = search(parseOrThrow(SCENARIO), opts, sim ?? undefined);
    expect(essence(r)).toEqual(essence(expected));
    expect(r.counts.simulated).toBe(sim ? 3 : 0);
    // The second pass reports each simulated plan (then the final event repeats the count).
    expect([...new Set(events.filter((e) => e.phase === 'simulation').map((e) => e.simulated?.done))]).toEqual(
      sim ? [0, 1, 2, 3] : [],
    );
    pool.dispose();
  });

  it('refuses an over-large space before starting any worker', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 2, createWorker: comlinkWorkers(stats) });
    await expect(pool.run(SCENARIO, { ...OPTIONS, maxCandidates: 10 }).promise).rejects.toThrow(/maxCandidates = 10/);
    expect(stats.created).toBe(0);
  });

  // Issue 16: refusing this space used to take 70–200 s (the count built every shape).
  it('refuses DeepSeek-V3 on 1024 × 128 H200 from the arithmetic count, before starting any worker', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 2, createWorker: comlinkWorkers(stats) });
    const huge: ScenarioInput = {
      version: 1,
      model: 'deepseek-v3',
      precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
      cluster: { gpu: 'h200', nodes: 1024, gpusPerNode: 128 },
    };
    await expect(pool.run(huge, { allowDisaggregation: true }).promise).rejects.toThrow(
      /^allowDisaggregation: the search space has [\d,]+ candidates, more than maxCandidates = 200,000/,
    );
    expect(stats.created).toBe(0);
  });

  it('shards a P/D space with KV strategies over streamed workers and matches the single-threaded search', async () => {
    const pool = new PlannerPool({ size: 3, createWorker: comlinkWorkers(), minShardSize: 16 });
    const opts = { ...OPTIONS, allowDisaggregation: true, kvStrategies: ['none', 'fp8', 'kivi2'], maxRejected: 25 };
    const r = await pool.run(SCENARIO, opts).promise;
    const single = search(parseOrThrow(SCENARIO), opts);
    expect(essence(r)).toEqual(essence(single));
    pool.dispose();
  });

  it('sizes itself from hardwareConcurrency', () => {
    expect(defaultPoolSize(8)).toBe(7);
    expect(defaultPoolSize(32)).toBe(8);
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(undefined)).toBe(3);
  });
});

describe('ProgressFolder', () => {
  it('emits at most one event per interval, summing shards and keeping the best', () => {
    let t = 0;
    const out: { t: number; p: SearchProgress }[] = [];
    const o = resolveOptions(parseOrThrow(SCENARIO), { objective: 'ttft-p50' });
    const f = new ProgressFolder(
      2,
      200,
      o,
      () => t,
      50,
      (p) => out.push({ t, p }),
    );
    for (let i = 1; i <= 100; i++) {
      t = i * 10;
      f.update(i % 2, { done: Math.ceil(i / 2), total: 100, bestLabel: `plan ${i}`, bestValue: 1000 - i });
    }
    f.finish();
    for (let i = 1; i < out.length - 1; i++) expect(out[i]!.t - out[i - 1]!.t).toBeGreaterThanOrEqual(50);
    expect(out.length).toBeLessThanOrEqual(1000 / 50 + 2);
    const last = out[out.length - 1]!.p;
    expect(last).toEqual({ done: 200, total: 200, bestLabel: 'plan 100', bestValue: 900, phase: 'closed-form' });
  });
});

describe('PlannerPool.simulate', () => {
  const ONE: ScenarioInput = { ...SCENARIO, workload: { ...SCENARIO.workload, requests: 300 }, plan: { tp: 8, dp: 2 } };

  /** A worker whose simulate never answers (a long CPU-bound run). */
  function hangingSim(stats: Stats) {
    return (): WorkerHandle => {
      stats.created++;
      const api = { simulate: () => new Promise(() => undefined) };
      return { api: api as unknown as Remote<PlannerApi>, terminate: () => stats.terminated++ };
    };
  }

  it('runs on a worker of its own and returns the timeline as typed arrays', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 2, createWorker: comlinkWorkers(stats) });
    const run = pool.simulate(ONE, { timeline: true });
    expect(run.where).toBe('worker');
    expect(pool.simulating).toBe(true);
    const r = await run.promise;
    expect(pool.simulating).toBe(false);
    expect(r.method).toBe('simulation');
    expect(r.simulation.timeline?.requests.endS).toBeInstanceOf(Float64Array);
    expect(r.simulation.timeline?.requests.endS.length).toBe(300);
    expect(stats.created).toBe(1);
    // The idle worker is reused; a search alongside does not touch it.
    await Promise.all([pool.simulate(ONE).promise, pool.run(SCENARIO, OPTIONS).promise]);
    expect(stats.created).toBe(1 + 2);
    pool.dispose();
    expect(stats.terminated).toBe(3);
  });

  it('cancel rejects at once with AbortError, terminates the worker, and the next run respawns it', async () => {
    const stats = { created: 0, terminated: 0 };
    const pool = new PlannerPool({ size: 1, createWorker: hangingSim(stats) });
    const run = pool.simulate(ONE, { timeline: true });
    run.cancel();
    await expect(run.promise).rejects.toMatchObject({ name: 'AbortError', message: 'Simulation cancelled' });
    expect(stats).toEqual({ created: 1, terminated: 1 });
    expect(pool.simulating).toBe(false);
    pool.simulate(ONE).cancel();
    expect(stats).toEqual({ created: 2, terminated: 2 });
  });

  it('a new simulation supersedes the running one, whose late result is dropped', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const pool = new PlannerPool({
      size: 1,
      createWorker: () => ({
        api: {
          simulate: async (...a: Parameters<PlannerApi['simulate']>) => {
            const first = calls++ === 0;
            if (first) await gate;
            return plannerApi.simulate(...a);
          },
        } as unknown as Remote<PlannerApi>,
        // A fake that does not stop on terminate: its late answer must still be ignored.
        terminate: () => undefined,
      }),
    });
    const a = pool.simulate(ONE);
    const b = pool.simulate({ ...ONE, workload: { ...ONE.workload, requests: 200 } });
    await expect(a.promise).rejects.toMatchObject({ name: 'AbortError' });
    release();
    const rb = await b.promise;
    expect(rb.simulation.requests).toBe(200);
    a.cancel(); // cancelling a superseded run leaves the current one alone
    expect(pool.simulating).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
  });

  it('falls back to the main thread when a Worker cannot be constructed', async () => {
    const pool = new PlannerPool({
      createWorker: () => {
        throw new ReferenceError('Worker is not defined');
      },
    });
    const run = pool.simulate(ONE, { timeline: true });
    expect(run.where).toBe('main thread');
    const r = await run.promise;
    expect(r.simulation.timeline?.requests.arrivalS.length).toBe(300);
    // Cancelled before it starts: nothing runs, the promise rejects.
    const c = pool.simulate(ONE);
    c.cancel();
    await expect(c.promise).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports simulator errors with the field named', async () => {
    const pool = new PlannerPool({ createWorker: comlinkWorkers() });
    await expect(pool.simulate({ ...ONE, plan: { tp: 3 } }).promise).rejects.toThrow(/tp|plan/);
    pool.dispose();
  });
});
