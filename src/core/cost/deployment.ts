/**
 * A Deployment is a Scenario resolved against the catalogs: the model spec, the GPU (with overrides),
 * and how one serving instance is sharded. All cost formulas take a Deployment, never a raw Scenario.
 *
 * Parallelism vocabulary (vLLM / SGLang / TensorRT-LLM):
 * - tp: tensor parallel inside one attention group; pp: pipeline stages; dp: whole independent replicas.
 * - attentionDp: attention runs data-parallel over that many groups of `tp` GPUs, while MoE layers span
 *   all `tp·attentionDp` GPUs as `ep` expert-parallel ranks × `moeTp` tensor slices (moeTp = tp·attentionDp/ep).
 * - One instance = tp·attentionDp·pp GPUs; GPUs used = dp·pp·tp·attentionDp.
 */
import type { GpuSpec, Dtype } from '../hardware/types.ts';
import type { ModelSpec } from '../model/types.ts';
import { getGpu } from '../hardware/gpus.ts';
import { getModel } from '../model/catalog.ts';
import { fromHfConfig, ModelImportError } from '../model/hf.ts';
import type { Precision, Scenario } from '../scenario/schema.ts';
import { resolveRuntime, type ResolvedRuntime } from '../engine/resolve.ts';
import { kvStrategyConflict } from '../scenario/rules.ts';
import { speculativeConflict } from '../spec/draft.ts';

export interface InstanceShape {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
  /** Tensor-parallel slices inside each expert: tp·attentionDp / ep. */
  moeTp: number;
  /** GPUs in one instance: tp·attentionDp·pp. */
  gpus: number;
  /** Decoder layers held by each pipeline stage (uneven splits put the extra layers first). */
  stageLayers: number[];
}

export interface Links {
  /** GPUs per scale-up (NVLink) domain in this cluster. */
  scaleUpDomainGpus: number;
  gpusPerNode: number;
}

export interface Deployment {
  model: ModelSpec;
  gpu: GpuSpec;
  precision: Precision;
  /** Every knob filled: the scenario's own, else the engine profile's (core/engine). */
  runtime: ResolvedRuntime;
  instance: InstanceShape;
  /** Whole replicas of the instance. */
  dp: number;
  links: Links;
  /** Total GPUs the plan uses. */
  gpusUsed: number;
  clusterGpus: number;
}

export class ScenarioError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ScenarioError';
  }
}

export function resolveModel(model: Scenario['model']): ModelSpec {
  if (typeof model === 'string') {
    const spec = getModel(model);
    if (!spec)
      throw new ScenarioError(
        'model',
        `unknown model "${model}" — run \`parakv list models\` for the catalog ids, or paste a config.json as { "name": ..., "hf": {...} }`,
      );
    return spec;
  }
  try {
    return fromHfConfig(model.hf, { id: 'custom', name: model.name });
  } catch (e) {
    if (e instanceof ModelImportError) throw new ScenarioError(`model.hf.${e.field}`, e.message);
    throw e;
  }
}

export function resolveGpu(cluster: Scenario['cluster']): GpuSpec {
  const base = getGpu(cluster.gpu);
  if (!base)
    throw new ScenarioError(
      'cluster.gpu',
      `unknown GPU "${cluster.gpu}" — run \`parakv list gpus\` for the catalog ids`,
    );
  const o = cluster.gpuOverrides;
  if (!o) return base;
  const sources = { ...base.sources };
  for (const k of Object.keys(o)) sources[k] = 'user override in scenario';
  const { usableMemoryGB, ...rest } = base;
  return {
    ...rest,
    // An overridden capacity is the capacity: the catalog's reported figure belongs to the catalog label.
    ...(o.memoryGB === undefined && usableMemoryGB !== undefined ? { usableMemoryGB } : {}),
    memoryGB: o.memoryGB ?? base.memoryGB,
    memoryBandwidthGBps: o.memoryBandwidthGBps ?? base.memoryBandwidthGBps,
    denseTflops: {
      bf16: o.bf16Tflops ?? base.denseTflops.bf16,
      fp16: o.bf16Tflops ?? base.denseTflops.fp16,
      fp8: o.fp8Tflops ?? base.denseTflops.fp8,
      int8: o.int8Tops ?? base.denseTflops.int8,
      fp4: o.fp4Tflops ?? base.denseTflops.fp4,
    },
    scaleUpGBps: o.scaleUpGBps ?? base.scaleUpGBps,
    scaleUpLatencyUs: o.scaleUpLatencyUs ?? base.scaleUpLatencyUs,
    scaleOutGBps: o.scaleOutGBps ?? base.scaleOutGBps,
    scaleOutLatencyUs: o.scaleOutLatencyUs ?? base.scaleOutLatencyUs,
    hostLinkGBps: o.hostLinkGBps ?? base.hostLinkGBps,
    priceUsdPerHour: o.priceUsdPerHour ?? base.priceUsdPerHour,
    tdpW: o.tdpW ?? base.tdpW,
    idleW: o.idleW ?? base.idleW,
    sources,
  };
}

/** Split `layers` over `pp` stages as evenly as possible; earlier stages take the remainder. */
export function splitLayers(layers: number, pp: number): number[] {
  const base = Math.floor(layers / pp);
  const extra = layers % pp;
  return Array.from({ length: pp }, (_, i) => base + (i < extra ? 1 : 0));
}

export interface ShardRequest {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
}

/** Check a parallel shape against the model; returns the instance shape or throws naming the field. */
export function shapeInstance(model: ModelSpec, s: ShardRequest, fieldPrefix = 'plan'): InstanceShape {
  const { tp, pp, ep, attentionDp } = s;
  // Query heads split over tp in every attention shape (Gemma-4 / MiMo-V2 sliding layers have their own);
  // KV heads split too, or are replicated where tp exceeds them (geometry.ts).
  for (const a of [model.attention, model.slidingAttention]) {
    if (a && a.numHeads % tp !== 0) {
      const which = a === model.attention ? '' : 'sliding-layer ';
      throw new ScenarioError(
        `${fieldPrefix}.tp`,
        `tp=${tp} must divide the ${a.numHeads} ${which}attention heads of ${model.name}`,
      );
    }
  }
  if (pp > model.layers.length)
    throw new ScenarioError(`${fieldPrefix}.pp`, `pp=${pp} exceeds the ${model.layers.length} layers of ${model.name}`);
  const groupGpus = tp * attentionDp;
  if (!model.moe && ep > 1)
    throw new ScenarioError(
      `${fieldPrefix}.ep`,
      `ep=${ep} needs a mixture-of-experts model; ${model.name} is dense — set ep to 1`,
    );
  if (ep > groupGpus || groupGpus % ep !== 0) {
    throw new ScenarioError(
      `${fieldPrefix}.ep`,
      `ep=${ep} must divide tp·attentionDp = ${groupGpus} (the GPUs the MoE layers span)`,
    );
  }
  if (model.moe && model.moe.numExperts % ep !== 0) {
    throw new ScenarioError(
      `${fieldPrefix}.ep`,
      `ep=${ep} must divide the ${model.moe.numExperts} experts of ${model.name}`,
    );
  }
  const moeTp = groupGpus / ep;
  if (model.moe && model.moe.expertIntermediateSize % moeTp !== 0) {
    throw new ScenarioError(
      `${fieldPrefix}.ep`,
      `expert width ${model.moe.expertIntermediateSize} does not split over moeTp=tp·attentionDp/ep=${moeTp}; raise ep`,
    );
  }
  return { tp, pp, ep, attentionDp, moeTp, gpus: groupGpus * pp, stageLayers: splitLayers(model.layers.length, pp) };
}

export function resolveDeployment(s: Scenario): Deployment {
  const model = resolveModel(s.model);
  const gpu = resolveGpu(s.cluster);
  const clusterGpus = s.cluster.nodes * s.cluster.gpusPerNode;
  const { plan } = s;
  const instance = shapeInstance(model, plan);
  const gpusUsed = plan.dp * instance.gpus;
  if (gpusUsed > clusterGpus) {
    throw new ScenarioError(
      'plan',
      `dp·pp·tp·attentionDp = ${plan.dp}·${plan.pp}·${plan.tp}·${plan.attentionDp} = ${gpusUsed} GPUs, but the cluster has ${s.cluster.nodes}×${s.cluster.gpusPerNode} = ${clusterGpus}`,
    );
  }
  checkPrecision(gpu, s.precision);
  const kvConflict = kvStrategyConflict(s.precision, s.runtime.kvStrategy);
  if (kvConflict) throw new ScenarioError(kvConflict.field, kvConflict.message);
  if (model.compressedAttention && s.runtime.kvStrategy?.evict) {
    // Token eviction scores cached tokens; V4 caches pooled entries and already selects top-k of them.
    throw new ScenarioError(
      'runtime.kvStrategy.evict',
      `${model.name} pools its KV (DeepSeek-V4 compressed attention) and its indexer already keeps the top entries: token eviction over pooled entries is not modeled — drop the evict component (quantization, offload, sharing and paging apply)`,
    );
  }
  const spec = s.runtime.speculative;
  const specConflict = spec ? speculativeConflict(model, spec.method) : null;
  if (specConflict) throw new ScenarioError('runtime.speculative.method', specConflict);
  const scaleUpDomainGpus = Math.min(s.cluster.scaleUpDomainGpus ?? Math.max(gpu.scaleUpDomainGpus, 1), clusterGpus);
  return {
    model,
    gpu,
    precision: s.precision,
    runtime: resolveRuntime(s),
    instance,
    dp: plan.dp,
    links: {
      scaleUpDomainGpus: Math.max(1, Math.min(scaleUpDomainGpus, Math.max(s.cluster.gpusPerNode, scaleUpDomainGpus))),
      gpusPerNode: s.cluster.gpusPerNode,
    },
    gpusUsed,
    clusterGpus,
  };
}

const FP4: readonly Dtype[] = ['fp4', 'nvfp4'];

function checkPrecision(gpu: GpuSpec, p: Precision): void {
  if (FP4.includes(p.activations) && !FP4.includes(p.weights)) {
    throw new ScenarioError(
      'precision.activations',
      `fp4 activations need fp4/nvfp4 weights (got weights=${p.weights})`,
    );
  }
  if (p.activations === 'fp8' && !['fp8', 'fp4', 'nvfp4'].includes(p.weights)) {
    throw new ScenarioError(
      'precision.activations',
      `fp8 activations need fp8 (or fp4) weights; weight-only ${p.weights} runs with bf16 activations`,
    );
  }
  void gpu; // unsupported dtypes fall back to wider math in peakTflopsFor, with a warning from the evaluator
}
