/**
 * Evaluate one Scenario into the CLI/UI result shape with the closed-form steady-state estimator
 * (percentiles then equal the mean). `evaluateSimulated` (simulated.ts) simulates the workload
 * instead and reuses the helpers exported here.
 */
import { uniformShape } from '../cost/batch.ts';
import { resolveDeployment, type Deployment } from '../cost/deployment.ts';
import { sequenceMisfit, steadyState, withMisfit } from '../cost/estimator.ts';
import { geometryOf } from '../cost/geometry.ts';
import { iterationCost } from '../cost/iteration.ts';
import type { MemoryReport } from '../cost/memory.ts';
import type { OpCost } from '../cost/roofline.ts';
import { kvStrategySummary, kvStrategyWarnings, type KvStrategySummary } from '../kvplan/summary.ts';
import { countParams } from '../model/params.ts';
import type { EngineName, Scenario } from '../scenario/schema.ts';
import { workloadLengths, type WorkloadLengths } from '../workload/clamp.ts';
import { fmtInt } from '../format.ts';
import { describeBottleneck } from './bottleneck.ts';
import { kernelBasisOf } from '../kernels/measured.ts';
import {
  constantStats,
  costUsdPerMOutputTokens,
  dropNonFinite,
  energyJPerOutputToken,
  type AbsentReasons,
  type Metrics,
} from './metrics.ts';

export interface EvaluationResult {
  method: 'steady-state' | 'simulation';
  /**
   * What the op times rest on: "measured kernels · H200 · SGLang 0.5.9" or "roofline (no measured profile for …)"
   * (core/kernels/measured.ts).
   */
  basis?: string;
  model: { name: string; totalParams: number; activeParams: number; kvBytesPerToken: number };
  gpu: { id: string; name: string };
  plan: { tp: number; pp: number; dp: number; ep: number; attentionDp: number; moeTp: number; gpusUsed: number };
  memory: {
    perGpu: {
      label: string;
      weightsGB: number;
      kvCacheGB: number;
      /** Recurrent state of state-based layers (Gated DeltaNet, Mamba-2), flat in context; absent when 0. */
      stateGB?: number;
      activationsGB: number;
      reservedGB: number;
      totalGB: number;
      capacityGB: number;
    }[];
    maxKvTokens: number;
    maxConcurrentSeqs: number;
    fits: boolean;
    shortfallGB: number;
  };
  metrics: Metrics;
  bottleneck: string;
  warnings: string[];
  /**
   * The serving engine the numbers assume (core/engine): name, the version asked for, the profile that
   * supplied the defaults, that profile's warnings, and which runtime knobs came from it.
   */
  engine?: EngineSection;
  /** Present when the scenario sets runtime.kvStrategy: its effect at the workload's context (core/kv). */
  kv?: KvStrategySummary;
}

export interface EngineSection {
  name: string;
  version: string;
  profile: string;
  warnings: string[];
  /** Runtime knobs left unset by the scenario and filled from the profile. */
  defaultsUsed: string[];
}

/** The result's `engine` section for a deployment. */
export function engineSection(dep: Deployment): EngineSection {
  const e = dep.runtime.engine;
  return {
    name: e.name,
    version: e.version,
    profile: e.profile,
    warnings: [...e.warnings],
    defaultsUsed: [...dep.runtime.fromEngine],
  };
}

/** Round to `digits` significant digits (keeps JSON output readable; non-finite values pass through). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** Math.max(0, digits - Math.ceil(Math.log10(Math.abs(x) + 1e-300)));
  return Math.round(x * f) / f;
}

/** What each engine does with an unchunked prompt longer than its step budget (planWarnings). */
const OVERSIZED_PROMPT_BY_ENGINE: Record<EngineName, string> = {
  trtllm: 'TensorRT-LLM refuses such requests',
  vllm: 'vLLM refuses such a configuration',
  sglang: 'SGLang takes one such prompt per prefill batch',
};

export function planWarnings(dep: Deployment, scenario: Scenario): string[] {
  const w: string[] = [];
  const g = geometryOf(dep);
  const { precision } = scenario;
  if (
    (precision.weights === 'fp8' && precision.activations === 'fp8') ||
    precision.activations === 'fp4' ||
    precision.activations === 'nvfp4'
  ) {
    if (g.gemmMathDtype === 'bf16' || g.gemmMathDtype === 'fp16')
      w.push(
        `${dep.gpu.name} has no ${precision.activations} tensor cores: GEMMs are costed at bf16 speed (weights still stored at ${precision.weights}).`,
      );
  }
  if (dep.instance.tp > dep.links.scaleUpDomainGpus)
    w.push(
      `tp=${dep.instance.tp} spans more than one NVLink domain (${dep.links.scaleUpDomainGpus} GPUs): every all-reduce crosses the scale-out network.`,
    );
  if (dep.gpusUsed < dep.clusterGpus) w.push(`The plan uses ${dep.gpusUsed} of the cluster's ${dep.clusterGpus} GPUs.`);
  const ca = dep.model.compressedAttention;
  if (ca) {
    const topK = dep.model.sparseIndexer ? dep.model.sparseIndexer.topK / 4 : 0;
    w.push(
      `DeepSeek-V4 attention is costed from its shapes, without measured V4 kernels: each layer reads its ${ca.window}-token window plus one pooled entry per 4 or 128 tokens of context (the batch's mean context, an approximation${topK > 0 ? `; the indexer keeps ${topK} entries on 4:1 layers` : ''}), and the ${ca.hcMult}-stream hyper-connections are costed as 3 passes over the widened residual stream per sublayer (an approximation).`,
    );
  }
  for (const a of [dep.model.attention, dep.model.slidingAttention]) {
    if (!a || a.kind === 'mla' || dep.instance.tp <= a.numKvHeads) continue;
    const which =
      a === dep.model.attention ? (dep.model.slidingAttention ? ' full-attention-layer' : '') : ' sliding-layer';
    w.push(
      `tp=${dep.instance.tp} exceeds the ${a.numKvHeads}${which} KV heads: KV heads are replicated, so KV memory per token does not shrink further.`,
    );
  }
  const ctx = scenario.workload.inputTokens + scenario.workload.outputTokens;
  if (ctx > dep.model.maxContextTokens)
    w.push(`input+output = ${ctx} tokens exceeds ${dep.model.name}'s context window of ${dep.model.maxContextTokens}.`);
  const lengths = lengthsOf(dep, scenario);
  const rt = dep.runtime;
  if (!rt.chunkedPrefill && lengths.meanInputTokens > rt.maxBatchedTokens)
    w.push(
      `Prompts of ${fmtInt(lengths.meanInputTokens)} tokens exceed runtime.maxBatchedTokens (${fmtInt(rt.maxBatchedTokens)}) with chunked prefill off: each is costed as one step of its own length. ${OVERSIZED_PROMPT_BY_ENGINE[rt.engine.name]}; raise runtime.maxBatchedTokens or turn runtime.chunkedPrefill on.`,
    );
  w.push(...lengths.warnings);
  w.push(...kvStrategyWarnings(dep));
  w.push(...dep.runtime.engine.warnings);
  return w;
}

/** The workload's lengths clamped to the model's context window (workload/clamp.ts). */
export function lengthsOf(dep: Deployment, scenario: Scenario): WorkloadLengths {
  return workloadLengths(scenario.workload, dep.model.maxContextTokens, dep.model.name);
}

/**
 * `r` with its non-finite optional metrics made absent (for results composed elsewhere, e.g. the
 * search's P/D closed form), each with the reason its plan gives: it does not fit, or it is overloaded.
 */
export function finiteResult<R extends EvaluationResult>(r: R): R {
  const why = !r.memory.fits
    ? `the plan does not fit: ${r.bottleneck}`
    : r.metrics.overloaded
      ? 'overloaded: arrivals outpace what the plan serves, so the queue grows without bound'
      : 'no output token is produced';
  return { ...r, metrics: dropNonFinite(r.metrics, {}, why) };
}

/** Zero rates and no latency / per-token metric: what a plan that serves nothing reports. */
export function servesNothing(reason: string): EvaluationResult['metrics'] {
  return dropNonFinite(
    {
      outputTokPerSec: 0,
      outputTokPerSecPerGpu: 0,
      totalTokPerSec: 0,
      requestsPerSec: 0,
      goodputReqPerSec: 0,
      sloAttainment: 0,
      concurrency: 0,
      busyFraction: 0,
      overloaded: false,
    },
    {},
    reason,
  );
}

/** `{ kv }` for a deployment under a KV strategy (spread into an EvaluationResult), `{}` otherwise. */
export function kvSection(dep: Deployment, contextTokens: number): { kv?: KvStrategySummary } {
  const kv = kvStrategySummary(dep, contextTokens);
  return kv ? { kv } : {};
}

export function memorySection(mem: MemoryReport, maxConcurrentSeqs: number): EvaluationResult['memory'] {
  return {
    perGpu: mem.perGpu.map((p) => ({
      label: p.label,
      weightsGB: round(p.weightsGB),
      kvCacheGB: round(p.kvCacheGB),
      ...(p.stateGB > 0 ? { stateGB: round(p.stateGB) } : {}),
      activationsGB: round(p.activationsGB),
      reservedGB: round(p.reservedGB),
      totalGB: round(p.totalGB),
      capacityGB: p.capacityGB,
    })),
    maxKvTokens: mem.maxKvTokens,
    maxConcurrentSeqs: Math.floor(maxConcurrentSeqs),
    fits: mem.fits,
    shortfallGB: round(mem.shortfallGB),
  };
}

/** What a result names before its numbers: method, engine, kernel basis, model, GPU and plan shape. */
export function resultHead<M extends EvaluationResult['method']>(
  method: M,
  dep: Deployment,
  params: { totalParams: number; activeParams: number },
  kvBytesPerToken: number,
  replicas: number,
  gpusUsed: number,
) {
  return {
    method,
    engine: engineSection(dep),
    basis: kernelBasisOf(dep).basis,
    model: {
      name: dep.model.name,
      totalParams: params.totalParams,
      activeParams: params.activeParams,
      kvBytesPerToken,
    },
    gpu: { id: dep.gpu.id, name: dep.gpu.name },
    plan: {
      tp: dep.instance.tp,
      pp: dep.instance.pp,
      dp: replicas,
      ep: dep.instance.ep,
      attentionDp: dep.instance.attentionDp,
      moeTp: dep.instance.moeTp,
      gpusUsed,
    },
  };
}

/**
 * Ops of a representative decode step at the steady-state batch (for the bottleneck, Gantt, roofline).
 * `ctxTokens` defaults to the scenario's input + output/2 (the simulator passes its workload's means).
 */
export function representativeDecodeOps(
  dep: Deployment,
  scenario: Scenario,
  concurrency: number,
  ctxTokens?: number,
): OpCost[] {
  const w = scenario.workload;
  const seqs = Math.max(1, concurrency / dep.instance.pp);
  const ctx = ctxTokens ?? w.inputTokens + w.outputTokens / 2;
  return iterationCost(dep, uniformShape(seqs, ctx, 1, true, dep.model.slidingWindow), true).ops ?? [];
}

export function evaluateSteadyState(scenario: Scenario): EvaluationResult {
  const dep = resolveDeployment(scenario);
  const params = countParams(dep.model);
  const ss = steadyState(dep, scenario.workload);
  const w = scenario.workload;
  const warnings = planWarnings(dep, scenario);
  // `fits` means one sequence of the longest request fits (a trace's longest is checked by the simulator).
  const longest = w.trace ? null : lengthsOf(dep, scenario).longestTokens;
  const misfit = longest !== null ? sequenceMisfit(dep, ss.memory, longest) : null;
  const memory = misfit !== null && longest !== null ? withMisfit(ss.memory, dep, longest, misfit) : ss.memory;
  const gpus = dep.gpusUsed;
  const head = resultHead('steady-state', dep, params, memory.kvBytesPerToken, dep.dp, gpus);
  if (!memory.fits) {
    warnings.push(memory.explanation);
    return {
      ...head,
      memory: memorySection(memory, 0),
      metrics: servesNothing(memory.explanation),
      bottleneck: memory.explanation,
      warnings,
      ...kvSection(dep, w.inputTokens + w.outputTokens),
    };
  }
  const out = ss.outputTokPerSecPerInstance * dep.dp;
  const reqPerSec = out / w.outputTokens;
  const ttftMs = ss.ttftS * 1e3;
  const tpotMs = ss.tpotS * 1e3;
  // TPOT averages the gaps between output tokens: with one output token there is none (as in the simulator).
  const hasTpot = w.outputTokens > 1;
  const meets = !ss.overloaded && ttftMs <= scenario.slo.ttftMs && (!hasTpot || tpotMs <= scenario.slo.tpotMs);
  const ops = representativeDecodeOps(dep, scenario, ss.concurrency);
  const computeBound = ops.filter((o) => o.kind === 'gemm').some((o) => o.bound === 'compute');
  let bottleneck = describeBottleneck(ops, ss.limitedBy, ss.concurrency, computeBound);
  const absent: AbsentReasons = {};
  if (ss.overloaded) {
    const why = `overloaded: arrivals outpace the ${reqPerSec.toFixed(2)} req/s this plan can serve, so the queue grows without bound`;
    bottleneck = `Overloaded: arrivals outpace the ${reqPerSec.toFixed(2)} req/s this plan can serve, so the queue grows without bound. ${bottleneck}`;
    warnings.push('Overloaded: latencies are unbounded; add replicas or lower the arrival rate.');
    absent.ttftMs = why;
    absent.e2eMs = why;
  }
  if (!hasTpot) absent.tpotMs = 'every request generates one token: there is no gap between output tokens';
  const metrics = dropNonFinite(
    {
      outputTokPerSec: round(out),
      outputTokPerSecPerGpu: round(out / gpus),
      totalTokPerSec: round(reqPerSec * (w.inputTokens + w.outputTokens)),
      requestsPerSec: round(reqPerSec),
      ...(absent.ttftMs === undefined ? { ttftMs: constantStats(round(ttftMs)) } : {}),
      ...(absent.tpotMs === undefined ? { tpotMs: constantStats(round(tpotMs)) } : {}),
      ...(absent.e2eMs === undefined ? { e2eMs: constantStats(round(ss.e2eS * 1e3)) } : {}),
      goodputReqPerSec: meets ? round(reqPerSec) : 0,
      sloAttainment: meets ? 1 : 0,
      energyJPerOutputToken: round(energyJPerOutputToken(dep.gpu, gpus, ss.busyFraction, out)),
      costUsdPerMOutputTokens: round(costUsdPerMOutputTokens(dep.gpu, gpus, out)),
      concurrency: round(ss.concurrency),
      busyFraction: round(ss.busyFraction),
      overloaded: ss.overloaded,
      absent,
    },
    {},
    'no output token is produced',
  );
  return {
    ...head,
    memory: memorySection(memory, ss.maxConcurrency),
    metrics,
    bottleneck,
    warnings,
    ...kvSection(dep, w.inputTokens + w.outputTokens),
  };
}
