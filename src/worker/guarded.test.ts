import { describe, expect, it } from 'vitest';
import { GuardedWorker, WorkerRestarted, WorkerTimeout, type GuardedHandle, type Timers } from './guarded.ts';

interface Api {
  echo(x: number): Promise<number>;
  hang(): Promise<number>;
}

/** Timers fired by hand: `fire()` runs every pending callback, as if their time had passed. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  const cbs = new Map<number, () => void>();
  let next = 0;
  return {
    set: (cb) => (cbs.set(++next, cb), next),
    clear: (t) => void cbs.delete(t as number),
    fire: () => {
      // In order; a timer cleared by an earlier callback does not fire.
      for (const k of [...cbs.keys()]) {
        const cb = cbs.get(k);
        cbs.delete(k);
        cb?.();
      }
    },
    pending: () => cbs.size,
  };
}

function fakeWorkers() {
  const spawned: { terminated: boolean }[] = [];
  const spawn = (): GuardedHandle<Api> => {
    const rec = { terminated: false };
    spawned.push(rec);
    return {
      api: { echo: (x) => Promise.resolve(x * 2), hang: () => new Promise<number>(() => undefined) },
      terminate: () => void (rec.terminated = true),
    };
  };
  return { spawned, spawn };
}

/** Let pending promise callbacks run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const fallback: Api = { echo: (x) => Promise.resolve(-x), hang: () => Promise.resolve(0) };

describe('GuardedWorker', () => {
  it('returns a result in time and clears its timer', async () => {
    const t = manualTimers();
    const w = fakeWorkers();
    const g = new GuardedWorker(w.spawn, fallback, t);
    await expect(g.run('echo', 50, (api) => api.echo(21))).resolves.toBe(42);
    expect(t.pending()).toBe(0);
    expect(w.spawned).toHaveLength(1);
    expect(g.where).toBe('worker');
  });

  it('terminates the worker past the limit, fails the other calls on it, and respawns for the next', async () => {
    const t = manualTimers();
    const w = fakeWorkers();
    const g = new GuardedWorker(w.spawn, fallback, t);
    const slow = g.run('decoding this link', 2000, (api) => api.hang());
    const bystander = g.run('evaluating', 5000, (api) => api.hang());
    await flush(); // the calls start their timers once the worker is up
    t.fire(); // the first timer terminates the worker; the bystander's is cleared with it
    await expect(slow).rejects.toThrow(new WorkerTimeout('decoding this link', 2000).message);
    await expect(slow).rejects.toThrow(
      'decoding this link took over 2 s, so it was stopped to keep the page responsive',
    );
    await expect(bystander).rejects.toBeInstanceOf(WorkerRestarted);
    expect(w.spawned[0]!.terminated).toBe(true);
    expect(g.restarts).toBe(1);
    await expect(g.run('echo', 50, (api) => api.echo(4))).resolves.toBe(8);
    expect(w.spawned).toHaveLength(2);
    expect(w.spawned[1]!.terminated).toBe(false);
  });

  it('runs on the main thread against the fallback when no worker can start', async () => {
    const g = new GuardedWorker<Api>(
      () => {
        throw new Error('Worker is not defined');
      },
      fallback,
      manualTimers(),
    );
    await expect(g.run('echo', 50, (api) => api.echo(5))).resolves.toBe(-5);
    expect(g.where).toBe('main thread');
  });

  it('passes the worker’s own errors through unchanged', async () => {
    const g = new GuardedWorker<Api>(
      () => ({
        api: { echo: () => Promise.reject(new RangeError('no')), hang: () => Promise.resolve(0) },
        terminate: () => undefined,
      }),
      fallback,
      manualTimers(),
    );
    await expect(g.run('echo', 50, (api) => api.echo(1))).rejects.toThrow(new RangeError('no'));
  });

  it('starts the time limit only once the worker answers, and gives up a worker that never does', async () => {
    const t = manualTimers();
    let terminated = 0;
    const g = new GuardedWorker<Api>(
      () => ({
        api: { echo: (x) => Promise.resolve(x * 2), hang: () => new Promise<number>(() => undefined) },
        terminate: () => void terminated++,
        ready: new Promise(() => undefined), // module never loads
      }),
      fallback,
      t,
    );
    const call = g.run('echo', 50, (api) => api.echo(3));
    await flush();
    expect(t.pending()).toBe(1); // READY_LIMIT_MS only: the 50 ms limit has not started
    t.fire();
    await expect(call).resolves.toBe(-3); // ran on the main thread
    expect(terminated).toBe(1);
    expect(g.where).toBe('main thread');
  });
});
