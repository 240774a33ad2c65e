/**
 * Run untrusted work in a Web Worker with a time limit: when a call runs past its limit the worker
 * is terminated (whatever it was doing: a hostile link's decode, a huge config.json, a scenario that
 * takes seconds to evaluate), the call rejects with WorkerTimeout, and the next call spawns a fresh
 * worker. Calls in flight on the terminated worker reject with WorkerRestarted (run them again).
 *
 * Where no worker can be started (no Worker support, a blocked script), calls run on the main thread
 * against `fallback` — the same functions, bounded by the core's own limits (codec sizes, schema
 * caps, the estimator's bounded loops) instead of a kill switch.
 *
 * Termination: every call settles — with its result, its error, or the timer's rejection after
 * `limitMs` (the timer is cleared when the call settles first).
 */
export interface GuardedHandle<Api> {
  /** The worker's API (comlink Remote) — any object whose methods return values or promises. */
  api: Api;
  terminate(): void;
  /**
   * Settles once the worker has loaded and answers (a ping). Time limits start after it, so a cold
   * start on a busy machine is never blamed on the input; a worker that does not answer within
   * READY_LIMIT_MS is given up for the main thread.
   */
  ready?: Promise<unknown>;
}

/** How long a new worker may take to load its module and answer its first ping. */
export const READY_LIMIT_MS = 15_000;

export interface Timers {
  set(cb: () => void, ms: number): unknown;
  clear(t: unknown): void;
}

const realTimers: Timers = {
  set: (cb, ms) => setTimeout(cb, ms),
  clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
};

function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(2))} s`;
}

/** `what` ran past `limitMs`; the worker was terminated. */
export class WorkerTimeout extends Error {
  constructor(
    readonly what: string,
    readonly limitMs: number,
  ) {
    super(`${what} took over ${seconds(limitMs)}, so it was stopped to keep the page responsive`);
    this.name = 'WorkerTimeout';
  }
}

/** Another call's timeout terminated the worker this call was running on. */
export class WorkerRestarted extends Error {
  constructor(cause: WorkerTimeout) {
    super(`the worker was restarted because ${cause.message}; run it again`);
    this.name = 'WorkerRestarted';
  }
}

export class GuardedWorker<Api> {
  private handle: GuardedHandle<Api> | null = null;
  private noWorker = false;
  private readonly inflight = new Set<(e: Error) => void>();
  /** Workers terminated for running past a limit (for tests and diagnostics). */
  restarts = 0;

  constructor(
    private readonly spawn: () => GuardedHandle<Api>,
    private readonly fallback: Api,
    private readonly timers: Timers = realTimers,
  ) {}

  /** Where calls run now: 'worker', or 'main thread' after a worker could not be started. */
  get where(): 'worker' | 'main thread' {
    return this.noWorker ? 'main thread' : 'worker';
  }

  private current(): GuardedHandle<Api> | null {
    if (this.noWorker) return null;
    if (this.handle) return this.handle;
    try {
      this.handle = this.spawn();
    } catch {
      this.noWorker = true;
      return null;
    }
    return this.handle;
  }

  /** The live worker once it answers; null (and main thread from now on) when none starts or answers in time. */
  private async started(): Promise<GuardedHandle<Api> | null> {
    const h = this.current();
    if (!h?.ready) return h;
    let timer: unknown;
    const late = new Promise<'late'>((resolve) => (timer = this.timers.set(() => resolve('late'), READY_LIMIT_MS)));
    const answer = await Promise.race([
      h.ready.then(
        () => 'ok' as const,
        () => 'late' as const,
      ),
      late,
    ]);
    this.timers.clear(timer);
    if (answer === 'ok') return h;
    if (this.handle === h) {
      this.handle = null;
      h.terminate();
      this.noWorker = true;
    }
    return this.current();
  }

  /** `f` on the worker's API with a `limitMs` time limit; `what` names the work in the timeout message. */
  async run<R>(what: string, limitMs: number, f: (api: Api) => R | Promise<R>): Promise<R> {
    const h = await this.started();
    if (!h) return f(this.fallback);
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const settle = (e: Error | null, v?: R) => {
        if (settled) return;
        settled = true;
        this.timers.clear(timer);
        this.inflight.delete(abort);
        if (e) reject(e);
        else resolve(v as R);
      };
      const abort = (e: Error) => settle(e);
      this.inflight.add(abort);
      const timer = this.timers.set(() => {
        const timeout = new WorkerTimeout(what, limitMs);
        settle(timeout);
        this.restart(timeout);
      }, limitMs);
      let out: R | Promise<R>;
      try {
        out = f(h.api);
      } catch (e) {
        settle(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      Promise.resolve(out).then(
        (v) => settle(null, v),
        (e: unknown) => settle(e instanceof Error ? e : new Error(String(e))),
      );
    });
  }

  private restart(cause: WorkerTimeout): void {
    const h = this.handle;
    this.handle = null;
    this.restarts++;
    h?.terminate();
    for (const abort of [...this.inflight]) abort(new WorkerRestarted(cause));
  }

  /** Terminate the worker (e.g. on page hide); the next call spawns a new one. */
  dispose(): void {
    this.handle?.terminate();
    this.handle = null;
  }
}
