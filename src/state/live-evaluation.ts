/**
 * The live closed-form evaluation of the current scenario, through the installed UntrustedOps (a
 * worker with a time limit, state/untrusted.ts) when there is one, else on the main thread as
 * evaluation.ts always did. Results are cached per Scenario object (the store replaces it on every
 * edit); while a new scenario is being evaluated the last settled outcome stands in, so the numbers
 * never blank out between keystrokes.
 */
import { useEffect, useReducer } from 'react';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { evaluateScenario, outcomeOfError, type Outcome } from './evaluation.ts';
import { untrustedOps, type UntrustedOps } from './untrusted.ts';

/** Shown until the first evaluation settles. */
export const PENDING: Outcome<EvaluationResult> = { ok: false, field: null, message: 'Evaluating this scenario…' };

let settled = new WeakMap<Scenario, Outcome<EvaluationResult>>();
const running = new WeakMap<Scenario, Promise<Outcome<EvaluationResult>>>();
let latest: Outcome<EvaluationResult> | null = null;
let settledWith: UntrustedOps | null = null;

/** Evaluate `s` through `ops` once (concurrent callers share the run); the outcome is cached. */
export function evaluateLive(ops: UntrustedOps, s: Scenario): Promise<Outcome<EvaluationResult>> {
  if (settledWith !== ops) {
    settled = new WeakMap();
    settledWith = ops;
  }
  const hit = settled.get(s);
  if (hit) return Promise.resolve(hit);
  let run = running.get(s);
  if (!run) {
    run = ops.evaluate(s).then((r): Outcome<EvaluationResult> => (r.ok ? r : outcomeOfError(r.error)));
    void run.then((o) => {
      settled.set(s, o);
      latest = o;
    });
    running.set(s, run);
  }
  return run;
}

/** The settled outcome for `s`, if any (through `ops`). */
export function settledOutcome(ops: UntrustedOps, s: Scenario): Outcome<EvaluationResult> | undefined {
  return settledWith === ops ? settled.get(s) : undefined;
}

/** React hook: the scenario's outcome — from the worker when one is installed, else computed here. */
export function useLiveOutcome(s: Scenario): Outcome<EvaluationResult> {
  const ops = untrustedOps();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const hit = ops ? settledOutcome(ops, s) : undefined;
  useEffect(() => {
    if (!ops || hit) return;
    let live = true;
    void evaluateLive(ops, s).then(() => {
      if (live) rerender();
    });
    return () => {
      live = false;
    };
  }, [ops, s, hit]);
  if (!ops) return evaluateScenario(s);
  return hit ?? latest ?? PENDING;
}
