/**
 * Hooks that connect components to the engine through the state layer's cached wrappers. The
 * evaluation follows a deferred copy of the scenario, so typing or dragging a slider never waits
 * for the engine (React renders the input first, then the numbers).
 */
import { useCallback, useDeferredValue, useEffect, useState } from 'react';
import type { Scenario } from '../core/scenario/schema.ts';
import { useLiveOutcome } from '../state/live-evaluation.ts';
import { engineOf, loadKernelProfile } from '../core/kernels/registry.ts';
import { useApp } from '../state/react.tsx';

export function useDeferredScenario(): Scenario {
  const scenario = useApp((s) => s.scenario);
  return useDeferredValue(scenario);
}

/** The selected plan's closed-form evaluation (cached per scenario; in a worker with a time limit in the app). */
export function useEvaluation() {
  const scenario = useDeferredScenario();
  useKernelProfile(scenario);
  return { scenario, outcome: useLiveOutcome(scenario) };
}

/** Load the measured kernel profile of the scenario's GPU and engine (its own chunk) and re-render when it lands. */
function useKernelProfile(s: Scenario): void {
  const [, setLoaded] = useState(0);
  const gpu = s.cluster.gpu;
  const engine = engineOf(s.runtime);
  useEffect(() => {
    let live = true;
    void loadKernelProfile(gpu, engine).then((p) => {
      if (live && p) setLoaded((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [gpu, engine]);
}

/**
 * The engine's message for a field when the current scenario does not resolve there (e.g. "plan.tp:
 * tp=3 must divide the 64 attention heads"); returns a lookup by field path or prefix.
 */
export function useEngineError(): (field: string) => string | undefined {
  const scenario = useApp((s) => s.scenario);
  const outcome = useLiveOutcome(scenario);
  return useCallback(
    (field: string) => {
      if (outcome.ok || outcome.field === null) return undefined;
      return outcome.field === field || outcome.field.startsWith(`${field}.`)
        ? outcome.message.replace(/^[\w.[\]]+:\s*/, '')
        : undefined;
    },
    [outcome],
  );
}

/**
 * `value`, but only once it has stopped changing for `ms` (slow views such as the Gantt follow the
 * settled scenario, so dragging a slider stays smooth; the numbers above them follow every change).
 */
export function useSettled<T>(value: T, ms = 200): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, settled, ms]);
  return settled;
}
