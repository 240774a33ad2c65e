/**
 * The scenario a first visit starts from: the five-minute flow the planner is built around —
 * Llama 3.1 70B on two 8×H100 nodes, chat-shaped traffic (Azure 2023 conversation trace lengths)
 * at 20 req/s, TTFT under 1 s.
 */
import { scenarioSchema, type Scenario } from '../core/scenario/schema.ts';

export const DEFAULT_SCENARIO: Scenario = scenarioSchema.parse({
  version: 1,
  model: 'llama-3.1-70b',
  precision: { weights: 'bf16', activations: 'bf16', kvCache: 'bf16' },
  cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
  plan: { tp: 8, pp: 1, dp: 2, ep: 1, attentionDp: 1 },
  runtime: {
    maxNumSeqs: 256,
    maxBatchedTokens: 8192,
    chunkedPrefill: true,
    gpuMemoryUtilization: 0.9,
    kvBlockSize: 16,
    prefixCaching: false,
  },
  workload: { inputTokens: 1155, outputTokens: 211, requests: 2000, arrival: { kind: 'poisson', ratePerSec: 20 } },
  slo: { ttftMs: 1000, tpotMs: 100 },
});
