/**
 * Workload presets for the editor, each fitted to a public trace. The scenario schema holds mean
 * lengths (fixed input/output tokens) and an arrival process, so each preset is the trace's mean
 * prompt and output length and its mean arrival rate (Poisson), with the trace cited. Statistics
 * are the computed ones in data/reference/traces/FORMATS.md unless the note says otherwise.
 */
import type { Workload } from '../scenario/schema.ts';

export interface WorkloadPreset {
  id: 'chat' | 'code' | 'long-context' | 'agentic';
  label: string;
  workload: Pick<Workload, 'inputTokens' | 'outputTokens' | 'arrival'> & { requests: number };
  /** Engine features the trace's shape calls for (the editor offers to switch them on). */
  suggests: { prefixCaching: boolean };
  /** Where the numbers come from. */
  source: string;
  /** One line on what the numbers are, and what is assumed. */
  note: string;
}

export const WORKLOAD_PRESETS: readonly WorkloadPreset[] = Object.freeze([
  {
    id: 'chat',
    label: 'Chat',
    workload: { inputTokens: 1155, outputTokens: 211, arrival: { kind: 'poisson', ratePerSec: 5.53 }, requests: 2000 },
    suggests: { prefixCaching: false },
    source:
      'Azure LLM inference trace 2023, conversation (AzurePublicDataset AzureLLMInferenceTrace_conv.csv; Patel et al., Splitwise, ISCA 2024; CC-BY 4.0)',
    note: '19,366 requests over 3,502 s: mean prompt 1,155 tokens (p50 1,020, p99 4,142), mean output 211 (p50 129), mean rate 5.53 req/s.',
  },
  {
    id: 'code',
    label: 'Code',
    workload: { inputTokens: 2048, outputTokens: 28, arrival: { kind: 'poisson', ratePerSec: 2.57 }, requests: 2000 },
    suggests: { prefixCaching: false },
    source:
      'Azure LLM inference trace 2023, code (AzurePublicDataset AzureLLMInferenceTrace_code.csv; Patel et al., Splitwise, ISCA 2024; CC-BY 4.0)',
    note: '8,819 requests over 3,436 s: mean prompt 2,048 tokens (p50 1,469, p99 7,436), mean output 27.9 (p50 13), mean rate 2.57 req/s.',
  },
  {
    id: 'long-context',
    label: 'Long context',
    workload: { inputTokens: 15325, outputTokens: 149, arrival: { kind: 'poisson', ratePerSec: 3.91 }, requests: 1000 },
    suggests: { prefixCaching: true },
    source:
      "Mooncake FAST'25 synthetic trace (kvcache-ai/Mooncake FAST25-release/traces/synthetic_trace.jsonl, built from public long-document datasets; Qin et al., FAST 2025; Apache-2.0)",
    note: '3,993 requests, Poisson arrivals at 3.91 req/s: mean prompt 15,325 tokens (p50 11,587, p99 66,456), mean output 149; 64% of prompt blocks repeat an earlier prefix.',
  },
  {
    id: 'agentic',
    label: 'Agentic',
    workload: { inputTokens: 8596, outputTokens: 182, arrival: { kind: 'concurrency', users: 32 }, requests: 2000 },
    suggests: { prefixCaching: true },
    source:
      "Mooncake FAST'25 tool-agent trace (kvcache-ai/Mooncake FAST25-release/traces/toolagent_trace.jsonl; mean lengths from the release README; Qin et al., FAST 2025; Apache-2.0)",
    note: '23,608 requests: mean prompt 8,596 tokens, mean output 182 (README averages). Arrivals are an assumption, not from the trace: 32 agents in a closed loop, each sending its next turn as soon as the last one finishes.',
  },
]);

export function getWorkloadPreset(id: string): WorkloadPreset | undefined {
  return WORKLOAD_PRESETS.find((p) => p.id === id);
}

/** The preset whose lengths and arrivals equal the workload's, if any (to show it as selected). */
export function matchWorkloadPreset(w: Workload): WorkloadPreset | undefined {
  if (w.input || w.output || w.trace) return undefined;
  return WORKLOAD_PRESETS.find(
    (p) =>
      p.workload.inputTokens === w.inputTokens &&
      p.workload.outputTokens === w.outputTokens &&
      JSON.stringify(p.workload.arrival) === JSON.stringify(w.arrival),
  );
}
