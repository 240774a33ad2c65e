/**
 * Engine launch commands for a plan (pure). One Scenario → the command a person pastes to serve that
 * plan with vLLM, SGLang or TensorRT-LLM (`trtllm-serve`, PyTorch backend).
 *
 * Mapping of ParaKV's parallel vocabulary (see core/cost/deployment.ts) onto each engine:
 *  - one ParaKV *instance* (tp · attentionDp · pp GPUs) is one engine server;
 *  - `dp` whole replicas: vLLM/SGLang launch them from one command (built-in data-parallel load
 *    balancing) when all replicas fit on one node and no attention-DP/EP is involved; otherwise the
 *    command is for one instance and a comment says to start `dp` of them behind a load balancer;
 *  - attention-DP: vLLM `--data-parallel-size` + `--enable-expert-parallel` (EP spans TP×DP);
 *    SGLang `--tp <tp·adp> --dp <adp> --enable-dp-attention --ep-size <ep>`; TensorRT-LLM
 *    `enable_attention_dp` with `--tp_size <tp·adp>`;
 *  - where an engine cannot express a knob (e.g. an int4 KV cache) the command keeps the engine's
 *    default and a `#` comment line says so. Comments come first so the command stays copy-pasteable.
 *  - runtime knobs come from the resolved runtime (core/engine resolveRuntime): the scenario's own
 *    values, else its engine profile's defaults — every knob the plan was costed with is set
 *    explicitly. Flag names: ENGINE-FACTS.md §0–§3 (vLLM EngineArgs [VLLM-ARG-V1], SGLang
 *    server_args [SGL-SA-05], TRT-LLM trtllm-serve / llm_args [TRT-SERVE], [TRT-ARGS], [TRT-KVDOC]).
 *  - flags differ by release line (vLLM 0.6 vs V1, SGLang 0.4 vs 0.5, TRT-LLM 0.19 vs 1.x): a command targets
 *    the scenario's own profile when it runs on that engine, else the engine's newest, and emits only what that
 *    line accepts (engine-flags.ts); a knob it cannot set becomes a `#` comment.
 *  - the memory fraction is translated between engines' meanings (share of total HBM, weights + KV
 *    pool, share of free memory after weights) with the evaluation's memory figures when given.
 */
import { resolveModel } from '../cost/deployment.ts';
import { getModel } from '../model/catalog.ts';
import { checkpointPrecisionOf } from '../model/precision.ts';
import type { Scenario } from '../scenario/schema.ts';
import { ENGINE_LABELS, type MemorySemantics } from '../engine/profiles.ts';
import { resolveRuntime, type ResolvedRuntime } from '../engine/resolve.ts';
import { accepts, targetProfileId } from './engine-flags.ts';
import { acceptanceOf } from '../spec/defaults.ts';
import {
  sglangSpeculativeArgs,
  speculativeNotes,
  trtllmSpeculativeYaml,
  vllmSpeculativeArgs,
} from './speculative-flags.ts';
import { traceOf } from '../evaluate/workload-view.ts';
import { longestLength } from '../workload/clamp.ts';
import { parseTraceOnce, type TraceFormat } from '../workload/traces.ts';

export type Engine = 'vllm' | 'sglang' | 'trtllm';

export const ENGINES: readonly { id: Engine; label: string }[] = [
  { id: 'vllm', label: 'vLLM' },
  { id: 'sglang', label: 'SGLang' },
  { id: 'trtllm', label: 'TensorRT-LLM' },
];

export interface EngineCommand {
  engine: Engine;
  /** Shell text: comment lines, then the command (multi-line with `\` continuations). */
  text: string;
  /** The argv of the launch command itself (no comments), for tests and copying. */
  argv: string[];
  notes: string[];
  /** For a disaggregated plan: the argv of each pool's server (`argv` is then the decode pool's). */
  pools?: { prefill: string[]; decode: string[] };
}

/** Optional memory figures (from the evaluation) used to translate the KV budget for TensorRT-LLM. */
export interface MemoryHint {
  weightsGB: number;
  activationsGB: number;
  reservedGB: number;
  kvCacheGB: number;
  capacityGB: number;
  /** Recurrent state the engine carves out of the same pool (Mamba / Gated DeltaNet layers), GB. */
  stateGB?: number;
}

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** POSIX shell quoting: bare when safe, else single quotes with embedded quotes escaped. */
export function shellQuote(s: string): string {
  if (s.length > 0 && SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The model argument: the catalog's Hugging Face id, or a placeholder path for a pasted config. */
export function modelArg(scenario: Scenario): string {
  if (typeof scenario.model === 'string') return getModel(scenario.model)?.hfId ?? scenario.model;
  const slug = scenario.model.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `/path/to/${slug}`;
}

/** The longest request of a trace: max over its rows of prompt + output tokens (null if it does not parse). */
export function traceLongestTokens(w: Scenario['workload']): number | null {
  const t = traceOf(w);
  if (!t) return null;
  const parsed = parseTraceOnce(t.format as TraceFormat, t.data);
  if (!parsed.ok || parsed.requests.length === 0) return null;
  return parsed.requests.reduce((m, r) => Math.max(m, r.inputTokens + r.outputTokens), 0);
}

/** The longest request the workload sends: the trace's maximum, or longestLength (p99.9 of a tail) of each part. */
export function longestRequestTokens(s: Scenario): number | null {
  const w = s.workload;
  if (w.trace) return traceLongestTokens(w);
  const inp = w.input ? longestLength(w.input) : w.inputTokens;
  const out = w.output ? longestLength(w.output) : w.outputTokens;
  return inp + out;
}

/** `tokens` rounded up to whole KV blocks (engines allocate the KV cache in blocks / pages). */
export function roundUpToBlock(tokens: number, blockTokens: number): number {
  const b = Math.max(1, Math.floor(blockTokens));
  return Math.ceil(tokens / b) * b;
}

/**
 * The context length to configure (vLLM --max-model-len, SGLang --context-length, TensorRT-LLM
 * --max_seq_len): the longest request the workload sends — a trace's longest row, else prompt +
 * output where a distribution's tail counts at its 99.9th percentile (workload/clamp.ts
 * longestLength; its bounded maximum when it has one) — rounded up to whole KV blocks, and capped by
 * the model's context window. Never the mean: a limit at the mean would refuse half the requests.
 */
export function maxModelLen(s: Scenario): number {
  const w = s.workload;
  let window = Infinity;
  try {
    window = resolveModel(s.model).maxContextTokens;
  } catch {
    // unresolvable model: fall back to the workload's own bound
  }
  const longest = longestRequestTokens(s);
  if (longest === null) return Number.isFinite(window) ? window : w.inputTokens + w.outputTokens;
  return Math.min(roundUpToBlock(longest, resolveRuntime(s).kvBlockSize), window);
}

interface Layout {
  tp: number;
  pp: number;
  dp: number;
  ep: number;
  adp: number;
  instanceGpus: number;
  /** All dp replicas launched by one command. */
  replicasInOneCommand: boolean;
  nodesPerInstance: number;
}

/** `dpFlag`: the engine version can launch data-parallel replicas from one command. */
function layout(s: Scenario, dpFlag = true): Layout {
  const { tp, pp, dp, ep, attentionDp: adp } = s.plan;
  const instanceGpus = tp * pp * adp;
  const replicasInOneCommand = dpFlag && dp > 1 && adp === 1 && ep === 1 && instanceGpus * dp <= s.cluster.gpusPerNode;
  return {
    tp,
    pp,
    dp,
    ep,
    adp,
    instanceGpus,
    replicasInOneCommand,
    nodesPerInstance: Math.ceil(instanceGpus / s.cluster.gpusPerNode),
  };
}

/** The model's architecture name for engine flags that depend on it ('' when the model does not resolve). */
function architectureOf(s: Scenario): string {
  try {
    return resolveModel(s.model).architecture;
  } catch {
    return '';
  }
}

/** Speculative-decoding comments for a scenario (none when it is off). */
function specNotes(s: Scenario): string[] {
  const k = s.runtime.speculative;
  return k ? speculativeNotes(k, acceptanceOf(k)) : [];
}

function render(comments: string[], argv: string[], prelude: string[] = []): string {
  const lines = comments.map((c) => `# ${c}`);
  lines.push(...prelude);
  const parts: string[] = [];
  let i = 0;
  // The executable (and sub-command / model) on the first line, then one flag (with its value) per line.
  const head: string[] = [];
  while (i < argv.length && !argv[i]!.startsWith('--')) head.push(argv[i++]!);
  parts.push(head.map(shellQuote).join(' '));
  while (i < argv.length) {
    const flag = argv[i++]!;
    const vals: string[] = [];
    while (i < argv.length && !argv[i]!.startsWith('--')) vals.push(argv[i++]!);
    parts.push([flag, ...vals].map(shellQuote).join(' '));
  }
  lines.push(parts.join(' \\\n  '));
  return lines.join('\n');
}

function replicaComments(L: Layout, s: Scenario, engine: string): string[] {
  const c: string[] = [];
  if (L.dp > 1 && !L.replicasInOneCommand) {
    c.push(
      `Plan has dp=${L.dp} replicas of ${L.instanceGpus} GPU${L.instanceGpus === 1 ? '' : 's'}: run this command on ${L.dp} separate GPU sets and put a load balancer in front.`,
    );
  }
  if (L.nodesPerInstance > 1) {
    c.push(
      `One ${engine} instance spans ${L.nodesPerInstance} nodes of ${s.cluster.gpusPerNode} GPUs: start it on every node as the multi-node section of the ${engine} docs describes.`,
    );
  }
  return c;
}

const fmtFraction = (x: number) => String(Math.round(x * 100) / 100);

/**
 * The weight-quantization flag the command needs ('fp8': quantize a bf16 checkpoint to FP8 online), or
 * null. A quantized checkpoint (config.json `quantization_config`, core/model/precision.ts) carries its
 * format and every engine reads it from there: no flag, and a note when the plan assumes another precision.
 */
function weightQuantNote(s: Scenario, c: string[]): string | null {
  const w = s.precision.weights;
  const ckpt = checkpointPrecisionOf(s.model);
  if (ckpt && ckpt.weights !== 'bf16' && ckpt.weights !== 'fp16') {
    if (ckpt.weights !== w) {
      c.push(
        `The checkpoint ships ${ckpt.weights} weights but this plan assumes ${w}: serve a ${w} export of the model, or plan it in ${ckpt.weights}.`,
      );
    }
    return null;
  }
  if (w === 'bf16' || w === 'fp16') return null;
  if (w === 'fp8') return 'fp8';
  c.push(
    `Weights are ${w} in this plan: serve a checkpoint already quantized to ${w} (e.g. an AWQ/GPTQ/NVFP4 export); the engine reads the format from it.`,
  );
  return null;
}

/**
 * The largest decode batch vLLM replays from a CUDA graph on its own: V0 captures up to 256
 * [VLLM-MR-V0]; V1 up to min(2·max_num_seqs·(1 + spec tokens), 512), capped by the token budget
 * [VLLM-COMP]. Either way a batch never exceeds max_num_seqs.
 */
function vllmGraphBatch(rt: ResolvedRuntime, v0: boolean, specTokens: number): number {
  const capture = v0 ? 256 : Math.min(2 * rt.maxNumSeqs * (1 + specTokens), 512, rt.maxBatchedTokens);
  return Math.min(capture, rt.maxNumSeqs);
}

export function vllmCommand(s: Scenario, mem?: MemoryHint): EngineCommand {
  const rt = resolveRuntime(s);
  const pid = targetProfileId('vllm', rt);
  const has = (flag: string) => accepts('vllm', pid, flag);
  const v1 = has('--data-parallel-size');
  const L = layout(s, v1);
  const c: string[] = [];
  const notes: string[] = [];
  const argv = ['vllm', 'serve', modelArg(s)];
  argv.push('--tensor-parallel-size', String(L.tp));
  argv.push('--pipeline-parallel-size', String(L.pp));
  if (v1) argv.push('--data-parallel-size', String(L.replicasInOneCommand ? L.dp : L.adp));
  else if (L.adp > 1)
    notes.push(`vLLM ${pid} has no data-parallel attention: the attention-DP ranks run as tensor parallelism.`);
  if (L.ep > 1) {
    if (v1) {
      argv.push('--enable-expert-parallel');
      if (L.ep !== L.tp * L.adp)
        notes.push(`vLLM sets the expert-parallel size to tp × dp = ${L.tp * L.adp}; this plan asks for ep=${L.ep}.`);
    } else notes.push(`vLLM ${pid} has no expert parallelism: experts are sharded across the TP ranks.`);
  }
  if (L.nodesPerInstance > 1) argv.push('--distributed-executor-backend', 'ray');
  const kv = s.precision.kvCache;
  if (kv === 'fp8') argv.push('--kv-cache-dtype', 'fp8');
  else {
    argv.push('--kv-cache-dtype', 'auto');
    if (kv !== 'bf16' && kv !== 'fp16')
      notes.push(`vLLM has no ${kv} KV cache: it keeps the model dtype (auto). Choose fp8 for a compressed cache.`);
  }
  const q = weightQuantNote(s, c);
  if (q === 'fp8') argv.push('--quantization', 'fp8');
  argv.push('--dtype', s.precision.activations === 'fp16' ? 'float16' : 'bfloat16');
  const modelLen = maxModelLen(s);
  argv.push('--max-model-len', String(modelLen));
  argv.push('--max-num-seqs', String(rt.maxNumSeqs));
  argv.push('--max-num-batched-tokens', String(rt.maxBatchedTokens));
  // vLLM's SchedulerConfig refuses to start on these (its defaults cap max_num_seqs at the budget, §1.2).
  if (rt.maxBatchedTokens < rt.maxNumSeqs)
    notes.push(
      `vLLM refuses --max-num-batched-tokens ${rt.maxBatchedTokens} below --max-num-seqs ${rt.maxNumSeqs}: raise the token budget or lower the sequence cap.`,
    );
  if (!rt.chunkedPrefill && rt.maxBatchedTokens < modelLen)
    notes.push(
      `Without chunked prefill vLLM refuses a token budget (${rt.maxBatchedTokens}) below --max-model-len ${modelLen}: a prompt must fit one step.`,
    );
  // V1: boolean flags with --no- twins. V0 (0.6): --enable-chunked-prefill takes True/False (it auto-enables
  // above 32K context, ENGINE-FACTS §1.1), --enable-prefix-caching is a plain switch, off by default.
  if (v1) {
    argv.push(rt.chunkedPrefill ? '--enable-chunked-prefill' : '--no-enable-chunked-prefill');
    argv.push(rt.prefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching');
  } else {
    argv.push('--enable-chunked-prefill', rt.chunkedPrefill ? 'True' : 'False');
    if (rt.prefixCaching) argv.push('--enable-prefix-caching');
  }
  argv.push('--block-size', String(rt.kvBlockSize));
  argv.push('--gpu-memory-utilization', fmtFraction(memoryFractionFor('share-of-total', s, mem, notes)));
  if (!rt.cudaGraphs) argv.push('--enforce-eager');
  // Async scheduling (ENGINE-FACTS §0, §1.3 [VLLM-SCHED], [VLLM-ASYNC]): off through 0.11, on by default later.
  const asyncDefault = pid !== '0.6' && pid !== '0.10';
  if (!has('--async-scheduling')) {
    if (rt.overlapScheduling)
      notes.push(`vLLM ${pid} has no async scheduling (V0 overlaps output processing only); this plan assumes it.`);
  } else if (rt.overlapScheduling) argv.push('--async-scheduling');
  else if (asyncDefault) argv.push('--no-async-scheduling');
  if (!rt.mixedPrefillDecode && v1)
    notes.push(
      'vLLM V1 always batches decodes with prefill chunks (decode-first); prefill-only steps are not selectable.',
    );
  if (!v1 && rt.mixedPrefillDecode !== rt.chunkedPrefill)
    notes.push(
      `vLLM ${pid} mixes prefill chunks with decodes exactly when chunked prefill is on; this plan assumes ${rt.mixedPrefillDecode ? 'mixed' : 'separate'} steps.`,
    );
  if (rt.preemption !== 'recompute')
    notes.push(`vLLM preempts by recompute; this plan was costed with ${rt.preemption}.`);
  const specTokens = s.runtime.speculative?.draftTokens ?? 0;
  if (rt.cudaGraphs && Math.min(rt.cudaGraphMaxBatch, rt.maxNumSeqs) !== vllmGraphBatch(rt, !v1, specTokens))
    notes.push(
      `The plan assumes CUDA graphs up to batch ${rt.cudaGraphMaxBatch}; vLLM captures up to ${vllmGraphBatch(rt, !v1, specTokens)}: set the capture sizes in --compilation-config to match.`,
    );
  if (s.runtime.speculative) {
    if (has('--speculative-config')) argv.push(...vllmSpeculativeArgs(s.runtime.speculative, architectureOf(s)));
    else notes.push(`vLLM ${pid} predates --speculative-config: configure the draft with that release's flags.`);
  }
  const comments = [...replicaComments(L, s, 'vLLM'), ...c, ...notes, ...specNotes(s)];
  return { engine: 'vllm', text: render(comments, argv), argv, notes: comments };
}

export function sglangCommand(s: Scenario, mem?: MemoryHint): EngineCommand {
  const L = layout(s);
  const rt = resolveRuntime(s);
  const pid = targetProfileId('sglang', rt);
  const has = (flag: string) => accepts('sglang', pid, flag);
  const c: string[] = [];
  const notes: string[] = [];
  const argv = ['python', '-m', 'sglang.launch_server', '--model-path', modelArg(s)];
  argv.push('--tp', String(L.tp * L.adp));
  if (L.adp > 1) argv.push('--dp', String(L.adp), '--enable-dp-attention');
  else if (L.replicasInOneCommand) argv.push('--dp', String(L.dp));
  if (L.ep > 1) {
    // 0.4.x: --enable-ep-moe, which sets ep = tp; 0.5.x: --ep-size alone.
    if (has('--enable-ep-moe')) {
      argv.push('--enable-ep-moe');
      if (L.ep !== L.tp * L.adp)
        notes.push(
          `SGLang ${pid} sets the expert-parallel size to tp = ${L.tp * L.adp}; this plan asks for ep=${L.ep}.`,
        );
    }
    argv.push('--ep-size', String(L.ep));
  }
  if (L.pp > 1) {
    if (has('--pp-size')) argv.push('--pp-size', String(L.pp));
    else notes.push(`SGLang ${pid} has no pipeline parallelism; this plan uses pp=${L.pp}: serve it with SGLang 0.5.`);
  }
  if (L.nodesPerInstance > 1)
    argv.push('--nnodes', String(L.nodesPerInstance), '--node-rank', '0', '--dist-init-addr', 'HEAD_NODE_IP:5000');
  const kv = s.precision.kvCache;
  if (kv === 'fp8') argv.push('--kv-cache-dtype', 'fp8_e4m3');
  else {
    argv.push('--kv-cache-dtype', 'auto');
    if (kv !== 'bf16' && kv !== 'fp16') notes.push(`SGLang has no ${kv} KV cache: it keeps the model dtype (auto).`);
  }
  if (weightQuantNote(s, c) === 'fp8') argv.push('--quantization', 'fp8');
  argv.push('--dtype', s.precision.activations === 'fp16' ? 'float16' : 'bfloat16');
  argv.push('--context-length', String(maxModelLen(s)));
  argv.push('--max-running-requests', String(rt.maxNumSeqs));
  argv.push('--chunked-prefill-size', rt.chunkedPrefill ? String(rt.maxBatchedTokens) : '-1');
  if (!rt.chunkedPrefill) argv.push('--max-prefill-tokens', String(rt.maxBatchedTokens));
  if (!rt.prefixCaching) argv.push('--disable-radix-cache');
  if (has('--page-size')) argv.push('--page-size', String(rt.kvBlockSize));
  else if (rt.kvBlockSize !== 1)
    notes.push(
      `SGLang ${pid} pages the KV cache one token at a time; this plan assumes ${rt.kvBlockSize}-token pages.`,
    );
  argv.push('--mem-fraction-static', fmtFraction(memoryFractionFor('weights-and-kv', s, mem, notes)));
  if (!rt.cudaGraphs) argv.push('--disable-cuda-graph');
  else argv.push('--cuda-graph-max-bs', String(rt.cudaGraphMaxBatch));
  if (rt.mixedPrefillDecode) argv.push('--enable-mixed-chunk');
  if (!rt.overlapScheduling) argv.push('--disable-overlap-schedule');
  if (rt.preemption === 'swap' || rt.preemption === 'reserve')
    notes.push(`SGLang retracts running requests when the KV pool fills; this plan was costed with ${rt.preemption}.`);
  if (L.nodesPerInstance > 1) notes.push('On node i, repeat the command with --node-rank i.');
  const spec = s.runtime.speculative;
  if (spec) {
    // NGRAM drafting arrived in 0.5.x (ENGINE-FACTS §2.1 lists EAGLE for 0.4.3 [SGL-DOC-04]).
    if (spec.method === 'ngram' && pid === '0.4')
      notes.push(`SGLang ${pid} has no NGRAM drafter: serve this plan with SGLang 0.5.`);
    else argv.push(...sglangSpeculativeArgs(spec));
  }
  const comments = [...replicaComments(L, s, 'SGLang'), ...c, ...notes, ...specNotes(s)];
  return { engine: 'sglang', text: render(comments, argv), argv, notes: comments };
}

/**
 * TensorRT-LLM budgets the KV cache as a fraction of the memory left after weights
 * (`free_gpu_memory_fraction`), vLLM as a fraction of the whole GPU. With the evaluation's memory
 * figures we translate one into the other; without them we pass the vLLM value through.
 */
export function trtKvFraction(s: Scenario, mem?: MemoryHint): number {
  return memoryFractionFor('share-of-free', s, mem);
}

/**
 * The memory fraction an engine whose knob means `target` needs for the KV pool the plan was costed
 * with (ENGINE-FACTS §0 memory-knob semantics):
 *   share-of-total (vLLM):  (weights + activations + reserve + KV) / capacity;
 *   weights-and-kv (SGLang): (weights + KV) / capacity;
 *   share-of-free (TRT-LLM): KV / (capacity − weights − activations − reserve).
 * Same meaning as the scenario's engine: its own fraction. Otherwise the evaluation's memory
 * figures translate it; without them the fraction passes through and a note says so.
 */
export function memoryFractionFor(target: MemorySemantics, s: Scenario, mem?: MemoryHint, notes?: string[]): number {
  const rt = resolveRuntime(s);
  if (rt.memorySemantics === target) return rt.gpuMemoryUtilization;
  const clamp = (x: number) => Math.min(0.99, Math.max(0.05, x));
  if (mem && mem.capacityGB > 0) {
    const overhead = mem.weightsGB + mem.activationsGB + mem.reservedGB;
    // The engine's pool holds the KV cache and any recurrent state (core/cost/memory.ts carves both from it).
    const pool = mem.kvCacheGB + (mem.stateGB ?? 0);
    if (target === 'share-of-total') return clamp((overhead + pool) / mem.capacityGB);
    if (target === 'weights-and-kv') return clamp((mem.weightsGB + pool) / mem.capacityGB);
    const free = mem.capacityGB - overhead;
    if (free > 0) return clamp(pool / free);
  }
  notes?.push(
    `The plan's memory fraction ${fmtFraction(rt.gpuMemoryUtilization)} is a ${rt.memorySemantics} share; this engine reads it as ${target}: check the KV pool size at start-up.`,
  );
  return rt.gpuMemoryUtilization;
}

export function trtllmCommand(s: Scenario, mem?: MemoryHint): EngineCommand {
  const L = layout(s);
  const rt = resolveRuntime(s);
  const pid = targetProfileId('trtllm', rt);
  const has = (key: string) => accepts('trtllm', pid, key);
  const c: string[] = [];
  const notes: string[] = [];
  const yaml: string[] = [];
  if (L.adp > 1) yaml.push('enable_attention_dp: true');
  yaml.push(`enable_chunked_prefill: ${rt.chunkedPrefill ? 'true' : 'false'}`);
  yaml.push('kv_cache_config:');
  const kv = s.precision.kvCache;
  // 1.x: kv_cache_config.dtype; 0.19: pytorch_backend_config.kv_cache_dtype (below).
  if (kv === 'fp8' && has('kv_cache_config.dtype')) yaml.push('  dtype: fp8');
  else if (kv !== 'bf16' && kv !== 'fp16' && kv !== 'fp8')
    notes.push(`The TensorRT-LLM PyTorch backend has no ${kv} KV cache here: it keeps the model dtype.`);
  yaml.push(`  enable_block_reuse: ${rt.prefixCaching ? 'true' : 'false'}`);
  if (has('kv_cache_config.tokens_per_block')) yaml.push(`  tokens_per_block: ${rt.kvBlockSize}`);
  else if (rt.kvBlockSize !== 64)
    notes.push(
      `TensorRT-LLM ${pid} takes tokens_per_block from the build (64); this plan assumes ${rt.kvBlockSize}-token blocks.`,
    );
  const kvFraction = fmtFraction(memoryFractionFor('share-of-free', s, mem, notes));
  yaml.push(`  free_gpu_memory_fraction: ${kvFraction}`);
  if (has('cuda_graph_config')) {
    if (!rt.cudaGraphs) yaml.push('cuda_graph_config: null');
    else yaml.push('cuda_graph_config:', `  max_batch_size: ${rt.cudaGraphMaxBatch}`);
    yaml.push(`disable_overlap_scheduler: ${rt.overlapScheduling ? 'false' : 'true'}`);
  } else {
    yaml.push('pytorch_backend_config:', `  use_cuda_graph: ${rt.cudaGraphs ? 'true' : 'false'}`);
    if (rt.cudaGraphs) yaml.push(`  cuda_graph_max_batch_size: ${rt.cudaGraphMaxBatch}`);
    yaml.push(`  enable_overlap_scheduler: ${rt.overlapScheduling ? 'true' : 'false'}`);
    if (kv === 'fp8') yaml.push('  kv_cache_dtype: fp8');
  }
  // GUARANTEED_NO_EVICT reserves KV to completion; MAX_UTILIZATION may pause requests (ENGINE-FACTS §3.2 [TRT-ARGS]).
  yaml.push(
    'scheduler_config:',
    `  capacity_scheduler_policy: ${rt.preemption === 'reserve' ? 'GUARANTEED_NO_EVICT' : 'MAX_UTILIZATION'}`,
  );
  const spec = s.runtime.speculative;
  if (spec) {
    const specYaml = trtllmSpeculativeYaml(spec, pid);
    if (specYaml) yaml.push(...specYaml);
    else
      notes.push(`TensorRT-LLM ${pid} has no ${spec.method} drafter in the PyTorch backend: serve this plan with 1.x.`);
  }
  if (!rt.mixedPrefillDecode)
    notes.push('TensorRT-LLM in-flight batching always mixes context and generation requests in one step.');
  if (weightQuantNote(s, c) === 'fp8')
    c.push(
      'fp8 weights: serve an FP8 checkpoint (e.g. one exported with NVIDIA ModelOpt); trtllm-serve reads the quantization from it.',
    );
  const argv = ['trtllm-serve', modelArg(s), '--backend', 'pytorch'];
  argv.push('--tp_size', String(L.tp * L.adp));
  argv.push('--pp_size', String(L.pp));
  if (L.ep > 1) argv.push('--ep_size', String(L.ep));
  argv.push('--max_batch_size', String(rt.maxNumSeqs));
  argv.push('--max_num_tokens', String(rt.maxBatchedTokens));
  argv.push('--max_seq_len', String(maxModelLen(s)));
  argv.push('--kv_cache_free_gpu_memory_fraction', kvFraction);
  argv.push('--extra_llm_api_options', 'extra-llm-api-config.yml');
  const comments = [...replicaComments(L, s, 'TensorRT-LLM'), ...c, ...notes, ...specNotes(s)];
  const prelude = ["cat > extra-llm-api-config.yml <<'EOF'", ...yaml, 'EOF'];
  if (L.nodesPerInstance > 1)
    comments.push(`Multi-node: launch with mpirun/srun across the ${L.nodesPerInstance} nodes (trtllm-llmapi-launch).`);
  return { engine: 'trtllm', text: render(comments, argv, prelude), argv, notes: comments };
}

/** One pool of a disaggregated plan as a colocated scenario (dp = the pool's instances). */
export function poolScenario(s: Scenario, role: 'prefill' | 'decode'): Scenario {
  const p = s.plan[role];
  if (!p) throw new Error(`the plan has no ${role} pool`);
  return { ...s, plan: { tp: p.tp, pp: p.pp, dp: p.instances, ep: p.ep, attentionDp: p.attentionDp } };
}

/** Flags that turn a server into one side of a P/D deployment (vLLM NIXL connector, SGLang disaggregation mode). */
const DISAGG_FLAGS: Record<Engine, (role: 'prefill' | 'decode') => string[]> = {
  vllm: () => ['--kv-transfer-config', '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'],
  sglang: (role) => ['--disaggregation-mode', role, '--disaggregation-transfer-backend', 'nixl'],
  trtllm: () => [],
};

const DISAGG_NOTE: Record<Engine, string> = {
  vllm: 'Put a P/D proxy in front (vLLM examples: disagg_proxy / toy_proxy_server) that sends each request to a prefill server, then to a decode server.',
  sglang:
    'Put the SGLang router in front: python -m sglang_router.launch_router --pd-disaggregation --prefill http://P:30000 --decode http://D:30001',
  trtllm:
    'TensorRT-LLM runs P/D through `trtllm-serve disaggregated -c disagg_config.yaml`: list these two servers as its context (prefill) and generation (decode) servers, with cache_transceiver_config enabled in both option files.',
};

function disaggregatedCommand(engine: Engine, s: Scenario, mem?: MemoryHint): EngineCommand {
  const parts = (['prefill', 'decode'] as const).map((role) => {
    const ps = poolScenario(s, role);
    const c =
      engine === 'vllm' ? vllmCommand(ps, mem) : engine === 'sglang' ? sglangCommand(ps, mem) : trtllmCommand(ps, mem);
    const pid = targetProfileId(engine, resolveRuntime(ps));
    const wanted = DISAGG_FLAGS[engine](role);
    // A release line without P/D flags (vLLM 0.6, SGLang 0.4) gets none; the comment says so.
    const extra = wanted.filter((f) => !f.startsWith('--') || accepts(engine, pid, f));
    if (extra.length < wanted.length) extra.length = 0;
    const argv = [...c.argv, ...extra];
    const pool = s.plan[role]!;
    const head = `${role === 'prefill' ? 'Prefill' : 'Decode'} pool: ${pool.instances} instance${pool.instances === 1 ? '' : 's'} of TP${pool.tp}${pool.pp > 1 ? ` PP${pool.pp}` : ''}${pool.ep > 1 ? ` EP${pool.ep}` : ''}${pool.attentionDp > 1 ? ` ADP${pool.attentionDp}` : ''}`;
    const text = extra.length > 0 ? `${c.text} \\\n  ${extra.map(shellQuote).join(' ')}` : c.text;
    const lacking =
      extra.length < wanted.length ? [`${ENGINE_LABELS[engine]} ${pid} has no P/D disaggregation flags.`] : [];
    return {
      argv,
      text: `# ── ${head}\n${lacking.map((l) => `# ${l}\n`).join('')}${text}`,
      notes: [...lacking, ...c.notes],
    };
  });
  const note = `Prefill/decode disaggregated plan. ${DISAGG_NOTE[engine]}`;
  return {
    engine,
    text: `# ${note}\n\n${parts[0]!.text}\n\n${parts[1]!.text}`,
    argv: parts[1]!.argv,
    notes: [note, ...parts.flatMap((p) => p.notes)],
    pools: { prefill: parts[0]!.argv, decode: parts[1]!.argv },
  };
}

export function engineCommand(engine: Engine, s: Scenario, mem?: MemoryHint): EngineCommand {
  if (s.plan.prefill && s.plan.decode) return disaggregatedCommand(engine, s, mem);
  if (engine === 'vllm') return vllmCommand(s, mem);
  if (engine === 'sglang') return sglangCommand(s, mem);
  return trtllmCommand(s, mem);
}

/** Value of `--flag` in an argv (null when absent, '' for a bare switch). */
export function flagValue(argv: readonly string[], flag: string): string | null {
  const i = argv.indexOf(flag);
  if (i < 0) return null;
  const next = argv[i + 1];
  return next === undefined || next.startsWith('--') ? '' : next;
}
