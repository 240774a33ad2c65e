/**
 * The Scenario: one versioned JSON shape for the URL, saved files, the CLI and tests.
 * Every number is bounded so a hostile link cannot ask for a 10^9-GPU cluster; every error
 * names the field path (zod issue path) and what is allowed.
 * Add fields with `.default()`; bump SCENARIO_VERSION only for changes a default cannot absorb.
 */
import { z } from 'zod';
import { boolField, enumField, intField, numField } from './fields.ts';
import { lengthDistSchema, MAX_CV, MAX_RATE_PER_SEC, MAX_USERS } from '../workload/schema.ts';
import { TRACE_FORMATS, type TraceFormat } from '../workload/traces.ts';
import { kvStrategySchema } from '../kv/types.ts';
import { kvStrategyConflict } from './rules.ts';
import { MAX_DRAFT_TOKENS, MIN_DRAFT_TOKENS, SPEC_METHODS } from '../spec/types.ts';
import { calibrationSchema } from '../calibrate/schema.ts';

export const SCENARIO_VERSION = 1;

const int = intField;
const num = numField;

export const WEIGHT_DTYPES = ['bf16', 'fp16', 'fp8', 'int8', 'int4', 'nvfp4', 'fp4'] as const;
export const ACTIVATION_DTYPES = ['bf16', 'fp16', 'fp8', 'nvfp4', 'fp4'] as const;
export const KV_DTYPES = ['bf16', 'fp16', 'fp8', 'int8', 'int4', 'int2'] as const;

const dtypeEnum = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: `${name} must be one of ${values.join(', ')}` });

export const precisionSchema = z.object({
  weights: dtypeEnum('precision.weights', WEIGHT_DTYPES).default('bf16'),
  activations: dtypeEnum('precision.activations', ACTIVATION_DTYPES).default('bf16'),
  kvCache: dtypeEnum('precision.kvCache', KV_DTYPES).default('bf16'),
});

/** Any GPU catalog figure may be overridden (e.g. a de-rated bandwidth or a negotiated price). */
export const gpuOverridesSchema = z
  .object({
    memoryGB: num('gpuOverrides.memoryGB', 1, 4096),
    memoryBandwidthGBps: num('gpuOverrides.memoryBandwidthGBps', 10, 100_000),
    bf16Tflops: num('gpuOverrides.bf16Tflops', 1, 100_000),
    fp8Tflops: num('gpuOverrides.fp8Tflops', 1, 100_000),
    fp4Tflops: num('gpuOverrides.fp4Tflops', 1, 100_000),
    int8Tops: num('gpuOverrides.int8Tops', 1, 100_000),
    scaleUpGBps: num('gpuOverrides.scaleUpGBps', 1, 100_000),
    scaleUpLatencyUs: num('gpuOverrides.scaleUpLatencyUs', 0, 10_000),
    scaleOutGBps: num('gpuOverrides.scaleOutGBps', 0.1, 100_000),
    scaleOutLatencyUs: num('gpuOverrides.scaleOutLatencyUs', 0, 100_000),
    hostLinkGBps: num('gpuOverrides.hostLinkGBps', 0.1, 10_000),
    priceUsdPerHour: num('gpuOverrides.priceUsdPerHour', 0, 1000),
    tdpW: num('gpuOverrides.tdpW', 1, 10_000),
    idleW: num('gpuOverrides.idleW', 0, 10_000),
  })
  .partial()
  .strict();

export const clusterSchema = z.object({
  gpu: z.string({ error: 'cluster.gpu must be a GPU catalog id (see `parakv list gpus`)' }).min(1),
  nodes: int('cluster.nodes', 1, 1024).default(1),
  gpusPerNode: int('cluster.gpusPerNode', 1, 128).default(8),
  /** GPUs per NVLink/NVSwitch domain; defaults to the GPU's own (8 on HGX, 72 on NVL72), capped by the cluster. */
  scaleUpDomainGpus: int('cluster.scaleUpDomainGpus', 1, 1024).optional(),
  gpuOverrides: gpuOverridesSchema.optional(),
});

export const poolSchema = z.object({
  instances: int('plan.pool.instances', 1, 1024).default(1),
  tp: int('plan.pool.tp', 1, 1024).default(1),
  pp: int('plan.pool.pp', 1, 256).default(1),
  ep: int('plan.pool.ep', 1, 1024).default(1),
  attentionDp: int('plan.pool.attentionDp', 1, 1024).default(1),
});

export const planSchema = z.object({
  tp: int('plan.tp', 1, 1024).default(1),
  pp: int('plan.pp', 1, 256).default(1),
  dp: int('plan.dp', 1, 4096).default(1),
  ep: int('plan.ep', 1, 1024).default(1),
  attentionDp: int('plan.attentionDp', 1, 1024).default(1),
  /** Prefill/decode disaggregation: when both pools are set they replace tp/pp/dp/ep/attentionDp. */
  prefill: poolSchema.optional(),
  decode: poolSchema.optional(),
});

/** Serving engines with profiles (defaults, scheduling, measured kernels): see core/engine (issue 12). */
export const ENGINE_NAMES = ['vllm', 'sglang', 'trtllm'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Which engine runs the plan. Any version string is accepted; it maps to the nearest profile. */
export const engineSchema = z.object({
  name: enumField('runtime.engine.name', ENGINE_NAMES),
  version: z
    .string({ error: 'runtime.engine.version must be a string such as "0.19.0"' })
    .max(32, { error: 'runtime.engine.version must be at most 32 characters' })
    .regex(/^[0-9A-Za-z.+_-]*$/, { error: 'runtime.engine.version may use letters, digits and . + _ - only' })
    .optional(),
  /** Scale factors fitted to the user's own benchmark (core/calibrate, issue 15); absent = the profile as is. */
  calibration: calibrationSchema.optional(),
});
export type EngineChoice = z.infer<typeof engineSchema>;

/** What runtime.gpuMemoryUtilization is a share of (core/engine/profiles.ts MemorySemantics). */
export const MEMORY_SEMANTICS = ['share-of-total', 'weights-and-kv', 'share-of-free'] as const;
export const PREEMPTION_MODES = ['recompute', 'swap', 'retract', 'reserve'] as const;

/**
 * Speculative decoding (core/spec): chain drafts of `draftTokens` verified in one step of draftTokens + 1
 * positions per sequence. `acceptanceRate` is the per-position acceptance; absent = the method's cited
 * default (core/spec/defaults.ts). MTP needs MTP heads in the checkpoint (checked when the model resolves).
 */
export const speculativeSchema = z
  .object({
    method: enumField('runtime.speculative.method', SPEC_METHODS),
    draftTokens: int('runtime.speculative.draftTokens', MIN_DRAFT_TOKENS, MAX_DRAFT_TOKENS),
    acceptanceRate: num('runtime.speculative.acceptanceRate', 0, 1).optional(),
  })
  .strict();

/**
 * Runtime knobs. The engine-dependent ones have no zod default: left unset, the engine profile fills
 * them (core/engine resolveRuntime, ENGINE-FACTS.md); set, they override it. Read them only through
 * resolveRuntime / Deployment.runtime.
 */
export const runtimeSchema = z.object({
  /** Absent = vLLM at its newest profile. */
  engine: engineSchema.optional(),
  maxNumSeqs: int('runtime.maxNumSeqs', 1, 65_536).optional(),
  maxBatchedTokens: int('runtime.maxBatchedTokens', 16, 1_048_576).optional(),
  chunkedPrefill: boolField('runtime.chunkedPrefill').optional(),
  /** Prefill chunks and decodes share one step (vLLM V1, TRT-LLM in-flight batching) or prefill batches run alone (SGLang default). */
  mixedPrefillDecode: boolField('runtime.mixedPrefillDecode').optional(),
  /** The engine's memory fraction; what it is a share of is `memorySemantics`. */
  gpuMemoryUtilization: num('runtime.gpuMemoryUtilization', 0.05, 0.99).optional(),
  memorySemantics: enumField('runtime.memorySemantics', MEMORY_SEMANTICS).optional(),
  kvBlockSize: int('runtime.kvBlockSize', 1, 1024).optional(),
  cudaGraphs: boolField('runtime.cudaGraphs').optional(),
  /** Largest decode batch (per scheduler) replayed from a captured CUDA graph. */
  cudaGraphMaxBatch: int('runtime.cudaGraphMaxBatch', 1, 65_536).optional(),
  /** Overlap / async scheduling: the host work of one step hides behind the GPU work of the next. */
  overlapScheduling: boolField('runtime.overlapScheduling').optional(),
  prefixCaching: boolField('runtime.prefixCaching').optional(),
  /** Older spelling of mixedPrefillDecode (decode-first = mixed); set one or the other. */
  schedulerPolicy: z
    .enum(['decode-first', 'prefill-first'], { error: 'runtime.schedulerPolicy must be decode-first or prefill-first' })
    .optional(),
  /**
   * What happens when the KV cache runs out: recompute (vLLM: drop and re-prefill later), swap (copy
   * to host memory and back), retract (SGLang: like recompute), reserve (TRT-LLM GUARANTEED_NO_EVICT:
   * a request is admitted only with KV reserved for its whole length, so nothing is preempted).
   */
  preemption: enumField('runtime.preemption', PREEMPTION_MODES).optional(),
  /** How requests are spread over DP replicas (and over the instances of each disaggregated pool). */
  router: z
    .enum(['round-robin', 'least-outstanding', 'prefix-affinity'], {
      error: 'runtime.router must be round-robin, least-outstanding or prefix-affinity',
    })
    .default('least-outstanding'),
  /** Fraction of KV blocks kept free when admitting new requests (vLLM v0 `watermark`, 0.01). */
  kvWatermark: num('runtime.kvWatermark', 0, 0.5).default(0.01),
  /**
   * KV-cache strategy (issue 6, core/kv): quantization, eviction, tiered offload, sharing, paging,
   * KV across devices. Absent (or with no component) = plain paged KV at `precision.kvCache`.
   * One source of truth for the KV format: a `quant` component sets it, and `precision.kvCache` must
   * then be bf16/fp16 (the unquantized base) or the same dtype (checked by the schema: scenario/rules.ts).
   */
  kvStrategy: kvStrategySchema.optional(),
  /** Speculative decoding; absent = off (old links open unchanged). */
  speculative: speculativeSchema.optional(),
});

/**
 * The arrival process as it sits in a scenario. workload/schema.ts has the generator's own
 * `arrivalSchema` (standalone field names, open lower bounds); both share the upper limits below.
 */
export const arrivalSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('offline') }),
    z.object({ kind: z.literal('poisson'), ratePerSec: num('workload.arrival.ratePerSec', 1e-6, MAX_RATE_PER_SEC) }),
    z.object({
      kind: z.literal('gamma'),
      ratePerSec: num('workload.arrival.ratePerSec', 1e-6, MAX_RATE_PER_SEC),
      cv: num('workload.arrival.cv', 0.01, MAX_CV),
    }),
    z.object({ kind: z.literal('concurrency'), users: int('workload.arrival.users', 1, MAX_USERS) }),
  ],
  { error: 'workload.arrival.kind must be offline, poisson, gamma or concurrency' },
);

/** Largest inlined trace text, characters (the trace parsers cap rows and line lengths too). */
export const MAX_TRACE_DATA_CHARS = 64 * 1024 * 1024;

/**
 * A request trace that replaces the fixed lengths and the arrival process. `data` is the file's
 * text; `path` (relative to the scenario file) is only for the CLI, which inlines it into `data`
 * before evaluation (core/scenario/trace-path.ts). `timing: 'scenario'` keeps the trace's lengths but
 * takes arrivals from `workload.arrival` (e.g. closed-loop users over real prompt lengths).
 * With a trace, `workload.requests` is ignored: every row replays (up to the simulator's request cap).
 */
export const traceSchema = z
  .object({
    format: z.enum(TRACE_FORMATS as unknown as [TraceFormat, ...TraceFormat[]], {
      error: `workload.trace.format must be one of ${TRACE_FORMATS.join(', ')}`,
    }),
    data: z
      .string({ error: 'workload.trace.data must be the trace file as text' })
      .max(MAX_TRACE_DATA_CHARS, { error: `workload.trace.data must be at most ${MAX_TRACE_DATA_CHARS} characters` })
      .optional(),
    path: z.string({ error: 'workload.trace.path must be a file path' }).min(1).max(4096).optional(),
    timing: z
      .enum(['trace', 'scenario'], { error: 'workload.trace.timing must be trace or scenario' })
      .default('trace'),
  })
  .strict()
  .refine((t) => (t.data === undefined) !== (t.path === undefined), {
    error: 'workload.trace needs exactly one of data (the text) or path (CLI only)',
  });

/** Prefix-cache knobs for synthetic workloads (a trace with hash ids brings its own). */
export const prefixSchema = z
  .object({
    /** Every prompt starts with the same this-many tokens (a shared system prompt). */
    sharedPrefixTokens: int('workload.prefix.sharedPrefixTokens', 0, 2_097_152).optional(),
    /** Fraction of every prompt found in the prefix cache, whatever the cache holds. */
    hitRate: num('workload.prefix.hitRate', 0, 1).optional(),
  })
  .strict();

export const workloadSchema = z.object({
  inputTokens: int('workload.inputTokens', 1, 2_097_152).default(1024),
  outputTokens: int('workload.outputTokens', 1, 262_144).default(256),
  requests: int('workload.requests', 1, 1_000_000).default(1000),
  /**
   * Requests sent first and left out of every statistic, as benchmark clients warm up (aiperf, vllm
   * bench; aiconfigurator sends 2×concurrency, ENGINE-FACTS §5.2 [AIC-BENCH]). The simulator runs them
   * before `requests`; the closed form (steady state) ignores them.
   */
  warmupRequests: int('workload.warmupRequests', 0, 100_000).default(0),
  arrival: arrivalSchema.default({ kind: 'offline' }),
  seed: int('workload.seed', 0, 2 ** 31 - 1).default(1),
  /** Length distributions; when set they replace inputTokens / outputTokens. */
  input: lengthDistSchema.optional(),
  output: lengthDistSchema.optional(),
  trace: traceSchema.optional(),
  prefix: prefixSchema.optional(),
});

export const sloSchema = z.object({
  ttftMs: num('slo.ttftMs', 1, 3_600_000).default(2000),
  tpotMs: num('slo.tpotMs', 0.1, 60_000).default(100),
});

/** A pasted Hugging Face config.json, imported by core/model/hf. */
export const customModelSchema = z.object({
  name: z.string().min(1).max(200),
  hf: z.record(z.string(), z.unknown(), { error: 'model.hf must be a config.json object' }),
});

export const scenarioSchema = z
  .object({
    version: z.literal(SCENARIO_VERSION, { error: `version must be ${SCENARIO_VERSION}` }),
    model: z.union([z.string().min(1), customModelSchema], {
      error: 'model must be a catalog id (see `parakv list models`) or { name, hf: <config.json> }',
    }),
    precision: precisionSchema.default({ weights: 'bf16', activations: 'bf16', kvCache: 'bf16' }),
    cluster: clusterSchema,
    plan: planSchema.default({ tp: 1, pp: 1, dp: 1, ep: 1, attentionDp: 1 }),
    runtime: runtimeSchema.default(runtimeSchema.parse({})),
    workload: workloadSchema.default(workloadSchema.parse({})),
    slo: sloSchema.default({ ttftMs: 2000, tpotMs: 100 }),
  })
  .superRefine((s, ctx) => {
    const kv = kvStrategyConflict(s.precision, s.runtime.kvStrategy);
    if (kv) ctx.addIssue({ code: 'custom', path: kv.field.split('.'), message: `${kv.field}: ${kv.message}` });
  });

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Precision = Scenario['precision'];
export type Plan = Scenario['plan'];
export type PoolPlan = z.output<typeof poolSchema>;
export type Runtime = Scenario['runtime'];
export type Workload = Scenario['workload'];
export type Arrival = Workload['arrival'];
