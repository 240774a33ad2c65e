/**
 * Turns the public measurement sets in ../data/reference into Scenarios, row by row, with the
 * engine settings each source reports. Shared by bench/fidelity.ts (and the simulator re-run).
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScenarioInput } from '../src/core/scenario/schema.ts';

export const REFERENCE_DIR = resolve(import.meta.dirname, '../data/reference');

export interface FidelityCase {
  set: 'trtllm-offline-throughput' | 'serving-latency-h100';
  group: string;
  label: string;
  scenario: ScenarioInput;
  /** Engine and version the row was measured on (also in scenario.runtime.engine). */
  engine: 'vllm' | 'sglang' | 'trtllm';
  /** GPU family for the per-family lines: the catalog id of the GPU the row ran on. */
  gpuFamily: string;
  measured: { outputTokPerSec?: number; ttftMs?: number; tpotMs?: number };
}

const GPU_BY_HARDWARE: [RegExp, string][] = [
  [/^H100 SXM/, 'h100-sxm'],
  [/^H200/, 'h200'],
  [/^B200/, 'b200'],
  [/^GH200/, 'h200'],
];

/** Models outside the catalog, imported from their real config.json like a user would paste it. */
function hfModelFor(name: string): ScenarioInput['model'] | null {
  const file = resolve(REFERENCE_DIR, 'hf-configs', `${name.replace('/', '--')}.json`);
  if (!existsSync(file)) return null;
  return { name, hf: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
}

function modelIdFor(name: string): string | null {
  if (/Llama-3\.[13]-70B/.test(name)) return 'llama-3.1-70b';
  if (/Llama-3\.1-8B/.test(name)) return 'llama-3.1-8b';
  if (/Llama-3\.1-405B/.test(name)) return 'llama-3.1-405b';
  if (/Qwen3-32B/.test(name)) return 'qwen3-32b';
  if (/Qwen3-235B-A22B/.test(name)) return 'qwen3-235b-a22b';
  if (/gpt-oss-120b/.test(name)) return 'gpt-oss-120b';
  if (/DeepSeek-V3/.test(name)) return 'deepseek-v3';
  if (/DeepSeek-R1/.test(name)) return 'deepseek-r1';
  return null;
}

interface MeasurementRow {
  model: string;
  precision: string;
  hardware: string;
  num_gpus: number;
  parallelism: { TP: number; PP: number; EP: number; DP: number };
  input_len: number;
  output_len: number;
  output_throughput_tok_s: number;
}

/** TensorRT-LLM v0.19 offline max-throughput rows: all requests queued, trtllm-bench defaults. */
export function trtllmOfflineCases(): { cases: FidelityCase[]; skipped: string[] } {
  const rows = (
    JSON.parse(readFileSync(resolve(REFERENCE_DIR, 'measurements.json'), 'utf8')) as { rows: MeasurementRow[] }
  ).rows;
  const cases: FidelityCase[] = [];
  const skipped: string[] = [];
  for (const r of rows) {
    const model = modelIdFor(r.model);
    const gpu = GPU_BY_HARDWARE.find(([re]) => re.test(r.hardware))?.[1];
    if (!model || !gpu) {
      skipped.push(`${r.model} on ${r.hardware}`);
      continue;
    }
    const fp4 = /FP4/i.test(r.precision);
    const dtype = fp4 ? 'nvfp4' : 'fp8';
    const requests = 3000;
    cases.push({
      set: 'trtllm-offline-throughput',
      group: `${model} ${gpu} ${dtype}`,
      label: `${model} ${gpu} TP${r.parallelism.TP} ${r.input_len}/${r.output_len}`,
      scenario: {
        version: 1,
        model,
        precision: { weights: dtype, activations: dtype, kvCache: 'fp8' },
        cluster: { gpu, nodes: 1, gpusPerNode: 8 },
        plan: { tp: r.parallelism.TP, pp: r.parallelism.PP, dp: 1, ep: 1, attentionDp: 1 },
        // trtllm-bench heuristics: large max batch, 8192 max tokens; kv_cache_free_gpu_mem_fraction 0.95
        // (the row's method), read by the TRT-LLM profile as a share of the memory left after weights.
        // Everything else is the TensorRT-LLM 0.19 profile's default (core/engine).
        runtime: {
          engine: { name: 'trtllm', version: '0.19.0' },
          maxNumSeqs: 2048,
          maxBatchedTokens: 8192,
          gpuMemoryUtilization: 0.95,
        },
        workload: { inputTokens: r.input_len, outputTokens: r.output_len, requests, arrival: { kind: 'offline' } },
      },
      engine: 'trtllm',
      gpuFamily: gpu,
      measured: { outputTokPerSec: r.output_throughput_tok_s },
    });
  }
  return { cases, skipped };
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const cols = header!.split(',');
  return lines.map((l) => {
    const v = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, v[i] ?? '']));
  });
}

const intOr = (s: string | undefined, d: number) => (s && /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : d);

/**
 * The engine release a row ran. Rows from an ai-dynamo TensorRT-LLM container give the Dynamo release
 * (0.8.x) as backend_version; that container line ships TensorRT-LLM 1.2 (the CSV's own rows pair
 * dynamo tensorrtllm-runtime:0.8.0 with trtllm 1.2.0rc6.post1), so those rows run as 1.2.
 * vLLM rows with no version measured before December 2025 (Oct/Nov 2025: 47 rows) ran a 0.11 release —
 * the CSV's own vLLM rows of that winter are vllm-openai:v0.11.2 (2025-12-08), and 0.12 came out in
 * December — so they run on the 0.10 profile, whose scheduling is synchronous (ENGINE-FACTS §0: async
 * scheduling off ≤ 0.11). Without this they fell to the newest profile's async scheduling.
 */
const VLLM_0_12_ERA_FROM = '2025-12-01';
function engineVersion(r: Record<string, string>): string | undefined {
  const v = r.backend_version ?? '';
  if (r.backend === 'trtllm' && /ai-dynamo\/tensorrtllm-runtime:0\.8/.test(r.container_image ?? '')) return '1.2.0';
  if (v === '' && r.backend === 'vllm' && (r.measured_date ?? '') < VLLM_0_12_ERA_FROM) return '0.11.0';
  return v === '' ? undefined : v;
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/**
 * The runtime knobs aiconfigurator's generator sets for the rows it benchmarks (ENGINE-FACTS §5.2
 * [AIC-RULES]): vLLM agg max_num_batched_tokens = bs + isl + 1500; SGLang agg max_prefill_tokens = isl + 1500
 * (its enable_mixed_chunk=true is not followed, see below); TRT-LLM max_num_tokens = round_up(bs + isl + 1500, 32) for agg,
 * tokens_per_block 32; CUDA graphs for batch 1..max_batch_size. A disaggregated row's two pools share
 * one runtime here, so they get the agg budget (the prefill worker's isl + 1500 and the decode worker's
 * bs both fit in it). Knobs the rules leave alone stay at the engine profile's default.
 */
function benchmarkRuntime(engine: string, bs: number, isl: number) {
  const graph = { cudaGraphs: true, cudaGraphMaxBatch: bs };
  if (engine === 'vllm') return { ...graph, maxBatchedTokens: bs + isl + 1500 };
  // SGLang caps each prefill batch at max_prefill_tokens = isl + 1500 (its chunk stays the profile's default,
  // larger than every prompt here), so the step budget a prompt sees is isl + 1500. Mixing stays at the
  // profile's default (off), whatever the generator's flag: the rows show prefill batches that run alone.
  // Qwen3-32B TP2 1024/128 at c128 under vLLM (mixed) and SGLang has one E2E (10.9 vs 10.5 s) split as
  // TTFT 0.69 vs 4.36 s and TPOT 80 vs 49 ms: SGLang's decodes wait while a whole wave of prompts is
  // prefilled, then decode together. Mixed, the simulator desynchronises the users as it does vLLM's
  // (SGLang TTFT −84 %, TPOT +25 %).
  if (engine === 'sglang') return { ...graph, maxBatchedTokens: isl + 1500 };
  return { ...graph, maxBatchedTokens: roundUp(bs + isl + 1500, 32), kvBlockSize: 32 };
}

/** aiconfigurator's H100 silicon points: closed-loop clients at fixed concurrency, mean TTFT/TPOT. Aggregated rows only. */
export function servingLatencyCases(): { cases: FidelityCase[]; skipped: string[] } {
  const path = resolve(REFERENCE_DIR, 'serving-latency-h100.csv');
  if (!existsSync(path)) return { cases: [], skipped: ['serving-latency-h100.csv missing'] };
  const cases: FidelityCase[] = [];
  const skipped: string[] = [];
  for (const r of parseCsv(readFileSync(path, 'utf8'))) {
    const model = modelIdFor(r.model_path ?? '') ?? hfModelFor(r.model_path ?? '');
    if (!model) {
      skipped.push(`${r.model_path} (not in the catalog)`);
      continue;
    }
    const gemm = r.gemm_quant_mode ?? '';
    const weights = gemm.startsWith('fp8') ? 'fp8' : gemm === 'nvfp4' ? 'fp4' : 'bf16';
    // Hopper has no fp4 tensor cores: MXFP4/NVFP4 weights run weight-only with bf16 activations.
    const activations = weights === 'fp8' ? 'fp8' : 'bf16';
    const kvCache = weights === 'fp8' ? 'fp8' : 'bf16';
    const disagg = r.mode === 'disagg';
    const tp = intOr(r.tp_size, 1);
    const adp = intOr(r.attention_dp_size, 1);
    const ep = intOr(r.moe_ep_size, 1);
    const conc = intOr(r.concurrency, 1);
    const isl = intOr(r.isl, 1);
    const osl = intOr(r.osl, 1);
    const pool = (side: 'prefill' | 'decode') => {
      const ptp = intOr(r[`${side}_tp_size`], 1);
      const padp = intOr(r[`${side}_attention_dp_size`], 1);
      // aiconfigurator: a worker has tp × attention-DP GPUs; MoE layers span them as ep ranks.
      return {
        instances: intOr(r[`${side}_num_workers`], 1),
        tp: ptp,
        pp: 1,
        ep: intOr(r[`${side}_moe_ep_size`], 1),
        attentionDp: padp,
      };
    };
    const plan = disagg
      ? { prefill: pool('prefill'), decode: pool('decode') }
      : { tp, pp: intOr(r.pp_size, 1), dp: 1, ep, attentionDp: adp };
    const gpusNeeded = disagg
      ? [plan.prefill!, plan.decode!].reduce((a, p) => a + p.instances * p.tp * p.attentionDp, 0)
      : tp * adp * intOr(r.pp_size, 1);
    const engine = r.backend as 'vllm' | 'sglang' | 'trtllm';
    const maxNumSeqs = Math.max(conc, intOr(r.batch_size, conc), intOr(r.decode_batch_size, 0));
    cases.push({
      set: 'serving-latency-h100',
      engine,
      gpuFamily: 'h100-sxm',
      group: `${typeof model === 'string' ? model : model.name} ${r.backend}${disagg ? ' disagg' : ''}`,
      label: `${typeof model === 'string' ? model : model.name} ${r.backend} ${disagg ? `P${JSON.stringify(plan.prefill)} D${JSON.stringify(plan.decode)}` : `tp${tp} adp${adp} ep${ep}`} ${isl}/${osl} c${conc}`,
      scenario: {
        version: 1,
        model,
        precision: { weights, activations, kvCache },
        cluster: { gpu: 'h100-sxm', nodes: Math.max(1, Math.ceil(gpusNeeded / 8)), gpusPerNode: 8 },
        plan,
        runtime: {
          engine: { name: engine, version: engineVersion(r) },
          maxNumSeqs,
          ...benchmarkRuntime(engine, maxNumSeqs, isl),
        },
        // aiperf client (ENGINE-FACTS §5.2 [AIC-BENCH]): 20×concurrency requests after 2×concurrency warm-up.
        workload: {
          inputTokens: isl,
          outputTokens: osl,
          requests: conc * 20,
          warmupRequests: conc * 2,
          arrival: { kind: 'concurrency', users: conc },
        },
      },
      measured: { ttftMs: Number(r.silicon_ttft_ms), tpotMs: Number(r.silicon_tpot_ms) },
    });
  }
  return { cases, skipped };
}
