/**
 * Hostile-but-valid scenarios of issues 10 and 16 (bounded work, finite results), shared by the
 * regression tests (bounds.test.ts) and the timing bench (bench/bounds.ts). Raw scenario inputs:
 * parse them with `parseScenario`.
 */
const h100x8 = { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 };

export const BOUNDS_CASES = {
  /** Lognormal prompts with a 5.6·10¹¹-token mean before clamping, on a P/D plan (closed form took 54 s). */
  lognormalPd: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: h100x8,
    plan: { prefill: { instances: 1, tp: 4 }, decode: { instances: 1, tp: 4 } },
    workload: {
      requests: 200,
      input: { kind: 'lognormal', median: 2097152, sigma: 5 },
      arrival: { kind: 'poisson', ratePerSec: 1 },
    },
  },
  /** The same lengths on a colocated plan. */
  lognormalColocated: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    workload: {
      requests: 200,
      input: { kind: 'lognormal', median: 2097152, sigma: 5 },
      arrival: { kind: 'poisson', ratePerSec: 1 },
    },
  },
  /** One 2,097,152-token prompt cannot be held by one L4 (was fits: true, maxConcurrentSeqs 0, Infinity metrics). */
  l4LongPrompt: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'l4', nodes: 1, gpusPerNode: 1 },
    workload: { requests: 4, inputTokens: 2097152, outputTokens: 16, arrival: { kind: 'offline' } },
  },
  /** One output token per request: TPOT has no inter-token gap (simulator gave NaN, closed form 15 ms). */
  oneTokenOutput: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    workload: { requests: 50, inputTokens: 512, outputTokens: 1, arrival: { kind: 'poisson', ratePerSec: 5 } },
  },
  /** KIVI-2 + H2O, one sequence at a time, 262,144 output tokens (took 72 s; 20 ms without the strategy). */
  kiviH2oLongOutput: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    runtime: {
      maxNumSeqs: 1,
      kvStrategy: { quant: { dtype: 'kivi2' }, evict: { policy: 'h2o', budgetFraction: 0.2 } },
    },
    workload: { requests: 2, inputTokens: 1024, outputTokens: 262144, arrival: { kind: 'offline' } },
  },
  /** The same without the KV strategy (merged decode runs). */
  plainLongOutput: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    runtime: { maxNumSeqs: 1 },
    workload: { requests: 2, inputTokens: 1024, outputTokens: 262144, arrival: { kind: 'offline' } },
  },
  /** Many long outputs competing for the KV cache (preemptions every few steps). */
  manyLongOutputs: {
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
    workload: { requests: 400, inputTokens: 2048, outputTokens: 65536, arrival: { kind: 'offline' } },
  },
  /** DeepSeek-V3 on 2×8 H200, TP8 · EP16 · ADP2, swap preemption, a shared 4,096-token prefix, 4,000 Poisson requests (hung). */
  deepseekSwapShare: {
    version: 1,
    model: 'deepseek-v3',
    cluster: { gpu: 'h200', nodes: 2, gpusPerNode: 8 },
    plan: { tp: 8, ep: 16, attentionDp: 2 },
    runtime: { preemption: 'swap', kvStrategy: { share: { prefixTokens: 4096 } } },
    workload: {
      requests: 4000,
      inputTokens: 8192,
      outputTokens: 1024,
      arrival: { kind: 'poisson', ratePerSec: 40 },
    },
  },
} as const;

export type BoundsCase = keyof typeof BOUNDS_CASES;
