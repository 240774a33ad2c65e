/** One benchmark run as the parsers read it: what ran (as far as the file says) and what it measured. */
import type { CalMetric } from './schema.ts';

export const BENCH_FORMATS = ['vllm-bench-serve', 'sglang-bench-serving', 'aiperf', 'trtllm-bench'] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];

export interface BenchPoint {
  format: BenchFormat;
  /** Where it came from: "file.json", "file.jsonl line 3". */
  where: string;
  /** What the file (or the user, through its metadata) says ran. Absent = the file does not say. */
  model?: string;
  gpu?: string;
  /** GPUs the server used (tp·pp·dp where the file gives them). */
  gpus?: number;
  tp?: number;
  engine?: 'vllm' | 'sglang' | 'trtllm';
  engineVersion?: string;
  /** Load: closed loop of `concurrency` clients, or Poisson arrivals at `requestRate`, or offline (all at once). */
  concurrency?: number;
  requestRate?: number;
  /** Requests completed and mean tokens per request. */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Means, as the tool reports them (ms; tokens/s over all GPUs). */
  measured: Partial<Record<CalMetric, number>>;
}

export type ParseOutcome = { ok: true; points: BenchPoint[]; warnings: string[] } | { ok: false; message: string };
