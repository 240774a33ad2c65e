/**
 * The worker-backed implementation of the app's UntrustedOps (state/untrusted.ts; main.tsx installs it): link decoding, config.json import and the live
 * evaluation, each a GuardedWorker call (guarded.ts) with its time limit. A timeout comes back as a
 * failure in words ("this link's scenario took over 2 s to evaluate, …") and is also reported to
 * `onTimeout` (the app raises its banner with it).
 */
import * as Comlink from 'comlink';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { DecodeResult } from '../core/share/codec.ts';
import type { SharedState } from '../core/share/scenario-link.ts';
import { GuardedWorker, WorkerTimeout, type GuardedHandle } from './guarded.ts';
import { untrustedApi, type Attempt, type ConfigImport, type UntrustedApi } from './untrusted.api.ts';

/** Time limits (ms). Real links decode and real configs parse in milliseconds; a closed-form evaluation takes < 0.1 s. */
export interface UntrustedLimits {
  decodeMs: number;
  configMs: number;
  evaluateMs: number;
}

export const UNTRUSTED_LIMITS: UntrustedLimits = { decodeMs: 2000, configMs: 2000, evaluateMs: 2000 };

/** The real worker: the URL literal must sit inside `new Worker()` for Vite to bundle it. */
export function spawnUntrustedWorker(): GuardedHandle<Comlink.Remote<UntrustedApi>> {
  const worker = new Worker(new URL('./untrusted.worker.ts', import.meta.url), { type: 'module', name: 'untrusted' });
  const api = Comlink.wrap<UntrustedApi>(worker);
  return { api, terminate: () => worker.terminate(), ready: api.ping() };
}

type AnyApi = UntrustedApi | Comlink.Remote<UntrustedApi>;

function timedOut(e: unknown): e is WorkerTimeout {
  return e instanceof WorkerTimeout;
}

const asError = (e: unknown) => ({
  name: e instanceof Error ? e.name : 'Error',
  field: null,
  message: e instanceof Error ? e.message : String(e),
});

/** What the page asks of untrusted input (the shape of state/untrusted.ts UntrustedOps; the worker cannot import state). */
export interface UntrustedService {
  decodeLink(fragment: string): Promise<DecodeResult<SharedState>>;
  importConfig(text: string, label: string): Promise<Attempt<ConfigImport>>;
  evaluate(scenario: Scenario): Promise<Attempt<EvaluationResult>>;
  onTimeout?: (message: string) => void;
}

export function workerUntrustedOps(
  guard: GuardedWorker<AnyApi> = new GuardedWorker<AnyApi>(spawnUntrustedWorker, untrustedApi),
  limits: UntrustedLimits = UNTRUSTED_LIMITS,
  onTimeout?: (message: string) => void,
): UntrustedService {
  const report = (message: string) => onTimeout?.(message);
  return {
    onTimeout,
    async decodeLink(fragment) {
      try {
        return await guard.run('decoding this link', limits.decodeMs, (api) => api.decodeLink(fragment));
      } catch (e) {
        // The caller shows it: "This link could not be opened: decoding this link took over 2 s, …".
        return { ok: false, error: asError(e).message };
      }
    },
    async importConfig(text, label) {
      try {
        return await guard.run('reading this config.json', limits.configMs, (api) => api.importConfig(text, label));
      } catch (e) {
        return { ok: false, error: asError(e) };
      }
    },
    async evaluate(scenario) {
      try {
        return await guard.run("this scenario's evaluation", limits.evaluateMs, (api) => api.evaluate(scenario));
      } catch (e) {
        if (!timedOut(e)) return { ok: false, error: asError(e) };
        const message = `This scenario took over ${Number((e.limitMs / 1000).toPrecision(2))} s to evaluate, so it was stopped to keep the page responsive: shorten the workload (fewer requests, shorter prompts, narrower length distributions) or simplify the plan and KV strategy`;
        report(message);
        return { ok: false, error: { name: 'WorkerTimeout', field: null, message } };
      }
    },
  };
}
