/**
 * The launch flags (and TensorRT-LLM extra-options YAML keys) each engine release line accepts, per engine
 * profile (core/engine/profiles.ts). The command builders (commands.ts) ask `accepts` before emitting a flag
 * that not every release line has, so a command never carries a flag its engine version would refuse.
 *
 * Sources: ENGINE-FACTS.md §0–§3 and the files they cite — vLLM EngineArgs [VLLM-ARG-07] (0.6/0.7),
 * [VLLM-ARG-V1], [VLLM-SCHED] (V1, 0.10+), SGLang server_args [SGL-SA-04] / [SGL-DOC-04] (0.4.x) and
 * [SGL-SA-05] (0.5.x), trtllm-serve [TRT-SERVE-018] / [TRT-SERVE] and llm_args [TRT-ARGS], [TRT-KVDOC],
 * [TRT-TORCHARGS] (1.x) and the 0.19 PyTorch executor config [TRT-PYCFG]. Where ENGINE-FACTS does not name
 * a flag, the line says "(not in ENGINE-FACTS)": those are read from the same upstream files, unpinned.
 */
import type { EngineName } from '../scenario/schema.ts';
import { newestProfile } from '../engine/profiles.ts';
import type { ResolvedRuntime } from '../engine/resolve.ts';

const VLLM_COMMON = [
  '--tensor-parallel-size',
  '--pipeline-parallel-size',
  '--distributed-executor-backend',
  '--kv-cache-dtype',
  '--quantization',
  '--dtype',
  '--max-model-len',
  '--max-num-seqs',
  '--max-num-batched-tokens',
  '--enable-chunked-prefill',
  '--enable-prefix-caching',
  '--block-size',
  '--gpu-memory-utilization',
  '--enforce-eager',
];

/**
 * V1 EngineArgs (0.10+) are generated from config dataclasses: every boolean gets a `--no-` twin; data
 * parallel, expert parallel, `--speculative-config` JSON and the KV connector are V1-era flags; async
 * scheduling is a SchedulerConfig field from the 0.10 line on [VLLM-SCHED], [VLLM-ASYNC].
 * (The `--no-` twins, DP/EP, speculative and connector flags: not in ENGINE-FACTS.)
 */
const VLLM_V1 = [
  ...VLLM_COMMON,
  '--data-parallel-size',
  '--enable-expert-parallel',
  '--no-enable-chunked-prefill',
  '--no-enable-prefix-caching',
  '--async-scheduling',
  '--no-async-scheduling',
  '--speculative-config',
  '--kv-transfer-config',
];

/** 0.5.x server_args [SGL-SA-05]; EP as `--ep-size`, PP as `--pp-size`, P/D by `--disaggregation-*` (not in ENGINE-FACTS). */
const SGLANG_05 = [
  '--model-path',
  '--tp',
  '--dp',
  '--enable-dp-attention',
  '--ep-size',
  '--pp-size',
  '--nnodes',
  '--node-rank',
  '--dist-init-addr',
  '--kv-cache-dtype',
  '--quantization',
  '--dtype',
  '--context-length',
  '--max-running-requests',
  '--chunked-prefill-size',
  '--max-prefill-tokens',
  '--disable-radix-cache',
  '--page-size',
  '--mem-fraction-static',
  '--disable-cuda-graph',
  '--cuda-graph-max-bs',
  '--enable-mixed-chunk',
  '--disable-overlap-schedule',
  '--speculative-algorithm',
  '--speculative-draft-model-path',
  '--speculative-num-steps',
  '--speculative-eagle-topk',
  '--speculative-num-draft-tokens',
  '--disaggregation-mode',
  '--disaggregation-transfer-backend',
];

/**
 * 0.4.x [SGL-SA-04], [SGL-DOC-04]: no `--page-size` (page_size 1 fixed, §2.2 lists it from 0.5.x), no pipeline
 * parallelism, no P/D disaggregation; MoE expert parallelism is `--enable-ep-moe` with ep = tp (not in
 * ENGINE-FACTS). NGRAM drafting is a 0.5.x algorithm.
 */
const SGLANG_04 = [
  ...SGLANG_05.filter(
    (f) => !['--page-size', '--pp-size', '--disaggregation-mode', '--disaggregation-transfer-backend'].includes(f),
  ),
  '--enable-ep-moe',
];

/** trtllm-serve options (0.18.2 docs [TRT-SERVE-018]; 1.x [TRT-SERVE]). */
const TRT_CLI = [
  '--backend',
  '--tp_size',
  '--pp_size',
  '--ep_size',
  '--max_batch_size',
  '--max_num_tokens',
  '--max_seq_len',
  '--kv_cache_free_gpu_memory_fraction',
  '--extra_llm_api_options',
];

/**
 * The extra-options YAML keys, as dotted paths, that both release lines share, with each line's own
 * KV-cache keys, executor (CUDA graph / overlap scheduler) keys and EAGLE weights key in their places.
 */
function trtYaml(own: { kvCache: string[]; executor: string[]; eagleWeights: string }): string[] {
  return [
    'enable_attention_dp',
    'enable_chunked_prefill',
    'kv_cache_config',
    ...own.kvCache,
    ...own.executor,
    'scheduler_config',
    'scheduler_config.capacity_scheduler_policy',
    'speculative_config',
    'speculative_config.decoding_type',
    'speculative_config.num_nextn_predict_layers',
    'speculative_config.max_draft_len',
    own.eagleWeights,
  ];
}

/** 1.x TorchLlmArgs keys of the extra-options YAML [TRT-ARGS], [TRT-KVDOC], [TRT-TORCHARGS], [TRT-OVERLAP]. */
const TRT_YAML_1 = trtYaml({
  kvCache: [
    'kv_cache_config.dtype',
    'kv_cache_config.enable_block_reuse',
    'kv_cache_config.tokens_per_block',
    'kv_cache_config.free_gpu_memory_fraction',
  ],
  executor: ['cuda_graph_config', 'cuda_graph_config.max_batch_size', 'disable_overlap_scheduler'],
  eagleWeights: 'speculative_config.speculative_model_dir',
});

/**
 * 0.19: CUDA graphs, overlap scheduler and the KV dtype live in `pytorch_backend_config` (the PyTorch executor
 * config [TRT-PYCFG]: enable_overlap_scheduler, use_cuda_graph, cuda_graph_max_batch_size, kv_cache_dtype);
 * `cuda_graph_config` / `disable_overlap_scheduler` are the 1.x names. tokens_per_block is a build (plugin)
 * setting, 64 [TRT-PLUGIN], not a KvCacheConfig key. EAGLE weights: `pytorch_eagle_weights_path`; no NGram
 * drafter. (Key names other than enable_overlap_scheduler: not in ENGINE-FACTS.)
 */
const TRT_YAML_019 = trtYaml({
  kvCache: ['kv_cache_config.enable_block_reuse', 'kv_cache_config.free_gpu_memory_fraction'],
  executor: [
    'pytorch_backend_config',
    'pytorch_backend_config.use_cuda_graph',
    'pytorch_backend_config.cuda_graph_max_batch_size',
    'pytorch_backend_config.enable_overlap_scheduler',
    'pytorch_backend_config.kv_cache_dtype',
  ],
  eagleWeights: 'speculative_config.pytorch_eagle_weights_path',
});

export interface FlagSet {
  /** Command-line flags (with their leading dashes). */
  cli: readonly string[];
  /** Extra-options YAML keys as dotted paths (TensorRT-LLM only). */
  yaml: readonly string[];
}

/** Per engine, per profile id: what that release line accepts. */
export const ENGINE_FLAGS: Record<EngineName, Record<string, FlagSet>> = {
  vllm: {
    '0.6': { cli: VLLM_COMMON, yaml: [] },
    '0.10': { cli: VLLM_V1, yaml: [] },
    '0.19': { cli: VLLM_V1, yaml: [] },
    '0.22': { cli: VLLM_V1, yaml: [] },
  },
  sglang: {
    '0.4': { cli: SGLANG_04, yaml: [] },
    '0.5.9': { cli: SGLANG_05, yaml: [] },
  },
  trtllm: {
    '0.19': { cli: TRT_CLI, yaml: TRT_YAML_019 },
    '1.3': { cli: TRT_CLI, yaml: TRT_YAML_1 },
  },
};

/**
 * The release line a command for `engine` targets: the scenario's own profile when it runs on that engine,
 * else that engine's newest profile (the plan names no version of it).
 */
export function targetProfileId(engine: EngineName, rt: ResolvedRuntime): string {
  return rt.engine.name === engine ? rt.engine.profileId : newestProfile(engine).id;
}

/** Does this release line accept the flag (or YAML key path)? */
export function accepts(engine: EngineName, profileId: string, flagOrKey: string): boolean {
  const set = ENGINE_FLAGS[engine][profileId];
  if (!set) return false;
  return flagOrKey.startsWith('--') ? set.cli.includes(flagOrKey) : set.yaml.includes(flagOrKey);
}
