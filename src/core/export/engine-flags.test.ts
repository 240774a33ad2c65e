/**
 * Launch-command audit (issue 12): for every engine × release line (profile), each runtime knob the plan was
 * costed with (resolveRuntime) reaches the command as that release's flag / YAML key, or the command leaves it
 * at the engine's own behaviour (documented in the table below), or a `#` comment says the engine differs. No
 * command ever carries a flag its release line lacks (engine-flags.ts), and the exported memory fraction
 * reproduces the plan's KV pool under the target engine's meaning of it (core/engine/memory.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from '../scenario/validate.ts';
import type { EngineName, Scenario } from '../scenario/schema.ts';
import { ENGINE_PROFILES, type KnobName } from '../engine/profiles.ts';
import { ENGINE_KNOBS, resolveRuntime, type ResolvedRuntime } from '../engine/resolve.ts';
import { kvBudgetGB } from '../engine/memory.ts';
import { engineCommand, flagValue, type EngineCommand, type MemoryHint } from './commands.ts';
import { ENGINE_FLAGS, targetProfileId } from './engine-flags.ts';

/** The extra-options YAML of a trtllm-serve command as dotted key path → value. */
function yamlOf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const body = /<<'EOF'\n([\s\S]*?)\nEOF/.exec(text)?.[1] ?? '';
  let parent = '';
  for (const line of body.split('\n')) {
    const m = /^( *)([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`not a YAML key line: ${line}`);
    const key = m[1]!.length === 0 ? m[2]! : `${parent}.${m[2]!}`;
    if (m[1]!.length === 0) parent = m[2]!;
    out.set(key, m[3]!);
  }
  return out;
}

interface Ctx {
  cmd: EngineCommand;
  rt: ResolvedRuntime;
  pid: string;
  s: Scenario;
  yaml: Map<string, string>;
}

const v = (c: Ctx, flag: string) => flagValue(c.cmd.argv, flag);
const has = (c: Ctx, flag: string) => c.cmd.argv.includes(flag);
const noted = (c: Ctx, re: RegExp) => c.cmd.notes.some((n) => re.test(n));
const yb = (b: boolean) => (b ? 'true' : 'false');
const v1 = (c: Ctx) => c.pid !== '0.6';

/** vLLM's own CUDA-graph reach (ENGINE-FACTS §1.1 [VLLM-MR-V0], §1.2 [VLLM-COMP]), as the batch sees it. */
function vllmGraphReach(c: Ctx): number {
  const k = c.s.runtime.speculative?.draftTokens ?? 0;
  const cap = v1(c) ? Math.min(2 * c.rt.maxNumSeqs * (1 + k), 512, c.rt.maxBatchedTokens) : 256;
  return Math.min(cap, c.rt.maxNumSeqs);
}

type Row = { how: string; expressed: (c: Ctx) => boolean };

/** Per engine and knob: how the command expresses it. memorySemantics is checked by the memory test below. */
const KNOB_EXPORT: Record<EngineName, Record<Exclude<KnobName, 'memorySemantics'>, Row>> = {
  vllm: {
    maxNumSeqs: { how: '--max-num-seqs', expressed: (c) => v(c, '--max-num-seqs') === String(c.rt.maxNumSeqs) },
    maxBatchedTokens: {
      how: '--max-num-batched-tokens',
      expressed: (c) => v(c, '--max-num-batched-tokens') === String(c.rt.maxBatchedTokens),
    },
    chunkedPrefill: {
      how: 'V1 --[no-]enable-chunked-prefill; 0.6 --enable-chunked-prefill True|False',
      expressed: (c) =>
        v1(c)
          ? has(c, c.rt.chunkedPrefill ? '--enable-chunked-prefill' : '--no-enable-chunked-prefill')
          : v(c, '--enable-chunked-prefill') === (c.rt.chunkedPrefill ? 'True' : 'False'),
    },
    mixedPrefillDecode: {
      how: 'V1 always mixes (engine behaviour, §1.2 [VLLM-OPT]); 0.6 mixes iff chunked; else a note',
      expressed: (c) =>
        (v1(c) ? c.rt.mixedPrefillDecode : c.rt.mixedPrefillDecode === c.rt.chunkedPrefill) ||
        noted(c, /mixes|batches decodes with prefill/),
    },
    gpuMemoryUtilization: {
      how: '--gpu-memory-utilization',
      expressed: (c) => v(c, '--gpu-memory-utilization') !== null,
    },
    kvBlockSize: { how: '--block-size', expressed: (c) => v(c, '--block-size') === String(c.rt.kvBlockSize) },
    cudaGraphs: { how: '--enforce-eager when off', expressed: (c) => has(c, '--enforce-eager') === !c.rt.cudaGraphs },
    cudaGraphMaxBatch: {
      how: "vLLM's own capture list (no flag in ENGINE-FACTS); a note when the plan assumes another reach",
      expressed: (c) =>
        !c.rt.cudaGraphs ||
        Math.min(c.rt.cudaGraphMaxBatch, c.rt.maxNumSeqs) === vllmGraphReach(c) ||
        noted(c, /CUDA graphs up to batch/),
    },
    overlapScheduling: {
      how: '--[no-]async-scheduling (default off ≤0.11, on later); 0.6 has none: a note',
      expressed: (c) => {
        if (c.pid === '0.6') return !c.rt.overlapScheduling || noted(c, /no async scheduling/);
        if (c.rt.overlapScheduling) return has(c, '--async-scheduling');
        return has(c, '--no-async-scheduling') || c.pid === '0.10';
      },
    },
    prefixCaching: {
      how: 'V1 --[no-]enable-prefix-caching; 0.6 --enable-prefix-caching (off by default)',
      expressed: (c) =>
        v1(c)
          ? has(c, c.rt.prefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching')
          : has(c, '--enable-prefix-caching') === c.rt.prefixCaching,
    },
    preemption: {
      how: 'recompute is the engine behaviour (§1.1 [VLLM-OPT]); else a note',
      expressed: (c) => c.rt.preemption === 'recompute' || noted(c, /preempts by recompute/),
    },
  },
  sglang: {
    maxNumSeqs: {
      how: '--max-running-requests',
      expressed: (c) => v(c, '--max-running-requests') === String(c.rt.maxNumSeqs),
    },
    maxBatchedTokens: {
      how: '--chunked-prefill-size (chunked) / --max-prefill-tokens',
      expressed: (c) =>
        v(c, c.rt.chunkedPrefill ? '--chunked-prefill-size' : '--max-prefill-tokens') === String(c.rt.maxBatchedTokens),
    },
    chunkedPrefill: {
      how: '--chunked-prefill-size -1 turns it off',
      expressed: (c) => (v(c, '--chunked-prefill-size') === '-1') === !c.rt.chunkedPrefill,
    },
    mixedPrefillDecode: {
      how: '--enable-mixed-chunk',
      expressed: (c) => has(c, '--enable-mixed-chunk') === c.rt.mixedPrefillDecode,
    },
    gpuMemoryUtilization: { how: '--mem-fraction-static', expressed: (c) => v(c, '--mem-fraction-static') !== null },
    kvBlockSize: {
      how: '--page-size (0.5.x); 0.4 pages by 1 token (§2.2): a note otherwise',
      expressed: (c) =>
        c.pid === '0.4'
          ? c.rt.kvBlockSize === 1 || noted(c, /pages the KV cache one token at a time/)
          : v(c, '--page-size') === String(c.rt.kvBlockSize),
    },
    cudaGraphs: {
      how: '--disable-cuda-graph',
      expressed: (c) => has(c, '--disable-cuda-graph') === !c.rt.cudaGraphs,
    },
    cudaGraphMaxBatch: {
      how: '--cuda-graph-max-bs',
      expressed: (c) => !c.rt.cudaGraphs || v(c, '--cuda-graph-max-bs') === String(c.rt.cudaGraphMaxBatch),
    },
    overlapScheduling: {
      how: '--disable-overlap-schedule',
      expressed: (c) => has(c, '--disable-overlap-schedule') === !c.rt.overlapScheduling,
    },
    prefixCaching: {
      how: '--disable-radix-cache',
      expressed: (c) => has(c, '--disable-radix-cache') === !c.rt.prefixCaching,
    },
    preemption: {
      how: 'retraction is the engine behaviour (§2.2 [SGL-TUNE]); recompute is the same; else a note',
      expressed: (c) => c.rt.preemption === 'retract' || c.rt.preemption === 'recompute' || noted(c, /retracts/),
    },
  },
  trtllm: {
    maxNumSeqs: { how: '--max_batch_size', expressed: (c) => v(c, '--max_batch_size') === String(c.rt.maxNumSeqs) },
    maxBatchedTokens: {
      how: '--max_num_tokens',
      expressed: (c) => v(c, '--max_num_tokens') === String(c.rt.maxBatchedTokens),
    },
    chunkedPrefill: {
      how: 'enable_chunked_prefill',
      expressed: (c) => c.yaml.get('enable_chunked_prefill') === yb(c.rt.chunkedPrefill),
    },
    mixedPrefillDecode: {
      how: 'in-flight batching always mixes (§3.2 [TRT-TUNE]); else a note',
      expressed: (c) => c.rt.mixedPrefillDecode || noted(c, /always mixes/),
    },
    gpuMemoryUtilization: {
      how: '--kv_cache_free_gpu_memory_fraction = kv_cache_config.free_gpu_memory_fraction',
      expressed: (c) =>
        v(c, '--kv_cache_free_gpu_memory_fraction') !== null &&
        c.yaml.get('kv_cache_config.free_gpu_memory_fraction') === v(c, '--kv_cache_free_gpu_memory_fraction'),
    },
    kvBlockSize: {
      how: 'kv_cache_config.tokens_per_block (1.x); 0.19 builds with 64 (§3.1 [TRT-PLUGIN]): a note otherwise',
      expressed: (c) =>
        c.pid === '0.19'
          ? c.rt.kvBlockSize === 64 || noted(c, /tokens_per_block from the build/)
          : c.yaml.get('kv_cache_config.tokens_per_block') === String(c.rt.kvBlockSize),
    },
    cudaGraphs: {
      how: 'cuda_graph_config (null = off); 0.19 pytorch_backend_config.use_cuda_graph',
      expressed: (c) =>
        c.pid === '0.19'
          ? c.yaml.get('pytorch_backend_config.use_cuda_graph') === yb(c.rt.cudaGraphs)
          : (c.yaml.get('cuda_graph_config') === 'null') === !c.rt.cudaGraphs,
    },
    cudaGraphMaxBatch: {
      how: 'cuda_graph_config.max_batch_size; 0.19 pytorch_backend_config.cuda_graph_max_batch_size',
      expressed: (c) =>
        !c.rt.cudaGraphs ||
        c.yaml.get(
          c.pid === '0.19' ? 'pytorch_backend_config.cuda_graph_max_batch_size' : 'cuda_graph_config.max_batch_size',
        ) === String(c.rt.cudaGraphMaxBatch),
    },
    overlapScheduling: {
      how: 'disable_overlap_scheduler; 0.19 pytorch_backend_config.enable_overlap_scheduler',
      expressed: (c) =>
        c.pid === '0.19'
          ? c.yaml.get('pytorch_backend_config.enable_overlap_scheduler') === yb(c.rt.overlapScheduling)
          : c.yaml.get('disable_overlap_scheduler') === yb(!c.rt.overlapScheduling),
    },
    prefixCaching: {
      how: 'kv_cache_config.enable_block_reuse',
      expressed: (c) => c.yaml.get('kv_cache_config.enable_block_reuse') === yb(c.rt.prefixCaching),
    },
    preemption: {
      how: 'scheduler_config.capacity_scheduler_policy',
      expressed: (c) =>
        c.yaml.get('scheduler_config.capacity_scheduler_policy') ===
        (c.rt.preemption === 'reserve' ? 'GUARANTEED_NO_EVICT' : 'MAX_UTILIZATION'),
    },
  },
};

const ENGINES: EngineName[] = ['vllm', 'sglang', 'trtllm'];

function scenarioOf(input: Record<string, unknown>): Scenario {
  const r = parseScenario({ version: 1, ...input });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

const arbRuntime = fc.record(
  {
    maxNumSeqs: fc.integer({ min: 1, max: 4096 }),
    maxBatchedTokens: fc.integer({ min: 16, max: 65_536 }),
    chunkedPrefill: fc.boolean(),
    mixedPrefillDecode: fc.boolean(),
    gpuMemoryUtilization: fc.double({ min: 0.5, max: 0.95, noNaN: true }),
    kvBlockSize: fc.constantFrom(1, 16, 32, 64, 128),
    cudaGraphs: fc.boolean(),
    cudaGraphMaxBatch: fc.integer({ min: 1, max: 1024 }),
    overlapScheduling: fc.boolean(),
    prefixCaching: fc.boolean(),
    preemption: fc.constantFrom('recompute', 'swap', 'retract', 'reserve'),
    speculative: fc.record({
      method: fc.constantFrom('mtp', 'eagle', 'eagle3', 'ngram'),
      draftTokens: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { requiredKeys: [] },
);

const arbPlan = fc.record({
  tp: fc.constantFrom(1, 2, 4, 8),
  pp: fc.constantFrom(1, 2),
  dp: fc.constantFrom(1, 2),
  ep: fc.constantFrom(1, 8),
  attentionDp: fc.constantFrom(1, 2),
});

/** Every (scenario engine, version) pair: each profile of each engine, at the first release it covers. */
const SCENARIO_ENGINES = ENGINE_PROFILES.map((p) => ({
  name: p.engine,
  version: `${p.covers[0][0]}.${p.covers[0][1]}.0`,
}));

function ctxOf(target: EngineName, s: Scenario, mem?: MemoryHint): Ctx {
  const cmd = engineCommand(target, s, mem);
  const rt = resolveRuntime(s);
  return { cmd, rt, s, pid: targetProfileId(target, rt), yaml: target === 'trtllm' ? yamlOf(cmd.text) : new Map() };
}

describe('launch commands × engine release lines (issue 12 audit)', () => {
  it('the knob table covers every resolved knob', () => {
    for (const e of ENGINES)
      expect(Object.keys(KNOB_EXPORT[e]).sort()).toEqual(ENGINE_KNOBS.filter((k) => k !== 'memorySemantics').sort());
  });

  for (const engine of SCENARIO_ENGINES)
    for (const target of ENGINES) {
      const same = engine.name === target;
      it(`${engine.name} ${engine.version} plan → ${target}${same ? '' : ' (newest)'}: real flags only, every knob expressed`, () => {
        fc.assert(
          fc.property(arbRuntime, arbPlan, (runtime, plan) => {
            const s = scenarioOf({
              model: 'deepseek-v3',
              cluster: { gpu: 'h200', nodes: 8, gpusPerNode: 8 },
              plan,
              precision: { weights: 'fp8', activations: 'bf16', kvCache: 'fp8' },
              runtime: { engine, ...runtime },
            });
            const c = ctxOf(target, s);
            const set = ENGINE_FLAGS[target][c.pid]!;
            for (const a of c.cmd.argv)
              if (a.startsWith('--')) expect(set.cli, `${a} in ${target} ${c.pid}`).toContain(a);
            for (const k of c.yaml.keys()) expect(set.yaml, `${k} in ${target} ${c.pid}`).toContain(k);
            for (const [knob, row] of Object.entries(KNOB_EXPORT[target]))
              expect(row.expressed(c), `${knob} (${row.how}) in ${target} ${c.pid}`).toBe(true);
          }),
          { numRuns: 25, seed: 12 },
        );
      });
    }

  it('disaggregated pools carry P/D flags only where the release line has them', () => {
    for (const engine of SCENARIO_ENGINES)
      for (const target of ENGINES) {
        const s = scenarioOf({
          model: 'llama-3.1-70b',
          cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
          plan: { tp: 4, prefill: { instances: 1, tp: 4 }, decode: { instances: 1, tp: 4 } },
          runtime: { engine },
        });
        const cmd = engineCommand(target, s);
        const pid = targetProfileId(target, resolveRuntime(s));
        for (const argv of [cmd.pools!.prefill, cmd.pools!.decode])
          for (const a of argv) if (a.startsWith('--')) expect(ENGINE_FLAGS[target][pid]!.cli).toContain(a);
      }
  });

  it('the exported memory fraction reproduces the plan’s KV pool under each engine’s meaning', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SCENARIO_ENGINES),
        fc.double({ min: 0.6, max: 0.95, noNaN: true }),
        fc.double({ min: 5, max: 60, noNaN: true }),
        fc.double({ min: 0.5, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 6, noNaN: true }),
        (engine, fraction, weightsGB, activationsGB, stateGB) => {
          const s = scenarioOf({
            model: 'llama-3.1-8b',
            cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 },
            runtime: { engine, gpuMemoryUtilization: fraction },
          });
          const rt = resolveRuntime(s);
          const capacityGB = 141;
          const reservedGB = 1.5;
          // The evaluation's pool under the scenario's own meaning (core/cost/memory.ts): KV + recurrent state.
          const pool = kvBudgetGB(
            rt.memorySemantics,
            capacityGB,
            fraction,
            weightsGB,
            activationsGB,
            reservedGB,
          ).freeGB;
          const mem = { weightsGB, activationsGB, reservedGB, capacityGB, stateGB, kvCacheGB: pool - stateGB };
          for (const target of ENGINES) {
            const c = ctxOf(target, s, mem);
            const flag = {
              vllm: '--gpu-memory-utilization',
              sglang: '--mem-fraction-static',
              trtllm: '--kv_cache_free_gpu_memory_fraction',
            }[target];
            const exported = Number(v(c, flag));
            const semantics = ({ vllm: 'share-of-total', sglang: 'weights-and-kv', trtllm: 'share-of-free' } as const)[
              target
            ];
            const got = kvBudgetGB(semantics, capacityGB, exported, weightsGB, activationsGB, reservedGB).freeGB;
            // Two decimals of a fraction of at most the whole GPU: within 0.005 × capacity.
            expect(Math.abs(got - pool), `${engine.name} ${engine.version} → ${target}`).toBeLessThanOrEqual(
              0.005 * capacityGB + 1e-9,
            );
          }
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });

  it('older release lines get their own spellings (examples)', () => {
    const on = (
      engine: Record<string, unknown>,
      plan: Record<string, unknown>,
      runtime: Record<string, unknown> = {},
    ) =>
      scenarioOf({
        model: 'deepseek-v3',
        cluster: { gpu: 'h200', nodes: 2, gpusPerNode: 8 },
        plan,
        precision: { weights: 'fp8', activations: 'bf16', kvCache: 'fp8' },
        runtime: { engine, ...runtime },
      });
    // vLLM 0.6 (V0): no --data-parallel-size; dp replicas are separate commands; chunked prefill takes True/False.
    const v06 = engineCommand('vllm', on({ name: 'vllm', version: '0.6.3' }, { tp: 4, dp: 2 }));
    expect(flagValue(v06.argv, '--data-parallel-size')).toBeNull();
    expect(flagValue(v06.argv, '--enable-chunked-prefill')).toBe('False');
    expect(v06.text).toMatch(/^# Plan has dp=2 replicas/m);
    // vLLM would refuse these budgets at start-up: the command says so.
    const tight = engineCommand(
      'vllm',
      on(
        { name: 'vllm', version: '0.19.0' },
        { tp: 8 },
        { maxNumSeqs: 512, maxBatchedTokens: 256, chunkedPrefill: false },
      ),
    );
    expect(tight.text).toMatch(/^# vLLM refuses --max-num-batched-tokens 256 below --max-num-seqs 512/m);
    expect(tight.text).toMatch(/^# Without chunked prefill vLLM refuses a token budget \(256\) below --max-model-len/m);
    // SGLang 0.4: expert parallelism through --enable-ep-moe; no --page-size.
    const s04 = engineCommand('sglang', on({ name: 'sglang', version: '0.4.3' }, { tp: 8, ep: 8 }));
    expect(s04.argv).toContain('--enable-ep-moe');
    expect(flagValue(s04.argv, '--ep-size')).toBe('8');
    expect(flagValue(s04.argv, '--page-size')).toBeNull();
    // TensorRT-LLM 0.19: graphs, overlap and the fp8 KV cache in pytorch_backend_config.
    const t019 = yamlOf(engineCommand('trtllm', on({ name: 'trtllm', version: '0.19.0' }, { tp: 8 })).text);
    expect(t019.get('pytorch_backend_config.use_cuda_graph')).toBe('true');
    expect(t019.get('pytorch_backend_config.enable_overlap_scheduler')).toBe('false');
    expect(t019.get('pytorch_backend_config.kv_cache_dtype')).toBe('fp8');
    expect(t019.has('cuda_graph_config')).toBe(false);
    const t13 = yamlOf(engineCommand('trtllm', on({ name: 'trtllm', version: '1.3.0' }, { tp: 8 })).text);
    expect(t13.get('kv_cache_config.dtype')).toBe('fp8');
    expect(t13.get('disable_overlap_scheduler')).toBe('false');
  });
});
