import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import {
  flagValue,
  modelArg,
  sglangCommand,
  shellQuote,
  trtKvFraction,
  trtllmCommand,
  vllmCommand,
} from './commands.ts';

function scenario(input: Record<string, unknown>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const dense = scenario({
  model: 'llama-3.1-70b',
  cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
  plan: { tp: 4, pp: 2, dp: 2 },
  precision: { weights: 'bf16', activations: 'bf16', kvCache: 'fp8' },
  runtime: {
    maxNumSeqs: 128,
    maxBatchedTokens: 4096,
    chunkedPrefill: true,
    prefixCaching: true,
    gpuMemoryUtilization: 0.92,
    kvBlockSize: 32,
  },
  workload: { inputTokens: 2000, outputTokens: 500 },
});

const moe = scenario({
  model: 'deepseek-v3',
  cluster: { gpu: 'h200', nodes: 2, gpusPerNode: 8 },
  plan: { tp: 1, dp: 1, ep: 16, attentionDp: 16 },
  precision: { weights: 'fp8', activations: 'fp8', kvCache: 'bf16' },
});

describe('vLLM command', () => {
  it('carries every plan and runtime knob as the matching flag', () => {
    const { argv, text } = vllmCommand(dense);
    expect(argv.slice(0, 3)).toEqual(['vllm', 'serve', 'meta-llama/Llama-3.1-70B']);
    expect(flagValue(argv, '--tensor-parallel-size')).toBe('4');
    expect(flagValue(argv, '--pipeline-parallel-size')).toBe('2');
    expect(flagValue(argv, '--data-parallel-size')).toBe('1');
    expect(flagValue(argv, '--kv-cache-dtype')).toBe('fp8');
    expect(flagValue(argv, '--max-num-seqs')).toBe('128');
    expect(flagValue(argv, '--max-num-batched-tokens')).toBe('4096');
    expect(flagValue(argv, '--enable-chunked-prefill')).toBe('');
    expect(flagValue(argv, '--enable-prefix-caching')).toBe('');
    expect(flagValue(argv, '--gpu-memory-utilization')).toBe('0.92');
    expect(flagValue(argv, '--block-size')).toBe('32');
    // The longest request (2,500 tokens) rounded up to whole 32-token KV blocks.
    expect(flagValue(argv, '--max-model-len')).toBe('2528');
    expect(flagValue(argv, '--enable-expert-parallel')).toBeNull();
    // Two replicas of 8 GPUs on 2 nodes: one command per replica, said in a comment.
    expect(text).toMatch(/^# Plan has dp=2 replicas of 8 GPUs/);
    expect(text).toContain(' \\\n  --tensor-parallel-size 4 \\\n');
  });

  it('launches same-node replicas from one command and turns off disabled features', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1 },
      plan: { tp: 2, dp: 4 },
      runtime: { chunkedPrefill: false, prefixCaching: false, cudaGraphs: false },
    });
    const { argv, text } = vllmCommand(s);
    expect(flagValue(argv, '--data-parallel-size')).toBe('4');
    expect(argv).toContain('--no-enable-chunked-prefill');
    expect(argv).toContain('--no-enable-prefix-caching');
    expect(argv).toContain('--enforce-eager');
    expect(text.startsWith('#')).toBe(false);
  });

  it('maps attention-DP + EP onto --data-parallel-size and --enable-expert-parallel', () => {
    const { argv, notes } = vllmCommand(moe);
    expect(flagValue(argv, '--tensor-parallel-size')).toBe('1');
    expect(flagValue(argv, '--data-parallel-size')).toBe('16');
    expect(argv).toContain('--enable-expert-parallel');
    // DeepSeek-V3 ships FP8 weights (quantization_config): vLLM reads them from the checkpoint, no flag.
    expect(argv).not.toContain('--quantization');
    expect(flagValue(argv, '--kv-cache-dtype')).toBe('auto');
    expect(flagValue(argv, '--distributed-executor-backend')).toBe('ray');
    expect(notes.join(' ')).toMatch(/spans 2 nodes/);
  });

  it('quantizes a bf16 checkpoint online only; a quantized checkpoint carries its own format', () => {
    const bf16Ckpt = scenario({
      model: 'llama-3.1-70b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
      plan: { tp: 8 },
      precision: { weights: 'fp8' },
    });
    expect(flagValue(vllmCommand(bf16Ckpt).argv, '--quantization')).toBe('fp8');
    expect(flagValue(sglangCommand(bf16Ckpt).argv, '--quantization')).toBe('fp8');
    // Kimi-K3 ships MXFP4 weights: planning it at fp8 needs another export, and no engine flag helps.
    const k3 = scenario({
      model: 'kimi-k3',
      cluster: { gpu: 'b200', nodes: 4, gpusPerNode: 8 },
      plan: { tp: 8, dp: 1, ep: 32, attentionDp: 4 },
      precision: { weights: 'fp8', activations: 'bf16', kvCache: 'bf16' },
    });
    const k = vllmCommand(k3);
    expect(k.argv).not.toContain('--quantization');
    expect(k.text).toMatch(/checkpoint ships fp4 weights but this plan assumes fp8/);
  });

  it('says when the engine cannot express a KV dtype', () => {
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1 },
      precision: { kvCache: 'int4' },
    });
    const { argv, text } = vllmCommand(s);
    expect(flagValue(argv, '--kv-cache-dtype')).toBe('auto');
    expect(text).toMatch(/# vLLM has no int4 KV cache/);
  });
});

describe('SGLang command', () => {
  it('uses --tp/--dp/--ep with dp-attention for attention-DP plans', () => {
    const { argv } = sglangCommand(moe);
    expect(argv.slice(0, 5)).toEqual([
      'python',
      '-m',
      'sglang.launch_server',
      '--model-path',
      'deepseek-ai/DeepSeek-V3',
    ]);
    expect(flagValue(argv, '--tp')).toBe('16');
    expect(flagValue(argv, '--dp')).toBe('16');
    expect(argv).toContain('--enable-dp-attention');
    expect(flagValue(argv, '--ep-size')).toBe('16');
    expect(flagValue(argv, '--nnodes')).toBe('2');
  });

  it('maps runtime knobs', () => {
    const { argv } = sglangCommand(dense);
    expect(flagValue(argv, '--tp')).toBe('4');
    expect(flagValue(argv, '--pp-size')).toBe('2');
    expect(flagValue(argv, '--dp')).toBeNull();
    expect(flagValue(argv, '--kv-cache-dtype')).toBe('fp8_e4m3');
    expect(flagValue(argv, '--max-running-requests')).toBe('128');
    expect(flagValue(argv, '--chunked-prefill-size')).toBe('4096');
    expect(flagValue(argv, '--page-size')).toBe('32');
    expect(flagValue(argv, '--mem-fraction-static')).toBe('0.92');
    expect(argv).not.toContain('--disable-radix-cache');
  });
});

describe('TensorRT-LLM command', () => {
  it('puts parallel sizes on the command line and KV settings in the extra options file', () => {
    const { argv, text } = trtllmCommand(moe);
    expect(argv.slice(0, 4)).toEqual(['trtllm-serve', 'deepseek-ai/DeepSeek-V3', '--backend', 'pytorch']);
    expect(flagValue(argv, '--tp_size')).toBe('16');
    expect(flagValue(argv, '--pp_size')).toBe('1');
    expect(flagValue(argv, '--ep_size')).toBe('16');
    // The scenario runs vLLM (no engine set): its max_num_seqs on an H200 is 1024 (ENGINE-FACTS §1.2).
    expect(flagValue(argv, '--max_batch_size')).toBe('1024');
    expect(flagValue(argv, '--max_num_tokens')).toBe('8192');
    expect(text).toContain('enable_attention_dp: true');
    expect(text).toContain("cat > extra-llm-api-config.yml <<'EOF'");
  });

  it('translates the KV budget into a fraction of the memory left after weights', () => {
    const mem = { weightsGB: 20, activationsGB: 2, reservedGB: 2, kvCacheGB: 48, capacityGB: 80 };
    expect(trtKvFraction(dense, mem)).toBeCloseTo(48 / 56, 10);
    expect(trtKvFraction(dense)).toBe(0.92);
    expect(flagValue(trtllmCommand(dense, mem).argv, '--kv_cache_free_gpu_memory_fraction')).toBe('0.86');
  });
});

describe('helpers', () => {
  it('quotes shell words only when needed', () => {
    expect(shellQuote('meta-llama/Llama-3.1-70B')).toBe('meta-llama/Llama-3.1-70B');
    expect(shellQuote("it's here")).toBe("'it'\\''s here'");
    expect(shellQuote('')).toBe("''");
  });

  it('uses a placeholder path for a pasted config', () => {
    const s = scenario({
      model: { name: 'My Model (v2)', hf: { architectures: ['LlamaForCausalLM'] } },
      cluster: { gpu: 'h100-sxm' },
    });
    expect(modelArg(s)).toBe('/path/to/My-Model-v2');
  });
});

describe('disaggregated plans', () => {
  const pd = scenario({
    model: 'llama-3.1-70b',
    cluster: { gpu: 'h100-sxm', nodes: 2 },
    plan: { prefill: { instances: 2, tp: 4 }, decode: { instances: 1, tp: 8 } },
  });

  it('emits one server per pool with the pool’s parallel sizes and the KV connector', async () => {
    const { engineCommand } = await import('./commands.ts');
    const c = engineCommand('vllm', pd);
    expect(flagValue(c.pools!.prefill, '--tensor-parallel-size')).toBe('4');
    expect(flagValue(c.pools!.decode, '--tensor-parallel-size')).toBe('8');
    expect(flagValue(c.pools!.prefill, '--kv-transfer-config')).toBe(
      '{"kv_connector":"NixlConnector","kv_role":"kv_both"}',
    );
    expect(c.text).toMatch(/^# Prefill\/decode disaggregated plan/);
    expect(c.text).toContain('# ── Prefill pool: 2 instances of TP4');
    expect(c.text).toContain(`--kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"kv_both"}'`);
    const sg = engineCommand('sglang', pd);
    expect(flagValue(sg.pools!.prefill, '--disaggregation-mode')).toBe('prefill');
    expect(flagValue(sg.pools!.decode, '--disaggregation-mode')).toBe('decode');
  });
});

describe('maxModelLen', () => {
  it('covers the longest request the workload can send, within the model window', async () => {
    const { maxModelLen } = await import('./commands.ts');
    const base = { model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' } };
    expect(maxModelLen(scenario({ ...base, workload: { inputTokens: 1000, outputTokens: 200 } }))).toBe(1200);
    expect(
      maxModelLen(
        scenario({
          ...base,
          workload: { input: { kind: 'uniform', min: 10, max: 3000 }, output: { kind: 'fixed', tokens: 500 } },
        }),
      ),
    ).toBe(3504); // 3,500 rounded up to 16-token blocks
    // A lognormal tail counts at its 99.9th percentile: 800·e^(3.0902·1) = 17,585 prompt + 256 output
    // = 17,841, rounded up to 16-token blocks — not the 131,072-token window, and far above the mean.
    expect(maxModelLen(scenario({ ...base, workload: { input: { kind: 'lognormal', median: 800, sigma: 1 } } }))).toBe(
      17856,
    );
    expect(
      flagValue(
        vllmCommand(scenario({ ...base, workload: { input: { kind: 'uniform', min: 10, max: 3000 } } })).argv,
        '--max-model-len',
      ),
    ).toBe('3264');
  });

  it('a trace sets it from its longest row, rounded up to the block size', async () => {
    const { maxModelLen } = await import('./commands.ts');
    const data = [
      '{"timestamp": 0, "input_length": 100, "output_length": 20}',
      '{"timestamp": 1000, "input_length": 4142, "output_length": 300}',
      '{"timestamp": 2000, "input_length": 900, "output_length": 50}',
    ].join('\n');
    const s = scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm' },
      runtime: { kvBlockSize: 32 },
      workload: { trace: { format: 'mooncake-jsonl', data } },
    });
    expect(maxModelLen(s)).toBe(4448); // 4,442 → 139 blocks of 32
    expect(flagValue(sglangCommand(s).argv, '--context-length')).toBe('4448');
    expect(flagValue(trtllmCommand(s).argv, '--max_seq_len')).toBe('4448');
  });
});

describe('engine profiles in the launch commands', () => {
  const on = (engine: Record<string, unknown>, runtime: Record<string, unknown> = {}) =>
    scenario({
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
      runtime: { engine, ...runtime },
    });

  it('vLLM: the profile’s defaults become explicit flags (ENGINE-FACTS §1.2/§1.3)', () => {
    const { argv } = vllmCommand(on({ name: 'vllm', version: '0.19.0' }));
    expect(flagValue(argv, '--max-num-seqs')).toBe('1024');
    expect(flagValue(argv, '--max-num-batched-tokens')).toBe('8192');
    expect(flagValue(argv, '--enable-chunked-prefill')).toBe('');
    expect(flagValue(argv, '--gpu-memory-utilization')).toBe('0.9');
    expect(flagValue(argv, '--block-size')).toBe('16');
    expect(flagValue(argv, '--async-scheduling')).toBe('');
  });

  it('SGLang: chunk, running requests, mem_fraction_static, graphs, mixed chunk and overlap (ENGINE-FACTS §2.2)', () => {
    const plain = sglangCommand(on({ name: 'sglang' })).argv;
    expect(flagValue(plain, '--chunked-prefill-size')).toBe('8192');
    expect(flagValue(plain, '--max-running-requests')).toBe('4096');
    expect(flagValue(plain, '--page-size')).toBe('1');
    expect(flagValue(plain, '--cuda-graph-max-bs')).toBe('256');
    expect(Number(flagValue(plain, '--mem-fraction-static'))).toBeCloseTo(0.84, 2);
    expect(plain).not.toContain('--enable-mixed-chunk');
    expect(plain).not.toContain('--disable-overlap-schedule');
    const mixed = sglangCommand(on({ name: 'sglang' }, { mixedPrefillDecode: true, overlapScheduling: false })).argv;
    expect(mixed).toContain('--enable-mixed-chunk');
    expect(mixed).toContain('--disable-overlap-schedule');
  });

  it('TRT-LLM: max_batch_size, max_num_tokens, free-memory fraction, no chunked context, no-evict policy (ENGINE-FACTS §3.2)', () => {
    const { argv, text } = trtllmCommand(on({ name: 'trtllm', version: '1.3.0' }));
    expect(flagValue(argv, '--max_batch_size')).toBe('2048');
    expect(flagValue(argv, '--max_num_tokens')).toBe('8192');
    expect(flagValue(argv, '--kv_cache_free_gpu_memory_fraction')).toBe('0.9');
    expect(text).toContain('enable_chunked_prefill: false');
    expect(text).toContain('  tokens_per_block: 32');
    expect(text).toContain('cuda_graph_config:\n  max_batch_size: 128');
    expect(text).toContain('disable_overlap_scheduler: false');
    expect(text).toContain('  capacity_scheduler_policy: GUARANTEED_NO_EVICT');
  });

  it('translates the memory fraction between engines’ meanings with the evaluation’s memory figures', () => {
    const mem = { weightsGB: 16, activationsGB: 2, reservedGB: 1, kvCacheGB: 53, capacityGB: 80 };
    const s = on({ name: 'vllm' });
    expect(flagValue(vllmCommand(s, mem).argv, '--gpu-memory-utilization')).toBe('0.9');
    // SGLang counts weights + KV: (16 + 53)/80; TRT-LLM the KV over what is left: 53/61.
    expect(flagValue(sglangCommand(s, mem).argv, '--mem-fraction-static')).toBe('0.86');
    expect(flagValue(trtllmCommand(s, mem).argv, '--kv_cache_free_gpu_memory_fraction')).toBe('0.87');
    // Without figures the value passes through and a comment says so.
    expect(sglangCommand(s).text).toMatch(/^# The plan's memory fraction 0\.9 is a share-of-total share/m);
  });
});
