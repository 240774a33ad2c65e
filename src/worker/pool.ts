/**
 * A pool of planner Web Workers that runs one search at a time, sharded.
 *
 * - Size: navigator.hardwareConcurrency − 1 (at least 1, at most 8) unless given.
 * - A search counts its space on the main thread (arithmetic, never listing it), refuses one over
 *   maxCandidates, shards it (candidate index % of; each worker streams its share of the
 *   enumeration and keeps only its top-k and Pareto front), runs the shards on the workers,
 *   merges them on a worker (core mergeShards: sorting and the Pareto front never run on the page's
 *   main thread), then sends the top `simulateTop` plans back to the workers for the simulator's
 *   second pass, and folds those back in on a worker too.
 * - Progress: per-shard callbacks are folded into one {done, total, best so far} event, emitted at
 *   most once per `progressIntervalMs` (50 ms) plus a final one.
 * - Cancel: a CPU-bound shard never reads messages, so cancelling terminates every busy worker
 *   (replacements spawn lazily) and rejects the run with an AbortError at once. A generation counter
 *   tags every job; anything that settles for an older generation is dropped.
 * - If a Worker cannot be constructed (no Worker, blocked by CSP, a bundling error), the pool runs
 *   the same API on the main thread, one small shard at a time, yielding between shards so a cancel
 *   still lands between them.
 * - `simulate` runs one on-demand simulation (the full workload, with its timeline) on a dedicated
 *   worker of its own, so it neither waits for nor cancels a search. The timeline's typed arrays
 *   come back transferred. A new simulation supersedes the running one; cancel terminates the
 *   worker (it respawns on the next call); a second generation counter drops late results. Without
 *   workers it runs on the main thread after a tick (the page shows "Simulating…" first); it cannot
 *   be interrupted there, so a cancel only drops its result.
 * The worker factory is injectable, so all of this is unit-tested in Node with fake workers.
 */
import * as Comlink from 'comlink';
import type { Remote } from 'comlink';
import type { SimulatedEvaluation } from '../core/evaluate/simulated.ts';
import type { SearchRun, SimulationRun } from '../core/runs.ts';
import type { Scenario, ScenarioInput } from '../core/scenario/schema.ts';
import { toScore } from '../core/search/objectives.ts';
import { MAIN_THREAD_SEARCH_WALL_MS, WORKER_SEARCH_WALL_MS } from '../core/search/budget.ts';
import { prepareSearch, tooLargeError } from '../core/search/space.ts';
import type { SearchOptions, SearchProgress, SearchResult, ShardResult } from '../core/search/types.ts';
import { parseOrThrow, plannerApi, type PlannerApi, type SimulateRequest } from './planner.api.ts';

/** What the pool needs from a worker: its comlink remote and a way to kill it. */
export interface WorkerHandle {
  api: Remote<PlannerApi>;
  terminate(): void;
}

export type WorkerFactory = () => WorkerHandle;

export interface PoolOptions {
  /** Workers to run at most (default from navigator.hardwareConcurrency). */
  size?: number;
  createWorker?: WorkerFactory;
  /** Minimum spacing of progress events, ms (default 50). */
  progressIntervalMs?: number;
  /** Candidates per shard below which fewer shards are used (default 64). */
  minShardSize?: number;
  now?: () => number;
}

export const abortError = (what = 'Search'): Error => {
  const e = new Error(`${what} cancelled`);
  e.name = 'AbortError';
  return e;
};

export function defaultPoolSize(
  hardwareConcurrency = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined,
): number {
  return Math.max(1, Math.min(8, (hardwareConcurrency || 4) - 1));
}

/** The real worker: the URL literal must sit inside `new Worker()` for Vite to bundle it. */
export function spawnPlannerWorker(): WorkerHandle {
  const worker = new Worker(new URL('./planner.worker.ts', import.meta.url), { type: 'module', name: 'planner' });
  return { api: Comlink.wrap<PlannerApi>(worker), terminate: () => worker.terminate() };
}

interface Slot {
  handle: WorkerHandle;
  busy: boolean;
  /** Rejects the job running on this slot (set while busy). */
  reject: ((e: unknown) => void) | null;
}

interface Queued {
  gen: number;
  start: (slot: Slot) => void;
  reject: (e: unknown) => void;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleep0 = () => sleepMs(0);

export class PlannerPool {
  readonly size: number;
  private readonly createWorker: WorkerFactory;
  private readonly progressIntervalMs: number;
  private readonly minShardSize: number;
  private readonly now: () => number;
  private slots: Slot[] = [];
  private queue: Queued[] = [];
  private generation = 0;
  /** Set once a Worker failed to construct: from then on jobs run on the main thread. */
  private mainThread = false;
  /** The simulation worker (spawned on first use, kept while idle) and its job. */
  private simHandle: WorkerHandle | null = null;
  private simGeneration = 0;
  private simAbort: ((e: unknown) => void) | null = null;
  private simBusy = false;

  constructor(opts: PoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? defaultPoolSize()));
    this.createWorker = opts.createWorker ?? spawnPlannerWorker;
    this.progressIntervalMs = opts.progressIntervalMs ?? 50;
    this.minShardSize = opts.minShardSize ?? 64;
    this.now = opts.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  }

  /** "4 workers" or "main thread" (for the UI). */
  get label(): string {
    return this.mainThread ? 'main thread' : `${this.size} worker${this.size === 1 ? '' : 's'}`;
  }

  /** Workers alive now (tests and diagnostics). */
  get liveWorkers(): number {
    return this.slots.length;
  }

  /** Start a search; a new run supersedes (cancels) the previous one. */
  run(
    scenario: Scenario | ScenarioInput,
    options: Partial<SearchOptions>,
    onProgress: (p: SearchProgress) => void = () => undefined,
  ): SearchRun {
    this.cancel();
    const gen = this.generation;
    let rejectRun: (e: unknown) => void = () => undefined;
    const cancelled = new Promise<never>((_, reject) => {
      rejectRun = reject;
    });
    const work = this.search(gen, scenario, options, onProgress);
    // Whichever settles first: the search, or a cancel of this generation.
    const promise = Promise.race([work, cancelled]);
    work.catch(() => undefined);
    cancelled.catch(() => undefined);
    this.onCancel = (e) => rejectRun(e);
    return {
      promise,
      cancel: () => {
        if (this.generation === gen) this.cancel();
      },
    };
  }

  private onCancel: ((e: unknown) => void) | null = null;

  /** Stop everything now: terminate busy workers, reject queued and running jobs, drop late results. */
  cancel(reason: unknown = abortError()): void {
    this.generation++;
    for (const q of this.queue.splice(0)) q.reject(reason);
    for (const s of this.slots) {
      if (!s.busy) continue;
      s.handle.terminate();
      s.reject?.(reason);
    }
    this.slots = this.slots.filter((s) => !s.busy);
    const cb = this.onCancel;
    this.onCancel = null;
    cb?.(reason);
  }

  /** Terminate every worker (the pool can still be used; workers respawn on demand). */
  dispose(): void {
    this.cancel();
    this.cancelSimulation();
    for (const s of this.slots) s.handle.terminate();
    this.slots = [];
    this.simHandle?.terminate();
    this.simHandle = null;
  }

  /** Whether a simulation is running now (tests and diagnostics). */
  get simulating(): boolean {
    return this.simBusy;
  }

  /**
   * Simulate one scenario on a worker of its own; supersedes (cancels) a running simulation.
   * The promise rejects with an AbortError when cancelled or superseded; a result that arrives
   * after that is dropped.
   */
  simulate(scenario: Scenario | ScenarioInput, options: SimulateRequest = {}): SimulationRun {
    this.cancelSimulation();
    const gen = this.simGeneration;
    const handle = this.simWorker();
    const where = handle ? 'worker' : 'main thread';
    const promise = new Promise<SimulatedEvaluation>((resolve, reject) => {
      this.simAbort = reject;
      this.simBusy = true;
      const job = handle
        ? handle.api.simulate(scenario, options)
        : sleepMs(30).then(() =>
            gen === this.simGeneration
              ? plannerApi.simulate(scenario, options)
              : Promise.reject(abortError('Simulation')),
          );
      job.then(
        (r) => {
          if (gen !== this.simGeneration) return; // cancelled or superseded: already rejected
          this.simBusy = false;
          this.simAbort = null;
          resolve(r as SimulatedEvaluation);
        },
        (e: unknown) => {
          if (gen !== this.simGeneration) return;
          this.simBusy = false;
          this.simAbort = null;
          reject(e);
        },
      );
    });
    promise.catch(() => undefined);
    return {
      promise,
      where,
      cancel: () => {
        if (this.simGeneration === gen) this.cancelSimulation();
      },
    };
  }

  /** Stop the running simulation now: terminate its worker (a CPU-bound run reads no messages) and reject it. */
  cancelSimulation(reason: unknown = abortError('Simulation')): void {
    this.simGeneration++;
    if (!this.simBusy) return;
    this.simBusy = false;
    if (this.simHandle) {
      this.simHandle.terminate();
      this.simHandle = null;
    }
    const abort = this.simAbort;
    this.simAbort = null;
    abort?.(reason);
  }

  /** The simulation worker, spawned on demand; null when workers are unavailable (main thread). */
  private simWorker(): WorkerHandle | null {
    if (this.simHandle) return this.simHandle;
    if (this.mainThread) return null;
    try {
      this.simHandle = this.createWorker();
      return this.simHandle;
    } catch {
      this.mainThread = true;
      return null;
    }
  }

  private stale(gen: number): boolean {
    return gen !== this.generation;
  }

  /** Run `job` on a worker (or queue it); rejects with AbortError if its generation is cancelled. */
  private exec<T>(gen: number, job: (api: Remote<PlannerApi>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (slot: Slot) => {
        slot.busy = true;
        slot.reject = reject;
        job(slot.handle.api).then(
          (v) => {
            if (this.stale(gen)) return; // cancelled meanwhile: the run already rejected
            slot.busy = false;
            slot.reject = null;
            resolve(v);
            this.next();
          },
          (e: unknown) => {
            if (this.stale(gen)) return;
            slot.busy = false;
            slot.reject = null;
            reject(e);
            this.next();
          },
        );
      };
      if (this.stale(gen)) return reject(abortError());
      const slot = this.idleSlot();
      if (slot) start(slot);
      else this.queue.push({ gen, start, reject });
    });
  }

  private next(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) return;
      const q = this.queue.shift()!;
      if (this.stale(q.gen)) {
        q.reject(abortError());
        continue;
      }
      q.start(slot);
    }
  }

  private idleSlot(): Slot | null {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) return idle;
    if (this.slots.length >= this.size) return null;
    const slot: Slot = { handle: this.spawn(), busy: false, reject: null };
    this.slots.push(slot);
    return slot;
  }

  private spawn(): WorkerHandle {
    if (!this.mainThread) {
      try {
        return this.createWorker();
      } catch {
        this.mainThread = true;
      }
    }
    return mainThreadHandle();
  }

  private async search(
    gen: number,
    input: Scenario | ScenarioInput,
    options: Partial<SearchOptions>,
    onProgress: (p: SearchProgress) => void,
  ): Promise<SearchResult> {
    const t0 = this.now();
    const scenario = parseOrThrow(input);
    // Counting is arithmetic and pure: done here, once, rather than round-tripping a worker.
    const { options: chosen, count } = prepareSearch(scenario, options);
    if (count.tooLarge) throw tooLargeError(count, chosen);
    // Probe a worker first so a construction failure switches to main-thread shards before sharding.
    this.idleSlot();
    const workers = this.mainThread ? 1 : this.size;
    // Each shard's time budget (core/search/budget.ts), unless the caller set one.
    const o = { maxWallMs: this.mainThread ? MAIN_THREAD_SEARCH_WALL_MS : WORKER_SEARCH_WALL_MS, ...chosen };
    const of = this.mainThread
      ? Math.max(1, Math.min(64, Math.ceil(count.total / 2000)))
      : Math.max(1, Math.min(workers, Math.ceil(count.total / this.minShardSize)));
    const progress = new ProgressFolder(of, count.total, o, this.now, this.progressIntervalMs, (p) => {
      if (!this.stale(gen)) onProgress(p);
    });
    let shards: ShardResult[];
    if (this.mainThread) {
      shards = [];
      for (let i = 0; i < of; i++) {
        await sleep0(); // let a cancel (or the UI) in between shards
        shards.push(await this.exec(gen, (api) => api.searchShard(scenario, o, i, of, (p) => progress.update(i, p))));
      }
    } else {
      shards = await Promise.all(
        Array.from({ length: of }, (_, i) =>
          this.exec(gen, (api) =>
            api.searchShard(
              scenario,
              o,
              i,
              of,
              Comlink.proxy((p: SearchProgress) => progress.update(i, p)),
            ),
          ),
        ),
      );
    }
    if (this.stale(gen)) throw abortError();
    const m = await this.exec(gen, (api) => api.merge(shards, o));
    if (this.stale(gen)) throw abortError();
    let merged = m.merged;
    const toRefine = m.toRefine;
    if (toRefine.length > 0) {
      // One plan per job: the queue spreads them over the workers and progress counts each one.
      let simDone = 0;
      progress.simulation(0, toRefine.length);
      const outs = await Promise.all(
        toRefine.map((plan) =>
          this.exec(gen, (api) => api.refine(scenario, [plan], o)).then((x) => {
            progress.simulation(++simDone, toRefine.length);
            return x;
          }),
        ),
      );
      if (this.stale(gen)) throw abortError();
      if (outs.some((x) => x.simulated)) {
        const base = merged;
        merged = await this.exec(gen, (api) =>
          api.applyRefinement(
            base,
            outs.flatMap((x) => x.refined),
            outs.flatMap((x) => x.rejected),
            o,
          ),
        );
        if (this.stale(gen)) throw abortError();
      }
    }
    progress.finish();
    return { ...merged, elapsedMs: this.now() - t0 };
  }
}

/** Folds per-shard progress into one throttled event: done/total summed, best over shards. */
export class ProgressFolder {
  private readonly done: number[];
  private readonly best: ({ label: string; value: number } | null)[];
  private last = -Infinity;

  constructor(
    shards: number,
    private readonly total: number,
    private readonly o: SearchOptions,
    private readonly now: () => number,
    private readonly intervalMs: number,
    private readonly emit: (p: SearchProgress) => void,
  ) {
    this.done = new Array<number>(shards).fill(0);
    this.best = new Array<{ label: string; value: number } | null>(shards).fill(null);
  }

  update(shard: number, p: SearchProgress): void {
    this.done[shard] = p.done;
    if (p.bestLabel !== null && p.bestValue !== null) this.best[shard] = { label: p.bestLabel, value: p.bestValue };
    const t = this.now();
    if (t - this.last < this.intervalMs) return;
    this.last = t;
    this.emit(this.snapshot(this.done.reduce((a, b) => a + b, 0)));
  }

  /** Second pass: every simulated plan is reported (there are few, and each takes a while). */
  simulation(done: number, total: number): void {
    this.sim = { done, total };
    this.last = this.now();
    this.emit(this.snapshot(this.total));
  }

  finish(): void {
    this.emit(this.snapshot(this.total));
  }

  private sim: { done: number; total: number } | null = null;

  private snapshot(done: number): SearchProgress {
    let best: { label: string; value: number } | null = null;
    for (const b of this.best)
      if (b && (!best || toScore(b.value, this.o.objective) > toScore(best.value, this.o.objective))) best = b;
    const p: SearchProgress = {
      done: Math.min(done, this.total),
      total: this.total,
      bestLabel: best?.label ?? null,
      bestValue: best?.value ?? null,
      phase: this.sim ? 'simulation' : 'closed-form',
    };
    if (this.sim) p.simulated = { ...this.sim };
    return p;
  }
}

/** The API on the main thread, shaped like a comlink remote (every call returns a promise). */
function mainThreadHandle(): WorkerHandle {
  const api = {
    countCandidates: async (...a: Parameters<PlannerApi['countCandidates']>) => plannerApi.countCandidates(...a),
    searchShard: async (...a: Parameters<PlannerApi['searchShard']>) => plannerApi.searchShard(...a),
    refine: (...a: Parameters<PlannerApi['refine']>) => plannerApi.refine(...a),
    merge: async (...a: Parameters<PlannerApi['merge']>) => plannerApi.merge(...a),
    applyRefinement: async (...a: Parameters<PlannerApi['applyRefinement']>) => plannerApi.applyRefinement(...a),
    evaluate: (...a: Parameters<PlannerApi['evaluate']>) => plannerApi.evaluate(...a),
    simulate: (...a: Parameters<PlannerApi['simulate']>) => plannerApi.simulate(...a),
    hasSimulator: () => plannerApi.hasSimulator(),
  };
  return { api: api as unknown as Remote<PlannerApi>, terminate: () => undefined };
}
