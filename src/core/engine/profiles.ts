/**
 * Serving-engine profiles: the defaults each engine (and release line) applies to the runtime knobs a
 * scenario leaves unset. Every figure cites data/reference/ENGINE-FACTS.md by section and source key;
 * a figure the facts do not pin is marked as such in its `sources` line.
 *
 * A profile covers a range of releases (`covers`, inclusive, compared on major.minor); any version
 * string maps to the nearest profile (resolve.ts).
 */
import type { EngineName } from '../scenario/schema.ts';

/** What the memory fraction knob (gpuMemoryUtilization in the scenario) is a share of. */
export type MemorySemantics =
  /** vLLM gpu_memory_utilization: weights + activations + graphs + KV ≤ fraction × total HBM. */
  | 'share-of-total'
  /** SGLang mem_fraction_static: (weights + KV pool) = fraction × total HBM; activations/graphs live in the rest. */
  | 'weights-and-kv'
  /** TRT-LLM free_gpu_memory_fraction: KV pool = fraction × memory left free after weights and buffers. */
  | 'share-of-free';

export type Preemption = 'recompute' | 'swap' | 'retract' | 'reserve';

/** The knobs an engine fills. Memory fraction may depend on the plan (SGLang derives it at start). */
export interface EngineKnobs {
  maxNumSeqs: number;
  maxBatchedTokens: number;
  chunkedPrefill: boolean;
  /** Prefill chunks and decodes share one step (true) or prefill batches run alone (false). */
  mixedPrefillDecode: boolean;
  gpuMemoryUtilization: number;
  memorySemantics: MemorySemantics;
  kvBlockSize: number;
  cudaGraphs: boolean;
  /** Largest decode batch replayed from a captured CUDA graph (per scheduler). */
  cudaGraphMaxBatch: number;
  /** Overlap / async scheduling: host work of step n runs while the GPU computes step n+1. */
  overlapScheduling: boolean;
  prefixCaching: boolean;
  preemption: Preemption;
}

export type KnobName = keyof EngineKnobs;

/** What a profile's defaults may depend on: the GPU's HBM and the plan's shard sizes. */
export interface ProfileContext {
  gpuId: string;
  /** HBM per GPU, GB: the capacity the device reports (GpuSpec.usableMemoryGB), else the label, or the override. */
  memoryGB: number;
  tp: number;
  pp: number;
}

export interface EngineProfile {
  engine: EngineName;
  /** Profile id within the engine, e.g. "0.19". */
  id: string;
  /** Display label, e.g. "vLLM 0.19 (V1)". */
  label: string;
  /** Releases the profile's facts cover, inclusive, as [major, minor] pairs. */
  covers: readonly [readonly [number, number], readonly [number, number]];
  defaults: (c: ProfileContext) => EngineKnobs;
  /** Per knob: the ENGINE-FACTS.md line (section and source key) its default comes from. */
  sources: Record<KnobName, string>;
  /**
   * The scheduler loop runs a new prefill batch whenever waiting prompts can be admitted, ahead of the running
   * decodes (SGLang; vLLM V0), rather than scheduling decodes first (vLLM V1) or context and generation requests
   * together in arrival order (TensorRT-LLM in-flight batching). A closed loop's prompts then stay in waves: the
   * prompts prefilled together start decoding together, finish together and come back together
   * (cost/estimator.ts). An engine behaviour, not a knob: `--enable-mixed-chunk` lets decodes ride along in the
   * prefill batches but the loop keeps its priority.
   */
  prefillPriority: { value: boolean; source: string };
}

const GIB = 1.073741824; // GB per GiB

// ---------------------------------------------------------------------------------------------
// vLLM

/**
 * vLLM V1 EngineArgs defaults by device memory: ≥70 GiB and not A100 → 8192 tokens (API server) and
 * 1024 seqs, else 2048 tokens and 256 seqs; max_num_seqs capped at max_num_batched_tokens.
 * ENGINE-FACTS §1.2 [VLLM-ARG-V1 (idx)].
 */
function vllmV1Budget(c: ProfileContext): { maxBatchedTokens: number; maxNumSeqs: number } {
  const big = c.memoryGB / GIB >= 70 && !/a100/i.test(c.gpuId);
  const maxBatchedTokens = big ? 8192 : 2048;
  return { maxBatchedTokens, maxNumSeqs: Math.min(big ? 1024 : 256, maxBatchedTokens) };
}

/**
 * vLLM V1 CUDA-graph capture list tops out at min(2·max_num_seqs·(1+spec), 512), capped by
 * max_num_batched_tokens. ENGINE-FACTS §1.2 [VLLM-COMP (idx)].
 */
function vllmGraphMax(maxNumSeqs: number, maxBatchedTokens: number): number {
  return Math.min(2 * maxNumSeqs, 512, maxBatchedTokens);
}

function vllmV1(memoryFraction: number, asyncScheduling: boolean) {
  return (c: ProfileContext): EngineKnobs => {
    const b = vllmV1Budget(c);
    return {
      ...b,
      chunkedPrefill: true,
      mixedPrefillDecode: true,
      gpuMemoryUtilization: memoryFraction,
      memorySemantics: 'share-of-total',
      kvBlockSize: 16,
      cudaGraphs: true,
      cudaGraphMaxBatch: vllmGraphMax(b.maxNumSeqs, b.maxBatchedTokens),
      overlapScheduling: asyncScheduling,
      prefixCaching: true,
      preemption: 'recompute',
    };
  };
}

const VLLM_V1_SOURCES = (asyncSrc: string, memSrc: string): Record<KnobName, string> => ({
  maxNumSeqs: '§1.2 1024 on ≥70 GiB non-A100 GPUs, else 256, capped at the token budget [VLLM-ARG-V1 (idx)]',
  maxBatchedTokens: '§1.2 8192 (API server) on ≥70 GiB non-A100 GPUs, else 2048 [VLLM-ARG-V1 (idx)]',
  chunkedPrefill: '§1.2 enable_chunked_prefill True [VLLM-SCHED]',
  mixedPrefillDecode: '§1.2 decodes batched first, prefills fill the remaining budget [VLLM-OPT]',
  gpuMemoryUtilization: memSrc,
  memorySemantics: '§0 gpu_memory_utilization = share of TOTAL HBM [AIC-VLLM]',
  kvBlockSize: '§0 16 tokens on CUDA (not re-verified, §9 Q4)',
  cudaGraphs: '§1.2 -O2 default FULL_AND_PIECEWISE CUDA graphs [VLLM-OPT-MAIN]',
  cudaGraphMaxBatch: '§1.2 capture up to min(2·max_num_seqs, 512), capped by the token budget [VLLM-COMP (idx)]',
  overlapScheduling: asyncSrc,
  prefixCaching: '§1.2 prefix caching on by default in V1 [VLLM-ARG-V1 (idx)]',
  preemption: '§1.1 V1 preempts by RECOMPUTE rather than SWAP [VLLM-OPT]',
});

/** vLLM V0 (0.6.x): chunked prefill off below 32K context, budget max(max_model_len, 2048); 256 seqs. */
function vllmV0(c: ProfileContext): EngineKnobs {
  void c;
  return {
    maxNumSeqs: 256,
    maxBatchedTokens: 2048,
    chunkedPrefill: false,
    mixedPrefillDecode: false,
    gpuMemoryUtilization: 0.9,
    memorySemantics: 'share-of-total',
    kvBlockSize: 16,
    cudaGraphs: true,
    cudaGraphMaxBatch: 256,
    overlapScheduling: false,
    prefixCaching: false,
    preemption: 'recompute',
  };
}

// ---------------------------------------------------------------------------------------------
// SGLang

/**
 * SGLang 0.5.x capacity tiers (per aiconfigurator, 0.5.16): chunked_prefill_size and
 * cuda_graph_max_bs by HBM. ENGINE-FACTS §2.2 [AIC-SGL].
 */
function sglangTier(c: ProfileContext): { chunk: number; graphBs: number } {
  const gib = c.memoryGB / GIB;
  const small = c.tp < 4;
  if (gib < 20) return { chunk: 2048, graphBs: 8 };
  if (gib < 35) return { chunk: 2048, graphBs: small ? 24 : 80 };
  if (gib < 60) return { chunk: 4096, graphBs: small ? 32 : 160 };
  if (gib < 160) return { chunk: 8192, graphBs: small ? 256 : 512 };
  return { chunk: 16384, graphBs: 512 };
}

/**
 * SGLang 0.5.x mem_fraction_static = (capacity − reserved) / capacity, reserved = 512 MB + 1.5 MB ×
 * chunk + TP·PP/8 GiB + 2 MB × graph_bs, floored at 10 GiB on GPUs above 60 GB (no DP attention, no
 * speculative drafts). ENGINE-FACTS §2.2 [AIC-SGL], [SGL-SA-05 (idx)].
 */
export function sglangMemFractionStatic(memoryGB: number, chunk: number, graphBs: number, tp: number, pp: number) {
  const mb = 1e-3; // GB per MB
  let reservedGB = 512 * mb + 1.5 * mb * chunk + ((tp * pp) / 8) * GIB + 2 * mb * graphBs;
  if (memoryGB > 60) reservedGB = Math.max(reservedGB, 10 * GIB);
  return Math.min(0.99, Math.max(0.05, (memoryGB - reservedGB) / memoryGB));
}

function sglang05(c: ProfileContext): EngineKnobs {
  const t = sglangTier(c);
  return {
    maxNumSeqs: 4096,
    maxBatchedTokens: t.chunk,
    chunkedPrefill: true,
    mixedPrefillDecode: false,
    gpuMemoryUtilization: sglangMemFractionStatic(c.memoryGB, t.chunk, t.graphBs, c.tp, c.pp),
    memorySemantics: 'weights-and-kv',
    kvBlockSize: 1,
    cudaGraphs: true,
    cudaGraphMaxBatch: t.graphBs,
    overlapScheduling: true,
    prefixCaching: true,
    preemption: 'retract',
  };
}

/** SGLang 0.4.x mem_fraction_static by TP: 0.88, 0.87, 0.85, 0.81, 0.79 (TP 1/2/4/8/16). ENGINE-FACTS §2.1 [SGL-SA-04 (idx)]. */
function sglang04MemFraction(tp: number): number {
  if (tp >= 16) return 0.79;
  if (tp >= 8) return 0.81;
  if (tp >= 4) return 0.85;
  if (tp >= 2) return 0.87;
  return 0.88;
}

function sglang04(c: ProfileContext): EngineKnobs {
  const small = c.memoryGB < 25;
  return {
    maxNumSeqs: 4096,
    maxBatchedTokens: small ? 2048 : 8192,
    chunkedPrefill: true,
    mixedPrefillDecode: false,
    gpuMemoryUtilization: sglang04MemFraction(c.tp),
    memorySemantics: 'weights-and-kv',
    kvBlockSize: 1,
    cudaGraphs: true,
    cudaGraphMaxBatch: small ? 8 : 160,
    overlapScheduling: true,
    prefixCaching: true,
    preemption: 'retract',
  };
}

const SGLANG_COMMON: Pick<
  Record<KnobName, string>,
  'maxNumSeqs' | 'chunkedPrefill' | 'mixedPrefillDecode' | 'memorySemantics' | 'prefixCaching' | 'preemption'
> = {
  maxNumSeqs:
    '§2.1 min(KV-pool tokens/2, req-pool size) [SGL-SCHED (idx)]; 4096 as in the 0.5.x startup log [SGL-TUNE] (the KV pool binds first)',
  chunkedPrefill: '§0 on, chunk = chunked_prefill_size [SGL-SA-05 (idx)]',
  mixedPrefillDecode: '§2.1/§2.2 prefill-first loop, enable_mixed_chunk False [SGL-DISC27762], [SGL-SA-05 (idx)]',
  memorySemantics: '§2.2 mem_fraction_static = (weights + KV pool) / GPU capacity [SGL-TUNE]',
  prefixCaching: '§0 radix cache on [SGL-DOC-04]',
  preemption: '§2.2 running requests are retracted when the KV pool fills [SGL-TUNE]',
};

// ---------------------------------------------------------------------------------------------
// TensorRT-LLM

function trtllm(overlap: boolean, tokensPerBlock: number) {
  return (c: ProfileContext): EngineKnobs => {
    void c;
    return {
      maxNumSeqs: 2048,
      maxBatchedTokens: 8192,
      chunkedPrefill: false,
      mixedPrefillDecode: true,
      gpuMemoryUtilization: 0.9,
      memorySemantics: 'share-of-free',
      kvBlockSize: tokensPerBlock,
      cudaGraphs: true,
      cudaGraphMaxBatch: 128,
      overlapScheduling: overlap,
      prefixCaching: true,
      preemption: 'reserve',
    };
  };
}

const TRT_COMMON: Omit<Record<KnobName, string>, 'overlapScheduling' | 'kvBlockSize'> = {
  maxNumSeqs: '§3.2 max_batch_size = BuildConfig default, believed 2048 (§9 Q2, not verified) [TRT-SERVE (idx)]',
  maxBatchedTokens: '§3.2 max_num_tokens 8192 [TRT-SERVE (idx)], [AIC-TRT]',
  chunkedPrefill: '§3.2 enable_chunked_prefill False [TRT-TORCHARGS]',
  mixedPrefillDecode: '§3.2 in-flight batching schedules context and generation together [TRT-TUNE]',
  gpuMemoryUtilization: '§3.2 KvCacheConfig.free_gpu_memory_fraction 0.9 [TRT-KVDOC]',
  memorySemantics: '§3.1/§3.2 fraction of FREE memory after weights and buffers [TRT-SERVE-018], [AIC-TRT]',
  cudaGraphs: '§3.2 CudaGraphConfig on in the PyTorch backend [TRT-ARGS]',
  cudaGraphMaxBatch: '§3.2 CudaGraphConfig max_batch_size 0 → 128, padding off [TRT-ARGS]',
  prefixCaching: '§3.2 KvCacheConfig.enable_block_reuse True [TRT-KVDOC]',
  preemption: '§3.2 capacity_scheduler_policy GUARANTEED_NO_EVICT: KV reserved to completion [TRT-ARGS (idx)]',
};

// ---------------------------------------------------------------------------------------------

export const ENGINE_PROFILES: readonly EngineProfile[] = [
  {
    engine: 'vllm',
    id: '0.6',
    prefillPriority: {
      value: true,
      source: 'V0 default scheduler is prefill-first (src/core/sim/engine.ts header; not in ENGINE-FACTS)',
    },
    label: 'vLLM 0.6 (V0)',
    covers: [
      [0, 6],
      [0, 7],
    ],
    defaults: vllmV0,
    sources: {
      maxNumSeqs: '§1.1 max_num_seqs 256 in V0 [VLLM-ARG-07]',
      maxBatchedTokens:
        '§1.1 not chunked: max(max_model_len, 2048) [VLLM-SCHED-V0 (idx)]; 2048 here (set it to the model length for V0 behaviour)',
      chunkedPrefill: '§1.1 chunked prefill auto-enabled only when max_model_len > 32K [VLLM-ARG-V0 (idx)]',
      mixedPrefillDecode: 'V0 default scheduler is prefill-first (src/core/sim/engine.ts header; not in ENGINE-FACTS)',
      gpuMemoryUtilization: '§1.1 gpu_memory_utilization 0.90 [VLLM-ARG-07]',
      memorySemantics: '§0 share of TOTAL HBM [AIC-VLLM]',
      kvBlockSize: '§0 16 tokens on CUDA (not re-verified, §9 Q4)',
      cudaGraphs: '§1.1 V0 CUDA graphs captured for batch 1, 2, 4, 8..256 [VLLM-MR-V0 (idx)]',
      cudaGraphMaxBatch: '§1.1 largest V0 capture size 256 [VLLM-MR-V0 (idx)]',
      overlapScheduling:
        '§1.3/§0 async scheduling only in later V1 releases (V0 overlaps output processing only) [VLLM-BLOG06]',
      prefixCaching: '§1.1 prefix caching off in V0 [VLLM-ARG-07]',
      preemption: '§1.1 RECOMPUTE for single-sequence groups (recollection, not re-verified) [VLLM-OPT]',
    },
  },
  {
    engine: 'vllm',
    id: '0.10',
    prefillPriority: {
      value: false,
      source: '§0 table: decodes batched first, prefills fill the remaining budget [VLLM-OPT]',
    },
    label: 'vLLM 0.10 (V1, sync scheduling)',
    covers: [
      [0, 10],
      [0, 11],
    ],
    defaults: vllmV1(0.9, false),
    sources: VLLM_V1_SOURCES(
      '§0 async scheduling off ≤0.11 [VLLM-SCHED]',
      '§1.1/§1.3 gpu_memory_utilization 0.90 [VLLM-ARG-07], [AIC-VLLM]',
    ),
  },
  {
    engine: 'vllm',
    id: '0.19',
    prefillPriority: {
      value: false,
      source: '§0 table: decodes batched first, prefills fill the remaining budget [VLLM-OPT]',
    },
    label: 'vLLM 0.19 (V1, async scheduling)',
    covers: [
      [0, 14],
      [0, 21],
    ],
    defaults: vllmV1(0.9, true),
    sources: VLLM_V1_SOURCES(
      '§1.3 async_scheduling None → True [VLLM-ASYNC (idx)], [AIC-FPM]',
      '§1.3 gpu_memory_utilization 0.9 at 0.14/0.19 [AIC-VLLM]',
    ),
  },
  {
    engine: 'vllm',
    id: '0.22',
    prefillPriority: {
      value: false,
      source: '§0 table: decodes batched first, prefills fill the remaining budget [VLLM-OPT]',
    },
    label: 'vLLM 0.22 (V1, async scheduling)',
    covers: [
      [0, 22],
      [0, 24],
    ],
    defaults: vllmV1(0.92, true),
    sources: VLLM_V1_SOURCES(
      '§1.3 async_scheduling None → True [VLLM-ASYNC (idx)], [AIC-FPM]',
      '§1.3 gpu_memory_utilization 0.92 at 0.22 and 0.24 [AIC-VLLM]',
    ),
  },
  {
    engine: 'sglang',
    id: '0.4',
    prefillPriority: {
      value: true,
      source:
        '§2 default loop is prefill-first: a new prefill batch whenever requests can be admitted, otherwise decode [SGL-DISC27762], [SGL-DOC-04]',
    },
    label: 'SGLang 0.4',
    covers: [
      [0, 4],
      [0, 4],
    ],
    defaults: sglang04,
    sources: {
      ...SGLANG_COMMON,
      maxBatchedTokens: '§2.1 chunked_prefill_size 8192 (2048 if HBM < 25 GB) [SGL-SA-04 (idx)]',
      gpuMemoryUtilization: '§2.1 mem_fraction_static 0.88/0.87/0.85/0.81/0.79 by TP 1/2/4/8/16 [SGL-SA-04 (idx)]',
      kvBlockSize: '§2.2 page_size 1 (0.5.x default, assumed for 0.4) [SGL-SA-05 (idx)]',
      cudaGraphs: '§0 CUDA graphs on up to cuda_graph_max_bs [SGL-SA-04 (idx)]',
      cudaGraphMaxBatch: '§2.1 cuda_graph_max_bs 160 (8 if < 25 GB) [SGL-SA-04 (idx)]',
      overlapScheduling: '§2.1 overlap scheduler on unless --disable-overlap-schedule [SGL-DOC-04]',
    },
  },
  {
    engine: 'sglang',
    id: '0.5.9',
    prefillPriority: {
      value: true,
      source:
        '§2 default loop is prefill-first: a new prefill batch whenever requests can be admitted, otherwise decode [SGL-DISC27762], [SGL-DOC-04]',
    },
    label: 'SGLang 0.5.9',
    covers: [
      [0, 5],
      [0, 5],
    ],
    defaults: sglang05,
    sources: {
      ...SGLANG_COMMON,
      maxBatchedTokens: '§2.2 chunked_prefill_size tiered by HBM: 8192 on 60–160 GiB, 16384 on ≥160 GiB [AIC-SGL]',
      gpuMemoryUtilization:
        '§2.2 mem_fraction_static = (capacity − reserved)/capacity, reserved = 512 MB + 1.5 MB·chunk + TP·PP/8 GiB + 2 MB·graph_bs, ≥10 GiB [AIC-SGL]',
      kvBlockSize: '§2.2 page_size 1 [SGL-SA-05 (idx)]',
      cudaGraphs: '§0 CUDA graphs on up to cuda_graph_max_bs [SGL-SA-05 (idx)]',
      cudaGraphMaxBatch:
        '§2.2 cuda_graph_max_bs tiered by HBM: 256 (TP<4) / 512 on 60–160 GiB, 512 on ≥160 GiB [AIC-SGL]',
      overlapScheduling: '§0 overlap scheduler on since 0.4 [SGL-DOC-04], [SGL-BLOG04]',
    },
  },
  {
    engine: 'trtllm',
    id: '0.19',
    prefillPriority: {
      value: false,
      source: '§0 table: in-flight batching schedules context and generation requests together [TRT-TUNE]',
    },
    label: 'TensorRT-LLM 0.19',
    covers: [
      [0, 17],
      [0, 19],
    ],
    defaults: trtllm(false, 64),
    sources: {
      ...TRT_COMMON,
      kvBlockSize: '§3.1 legacy TRT plugin config tokens_per_block 64 [TRT-PLUGIN (idx)]',
      overlapScheduling: '§3.1 early PyTorch executor enable_overlap_scheduler=False [TRT-PYCFG (idx)]',
    },
  },
  {
    engine: 'trtllm',
    id: '1.3',
    prefillPriority: {
      value: false,
      source: '§0 table: in-flight batching schedules context and generation requests together [TRT-TUNE]',
    },
    label: 'TensorRT-LLM 1.3',
    covers: [
      [1, 0],
      [1, 3],
    ],
    defaults: trtllm(true, 32),
    sources: {
      ...TRT_COMMON,
      kvBlockSize: '§3.2 KvCacheConfig tokens_per_block 32 [TRT-ARGS (idx)]',
      overlapScheduling:
        '§3.2 overlap scheduler on by default (disable_overlap_scheduler=True turns it off) [TRT-OVERLAP]',
    },
  },
];

export function profilesOf(engine: EngineName): EngineProfile[] {
  return ENGINE_PROFILES.filter((p) => p.engine === engine);
}

/**
 * The profile an engine runs on when the scenario names no version: its newest release line with
 * measured kernels in data/reference/kernels (vLLM 0.19, SGLang 0.5.9, TRT-LLM 1.3). vLLM 0.22 (0.92
 * memory default) is newer but only selectable by version, so scenarios without an engine keep
 * today's 0.9.
 */
const DEFAULT_PROFILE: Record<EngineName, string> = { vllm: '0.19', sglang: '0.5.9', trtllm: '1.3' };

export function newestProfile(engine: EngineName): EngineProfile {
  const ps = profilesOf(engine);
  return ps.find((p) => p.id === DEFAULT_PROFILE[engine]) ?? ps[ps.length - 1]!;
}

export const ENGINE_LABELS: Record<EngineName, string> = {
  vllm: 'vLLM',
  sglang: 'SGLang',
  trtllm: 'TensorRT-LLM',
};
