/**
 * Cached, non-throwing wrappers over the engine for the selected plan. The Scenario object is the
 * cache key (the store replaces it on every edit, never mutates it), so a re-render with the same
 * scenario costs a WeakMap lookup. Engine errors (a plan that does not divide the model, more GPUs
 * than the cluster) come back as `{ ok: false, field, message }` for the UI to show next to the field.
 */
import { ScenarioError } from '../core/cost/deployment.ts';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { steadyView } from '../core/evaluate/workload-view.ts';
import { ModelImportError } from '../core/model/hf.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { planGantt, type GanttOptions, type PlanGantt } from '../core/views/gantt.ts';
import { kvCapacityChart, type KvCapacityChart } from '../core/views/kv.ts';
import { KV_CHART_PRESETS } from '../core/kv/presets.ts';
import { planRoofline, type PlanRoofline } from '../core/views/roofline.ts';
import { kernelRegistryGeneration } from '../core/kernels/registry.ts';
import type { ErrorLike } from './untrusted.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; field: string | null; message: string };

function fail(e: unknown): { ok: false; field: string | null; message: string } {
  if (e instanceof ScenarioError || e instanceof ModelImportError)
    return outcomeOfError({ name: e.name, field: e.field, message: e.message });
  return { ok: false, field: null, message: e instanceof Error ? e.message : String(e) };
}

/** An engine error as plain data (from the worker) → the outcome the UI shows next to its field. */
export function outcomeOfError(e: ErrorLike): { ok: false; field: string | null; message: string } {
  if (e.name === 'ModelImportError' && e.field !== null)
    return { ok: false, field: `model.hf.${e.field}`, message: e.message };
  return { ok: false, field: e.name === 'ScenarioError' ? e.field : null, message: e.message };
}

export function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return fail(e);
  }
}

let evalCache = new WeakMap<Scenario, Outcome<EvaluationResult>>();

/**
 * The closed-form evaluation of the selected plan (colocated, or P/D disaggregated; a trace is
 * summarised to its means) — the same first pass the search uses; cached per scenario object.
 */
export function evaluateScenario(s: Scenario): Outcome<EvaluationResult> {
  dropStaleCaches();
  const hit = evalCache.get(s);
  if (hit) return hit;
  const out = attempt(() => evaluateFast(s));
  evalCache.set(s, out);
  return out;
}

let ganttCache = new WeakMap<Scenario, Map<string, Outcome<PlanGantt>>>();

export function ganttOf(s: Scenario, concurrency: number, opts: GanttOptions = {}): Outcome<PlanGantt> {
  dropStaleCaches();
  const key = `${concurrency}|${JSON.stringify(opts)}`;
  let m = ganttCache.get(s);
  if (!m) ganttCache.set(s, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  // Distributions and traces are drawn at their mean lengths, as the closed form sees them.
  const out = attempt(() => planGantt(steadyView(s), concurrency, opts));
  m.set(key, out);
  return out;
}

let rooflineCache = new WeakMap<Scenario, Map<number, Outcome<PlanRoofline>>>();

export function rooflineOf(s: Scenario, concurrency: number): Outcome<PlanRoofline> {
  dropStaleCaches();
  let m = rooflineCache.get(s);
  if (!m) rooflineCache.set(s, (m = new Map()));
  const hit = m.get(concurrency);
  if (hit) return hit;
  const out = attempt(() => planRoofline(steadyView(s), concurrency));
  m.set(concurrency, out);
  return out;
}

let kvChartCache = new WeakMap<Scenario, Outcome<KvCapacityChart>>();

/** The KV capacity chart of the plan (core/views/kv: every preset strategy + the plan's own, 1K…1M tokens), cached per scenario. */
export function kvChartOf(s: Scenario): Outcome<KvCapacityChart> {
  const hit = kvChartCache.get(s);
  if (hit) return hit;
  const out = attempt(() => kvCapacityChart(steadyView(s)));
  kvChartCache.set(s, out);
  return out;
}

/** The cached KV capacity chart of `s`, or undefined when it has not been computed yet (no work done). */
export function kvChartCached(s: Scenario): Outcome<KvCapacityChart> | undefined {
  dropStaleCaches();
  return kvChartCache.get(s);
}

const yieldToBrowser = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * kvChartOf without one long main-thread task (issue 14 §7: 95–128 ms tasks while a search ran):
 * the plan's own series first, then one preset strategy per macrotask, so input and paint run in
 * between. Resolves to the same chart kvChartOf builds (and caches it); resolves null when `stale()`
 * turns true between steps (the scenario moved on).
 */
export async function kvChartInSteps(s: Scenario, stale: () => boolean): Promise<Outcome<KvCapacityChart> | null> {
  const hit = kvChartCached(s);
  if (hit) return hit;
  const view = steadyView(s);
  const base = attempt(() => kvCapacityChart(view, { presets: [] }));
  if (!base.ok) {
    kvChartCache.set(s, base);
    return base;
  }
  const series = [...base.value.series];
  for (const id of KV_CHART_PRESETS) {
    await yieldToBrowser();
    if (stale()) return null;
    const one = attempt(() => kvCapacityChart(view, { presets: [id], current: false, contexts: base.value.contexts }));
    if (!one.ok) {
      kvChartCache.set(s, one);
      return one;
    }
    series.push(...one.value.series);
  }
  const out: Outcome<KvCapacityChart> = { ok: true, value: { ...base.value, series } };
  kvChartCache.set(s, out);
  return out;
}

let cachedGeneration = kernelRegistryGeneration();

/** A measured kernel profile arrived (core/kernels/registry.ts): every cached number may change. */
function dropStaleCaches(): void {
  const gen = kernelRegistryGeneration();
  if (gen === cachedGeneration) return;
  cachedGeneration = gen;
  evalCache = new WeakMap();
  ganttCache = new WeakMap();
  rooflineCache = new WeakMap();
  kvChartCache = new WeakMap();
}
