/**
 * Plan-search contract shared by core/search (enumerate, prune, rank), the worker pool, the CLI and
 * the UI. Plain data only: everything here crosses the worker boundary by structured clone.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { NamedKvStrategy } from '../kv/presets.ts';
import type { KvStrategyInput } from '../kv/types.ts';
import type { Plan, Scenario, ScenarioInput } from '../scenario/schema.ts';
import type { SearchStop } from './budget.ts';
import type { SpecChoice, SpeculativeOption } from './spec-choices.ts';

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
  /**
   * KV strategies to try (issue 6): preset names (core/kv/presets.ts — none, bf16, fp8, int8, int4,
   * kivi2, gear, h2o, sink-window, razor, topk-host, host-offload, fp8-h2o, prefix) or strategy
   * objects. Empty (default): the scenario's own runtime.kvStrategy. A strategy with a quant component
   * sets the KV format itself, so it is tried once (over a bf16 base), not once per KV dtype.
   */
  kvStrategies: (string | KvStrategyInput)[];
  /**
   * Rank approximate strategies from `kvStrategies` (2-4 bit KV, GEAR, eviction / sparse attention,
   * lossy RAG reuse, CacheGen). Default false: they are listed in `rejected` as "… not allowed: lossy".
   * The scenario's own runtime.kvStrategy is the user's choice and always allowed.
   */
  allowLossy: boolean;
  /** Rank near-lossless strategies (fp8 / int8 KV with scales, as engines deploy by default). Default true. */
  allowNearLossless?: boolean;
  /**
   * Speculative decoding settings to try (issue 13): "off" or runtime.speculative objects, e.g.
   * ["off", { method: "mtp", draftTokens: 1 }]. Empty / absent: the scenario's own setting.
   */
  speculative?: SpeculativeOption[];
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
  /**
   * Plans that leave GPUs idle: 'all' enumerates every replica count dp = 1 … ⌊GPUs / instance⌋
   * (fewer replicas can win on cost or energy under a fixed arrival rate); 'max' keeps only the
   * largest dp that fits. Either way a partial plan is whole DP replicas of one valid instance.
   */
  replicas: 'all' | 'max';
  /** Largest pipeline depth inside a disaggregated pool (1 = pools use TP/EP/attention-DP only). */
  disaggMaxPp: number;
  /** Rejected plans listed in the result (all are counted). */
  maxRejected: number;
  /**
   * Skip plans whose optimistic bounds cannot reach the top-k or the Pareto front (default true;
   * the result is the same either way — false evaluates every feasible plan, for checks and benches).
   */
  prune?: boolean;
  /**
   * Wall-time budget of the first pass in ms (search/budget.ts); absent: none. When it runs out the
   * search ranks what it evaluated and the result's `stopped` says how much it searched.
   */
  maxWallMs?: number;
}

/** The knobs one candidate sets on the base scenario; everything else is the scenario's. */
export interface PlanKnobs {
  /** 'colocated': plan.tp/pp/dp/ep/attentionDp; 'disaggregated': plan.prefill + plan.decode pools. */
  kind: 'colocated' | 'disaggregated';
  plan: Plan;
  kvDtype: Scenario['precision']['kvCache'];
  maxNumSeqs: number;
  maxBatchedTokens: number;
  /** The KV strategy this candidate runs (replaces runtime.kvStrategy; strategy null = none). Absent: the scenario's own. */
  kvStrategy?: NamedKvStrategy;
  /** The speculative-decoding choice (absent: the scenario's own). */
  speculative?: SpecChoice;
}

/** One candidate: the scenario with its plan/runtime knobs substituted. */
export interface Candidate {
  id: string;
  /** Position in the enumeration order (ties in ranking break on it, so results never depend on sharding). */
  index: number;
  /** Short label, e.g. "TP4 PP2 DP1 · fp8 KV · 256 seqs". */
  label: string;
  /** Parallelism family used to colour the Pareto chart, e.g. "TP4·PP2". */
  group: string;
  knobs: PlanKnobs;
  /**
   * The base scenario with the knobs applied. Model, cluster, workload and SLO objects are shared
   * by reference with the base, so a structured clone of many candidates copies them once.
   */
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
  /** Objective values (natural units, e.g. ms, tok/s/GPU) for the primary and secondary objective. */
  value: number;
  secondaryValue: number;
  /** Its tier under the ranking rule (search/ranking.ts): 1 meets the SLO at the load, 2 misses it, 3 overloaded. */
  tier?: LoadTier;
  /**
   * Plans collapsed into this row (search/collapse.ts): the same layout with other knobs (maxNumSeqs,
   * chunk size, an equivalent KV strategy) that did not bind, so their numbers are this row's.
   */
  variants?: { id: string; label: string }[];
}

/** 1: meets the SLO at the offered load; 2: carries the load, misses the SLO; 3: overloaded. */
export type LoadTier = 1 | 2 | 3;

/** What the offered load needs, in words (search/ranking.ts loadVerdict). */
export interface LoadVerdict {
  /** 'meets-slo': some plan carries the load within SLO; 'misses-slo': plans carry it but miss the SLO; 'overloaded': none keeps up. */
  kind: 'meets-slo' | 'misses-slo' | 'overloaded';
  /** Requests/s offered (null for offline / closed-loop workloads). */
  offeredReqPerSec: number | null;
  clusterGpus: number;
  /** The plan the sentence names: the fewest GPUs within SLO, or the best there is. */
  plan: { id: string; label: string; gpus: number; reqPerSec: number };
  /** e.g. "4 of your 8 GPUs carry 5 req/s within SLO (TP4 DP1)". */
  message: string;
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
  /** 'closed-form' while candidates are screened and scored; 'simulation' during the second pass. */
  phase?: 'closed-form' | 'simulation';
  /** Second pass: plans simulated so far, of how many. */
  simulated?: { done: number; total: number };
}

/** What one shard (index % of === shard) found: enough for an exact merge. */
export interface ShardResult {
  shard: number;
  of: number;
  objective: Objective;
  secondary: Objective;
  /** The shard's top max(top, simulateTop) plans plus its Pareto front, best first. */
  kept: RankedPlan[];
  /** Infeasible plans in enumeration order, at most options.maxRejected. */
  rejected: RejectedPlan[];
  counts: { enumerated: number; infeasible: number; pruned: number; evaluated: number };
  elapsedMs: number;
  /** The offered load and cluster size the ranking rule needs (search/ranking.ts); absent from older shards. */
  load?: { offeredReqPerSec: number | null; clusterGpus: number };
  /** Index (in `kept`) of the share's fewest-GPU plan meeting the SLO at the offered load, if any. */
  needIndex?: number;
  /** Present when the budget (options.maxWallMs) stopped the shard before its share was searched. */
  stopped?: SearchStop;
}

export interface SearchResult {
  objective: Objective;
  secondary: Objective;
  ranked: RankedPlan[];
  /** Plans ranked after `top`, kept up to simulateTop so a second pass can re-rank them. */
  runnersUp?: RankedPlan[];
  /** The Pareto front over (objective, secondary), ordered by the primary objective. */
  pareto: RankedPlan[];
  /** Infeasible plans, lowest enumeration index first, at most options.maxRejected (all are counted). */
  rejected: RejectedPlan[];
  /** Candidates enumerated, rejected, pruned by bounds, evaluated in the first pass, and simulated. */
  counts: { enumerated: number; infeasible: number; pruned: number; simulated: number; evaluated?: number };
  elapsedMs: number;
  /** Present when the time budget stopped the first pass: the plans rank among those searched, and `message` says so. */
  stopped?: SearchStop;
  /** What the offered load needs: "4 of your 8 GPUs carry 5 req/s within SLO", or the overload verdict. */
  verdict?: LoadVerdict;
  /** The offered load and cluster size the ranking used. */
  load?: { offeredReqPerSec: number | null; clusterGpus: number };
}

/** Size of the space before running, by part, so the UI can show it and say what to narrow. */
export interface CandidateCount {
  total: number;
  colocated: number;
  disaggregated: number;
  /** Runtime knob combinations multiplied into every structural plan (KV strategies × KV dtypes × seqs × chunk sizes). */
  knobCombos: number;
  /** Structural plans (parallel layouts) before the runtime knobs. */
  structural: { colocated: number; disaggregated: number };
  /** True when total > options.maxCandidates. */
  tooLarge: boolean;
}

/** Any scenario → result estimator (closed-form steady state, or the simulator). */
export type Evaluator = (scenario: Scenario) => EvaluationResult;
