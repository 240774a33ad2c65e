/**
 * Plan-search contract shared by core/search (enumerate, prune, rank), the worker pool, the CLI and
 * the UI. Plain data only: everything here crosses the worker boundary by structured clone.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { ScenarioInput } from '../scenario/schema.ts';

export type Objective =
  | 'throughput-per-gpu' // max output tok/s per GPU
  | 'goodput' // max goodput (req/s meeting both SLOs)
  | 'ttft-p50'
  | 'ttft-p99'
  | 'tpot-p50'
  | 'tpot-p99' // min
  | 'cost' // min $/Mtok
  | 'energy'; // min J/token

export interface SearchOptions {
  /** Primary objective (ranking) and the second axis of the Pareto front. */
  objective: Objective;
  secondary: Objective;
  /** Allow tensor parallel groups to cross the NVLink domain. */
  allowTpAcrossNodes: boolean;
  /** Consider prefill/decode disaggregated plans. */
  allowDisaggregation: boolean;
  /** KV dtypes to try (defaults to the scenario's). */
  kvDtypes: string[];
  /** maxNumSeqs values to try (defaults to the scenario's). */
  maxNumSeqs: number[];
  /** maxBatchedTokens (chunk size) values to try (defaults to the scenario's). */
  maxBatchedTokens: number[];
  /** Refuse to run when the space exceeds this many candidates. */
  maxCandidates: number;
  /** How many plans to simulate after the closed-form first pass. */
  simulateTop: number;
  /** Rows returned in the ranked table. */
  top: number;
}

/** One candidate: the scenario with its plan/runtime knobs substituted. */
export interface Candidate {
  id: string;
  /** Short label, e.g. "TP4 PP2 DP1 · fp8 KV · 256 seqs". */
  label: string;
  /** Parallelism family used to colour the Pareto chart, e.g. "TP4·PP2". */
  group: string;
  scenario: ScenarioInput;
}

export interface RankedPlan {
  candidate: Candidate;
  result: EvaluationResult;
  /** 'simulation' for the survivors that were simulated, 'steady-state' otherwise. */
  method: 'steady-state' | 'simulation';
  onPareto: boolean;
  /** Why it ranks where it does (e.g. "fp8 KV doubles concurrency: 2.1× goodput"). */
  reason: string;
}

export interface RejectedPlan {
  candidate: Candidate;
  /** e.g. "weights 81.2 GB > 72 GB budget per GPU at TP1". */
  reason: string;
}

export interface SearchProgress {
  done: number;
  total: number;
  bestLabel: string | null;
  bestValue: number | null;
}

export interface SearchResult {
  objective: Objective;
  secondary: Objective;
  ranked: RankedPlan[];
  rejected: RejectedPlan[];
  /** Candidates enumerated, pruned by bounds, and simulated. */
  counts: { enumerated: number; infeasible: number; pruned: number; simulated: number };
  elapsedMs: number;
}
