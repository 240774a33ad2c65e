/**
 * Does a benchmark run describe the scenario's deployment? A run that names another model, GPU, GPU
 * count, TP degree or engine is refused with the reason; what the file does not say is taken from the
 * scenario. `pointScenario` turns an accepted run into the scenario that predicts it: the same
 * deployment under the run's load (closed loop of N clients, Poisson rate, or everything at once) and
 * mean lengths.
 */
import { resolveModel } from '../cost/deployment.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { BenchPoint } from './types.ts';
import { MAX_RATE_PER_SEC, MAX_USERS } from '../workload/schema.ts';

/** "meta-llama/Llama-3.1-8B-Instruct" → "llama318b": no org, no chat/quant suffixes, letters and digits. */
export function modelKey(name: string): string {
  const base = name.split('/').pop() ?? name;
  return base
    .toLowerCase()
    .replace(/[-_.](instruct|chat|hf|it|base)\b/g, '')
    .replace(/[-_.](fp8|fp4|nvfp4|int8|int4|awq|gptq|w8a8|w4a16|dynamic|bf16|fp16)\b/g, '')
    .replace(/[^a-z0-9]/g, '');
}

const gpuKey = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** GPUs a scenario's plan uses (both pools when disaggregated). */
export function planGpus(s: Scenario): number {
  const p = s.plan;
  if (p.prefill && p.decode)
    return [p.prefill, p.decode].reduce((a, q) => a + q.instances * q.tp * q.pp * q.attentionDp, 0);
  return p.dp * p.tp * p.pp * p.attentionDp;
}

/** Why `pt` cannot calibrate `s`, or null when nothing it states contradicts the scenario. */
export function contradiction(pt: BenchPoint, s: Scenario): string | null {
  if (pt.model !== undefined) {
    let names: string[];
    try {
      const spec = resolveModel(s.model);
      names = [spec.id, spec.name, spec.hfId ?? '', typeof s.model === 'string' ? s.model : s.model.name];
    } catch {
      names = [typeof s.model === 'string' ? s.model : s.model.name];
    }
    const k = modelKey(pt.model);
    if (!names.some((n) => n !== '' && n !== 'custom' && modelKey(n) === k))
      return `${pt.where}: ran ${pt.model}, but the scenario's model is ${names[1] ?? names[0]}`;
  }
  if (pt.gpu !== undefined) {
    const a = gpuKey(pt.gpu);
    const b = gpuKey(s.cluster.gpu);
    if (!(a === b || a.includes(b) || b.includes(a)))
      return `${pt.where}: ran on ${pt.gpu}, but the scenario's GPU is ${s.cluster.gpu}`;
  }
  const gpus = planGpus(s);
  if (pt.gpus !== undefined && pt.gpus !== gpus)
    return `${pt.where}: ran on ${pt.gpus} GPUs, but the scenario's plan uses ${gpus}`;
  const tp = s.plan.decode?.tp ?? s.plan.tp;
  if (pt.tp !== undefined && pt.tp !== tp)
    return `${pt.where}: ran with TP ${pt.tp}, but the scenario's plan has TP ${tp}`;
  const engine = s.runtime.engine?.name ?? 'vllm';
  if (pt.engine !== undefined && pt.engine !== engine)
    return `${pt.where}: ran on ${pt.engine}, but the scenario's engine is ${engine} (set runtime.engine.name)`;
  return null;
}

const clampInt = (x: number, max: number) => Math.max(1, Math.min(max, Math.round(x)));

/** Requests the prediction simulates per run (the run's own count, bounded for speed). */
const MAX_POINT_REQUESTS = 2000;

/** The scenario that predicts run `pt`: `s` under the run's load and mean lengths. */
export function pointScenario(s: Scenario, pt: BenchPoint): Scenario {
  const arrival =
    pt.concurrency !== undefined
      ? ({ kind: 'concurrency', users: Math.min(pt.concurrency, MAX_USERS) } as const)
      : pt.requestRate !== undefined
        ? ({ kind: 'poisson', ratePerSec: Math.min(pt.requestRate, MAX_RATE_PER_SEC) } as const)
        : ({ kind: 'offline' } as const);
  const requests = Math.max(1, Math.min(MAX_POINT_REQUESTS, Math.round(pt.requests)));
  // The run's mean lengths replace any distribution or trace of the scenario.
  const { input: _i, output: _o, trace: _t, ...w } = s.workload;
  void [_i, _o, _t];
  return {
    ...s,
    workload: {
      ...w,
      inputTokens: clampInt(pt.inputTokens, 2_097_152),
      outputTokens: clampInt(pt.outputTokens, 262_144),
      requests,
      warmupRequests: 0,
      arrival,
    },
  };
}
