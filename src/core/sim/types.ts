/** The simulator's input and output shapes (simulate() in engine.ts fills a SimRaw). */
import type { HandoffLink } from '../cost/handoff.ts';
import type { Deployment } from '../cost/deployment.ts';
import type { PoolRole } from '../cost/pools.ts';
import type { RequestSpec } from '../workload/types.ts';
import type { PrefixModel } from './requests.ts';
import type { LogHistogram } from './stats.ts';

export interface SimPoolInput {
  role: PoolRole;
  dep: Deployment;
  instances: number;
  /** KV tokens one attention-DP group holds (memoryReport(dep).maxKvTokensPerGroup). */
  kvTokensPerGroup: number;
  /** Multi-turn reuse: the hit rate the host store sustains (default: the strategy's configured rate). */
  multiTurnHitRate?: number;
}

/** Prefill → decode KV link (disaggregation): the shared hand-off model (cost/handoff.ts). */
export type KvTransferLink = HandoffLink;

export interface SimInput {
  pools: SimPoolInput[];
  requests: readonly RequestSpec[];
  closedLoopUsers: number | null;
  /**
   * Closed loop: requests 0..warmupRequests−1 are a warm-up phase the clients finish before the measured phase
   * starts (benchmark clients run the phases one after the other), so the measured phase opens with all users
   * sending together. No barrier when there are fewer warm-up requests than users.
   */
  warmupRequests?: number;
  prefix: PrefixModel;
  kvTransfer: KvTransferLink | null;
  maxIterations: number;
  /** Iteration rows kept for the timeline (0 = none). */
  timelineIterations: number;
  /** Simulate every decode step as its own event (tests compare this against the merged runs). */
  disableLeaps?: boolean;
  /** Work budget per call (see SimBudget); the run stops with partial statistics when it is spent. */
  budget?: SimBudget;
}

/**
 * Work bounds for one simulate() call. Events are deterministic (same input, same cut); wall time is
 * not, so it is off unless the caller sets it (the worker uses 1 s, the CLI 5 s).
 */
export interface SimBudget {
  /** Events (arrivals, launches/wake-ups, transfers) processed at most; default DEFAULT_MAX_SIM_EVENTS. */
  maxEvents?: number;
  /** Wall-clock milliseconds at most (checked before every event; one event is bounded work); default none. */
  maxWallMs?: number;
}

/** Default event cap: ~10 s of the slowest (per-step costed) events, far above any drained workload here. */
export const DEFAULT_MAX_SIM_EVENTS = 20_000_000;

/** Why a run stopped early because its budget was spent (null when it was not). */
export interface SimPartial {
  reason: string;
  events: number;
}

export const STATUS_UNFINISHED = 0;
export const STATUS_DONE = 1;
export const STATUS_REJECTED = 2;

export interface IterationTimeline {
  /** Rows stored (≤ the cap); `total` counts every row the run produced. */
  count: number;
  total: number;
  startS: Float64Array;
  durationS: Float64Array;
  instance: Int32Array;
  prefillTokens: Int32Array;
  decodeSeqs: Int32Array;
  /** Identical consecutive decode iterations merged into this row (1 for ordinary rows). */
  steps: Int32Array;
}

export {
  TIER_TRANSFER_KINDS,
  XFER_D2H,
  XFER_H2D,
  XFER_TO_NVME,
  XFER_FROM_NVME,
  type TierTransferKind,
} from '../kv/transfers.ts';

/** Transfers between HBM and the host / NVMe tiers, one row per direction per iteration that moved KV. */
export interface TierTransferTimeline {
  count: number;
  total: number;
  startS: Float64Array;
  durationS: Float64Array;
  instance: Int32Array;
  /** Index into TIER_TRANSFER_KINDS. */
  kind: Uint8Array;
  bytes: Float64Array;
  /** 0 = swap (preemption), 1 = multi-turn reload. */
  cause: Uint8Array;
}

/** KV bytes per memory tier over the whole plan, sampled like `kvT`, and the byte counters. */
export interface TierUsage {
  t: Float64Array;
  hbmBytes: Float64Array;
  hostBytes: Float64Array;
  ssdBytes: Float64Array;
  /** Capacities over the plan (Infinity: unbounded host without an offload component). */
  capacity: { hbmBytes: number; hostBytes: number; ssdBytes: number };
  /** HBM → host (swap out), host → HBM (swap in), HBM → NVMe and NVMe → HBM, bytes. */
  d2hBytes: number;
  h2dBytes: number;
  toSsdBytes: number;
  fromSsdBytes: number;
  /** Multi-turn KV loaded from the host store (not part of the swap-space balance). */
  reloadBytes: number;
  /** Seconds the host link / NVMe spent on these transfers (summed over instances). */
  transferS: number;
  /** Preemptions that fell back to recompute because the tiers were full. */
  swapFallbacks: number;
}

export interface SimPoolStats {
  role: PoolRole;
  instances: number;
  gpus: number;
  pp: number;
  /** Σ over instances and stages of busy seconds (a stage's GPUs are busy together). */
  busyStageS: number;
  kvTokensPerGroup: number;
  groupsPerInstance: number;
}

export interface SimRaw {
  n: number;
  arrivalS: Float64Array;
  prefillStartS: Float64Array;
  firstTokenS: Float64Array;
  endS: Float64Array;
  /** Final serving instance (global index: pools in order, instances within). */
  instance: Int32Array;
  /** Instance that ran the prompt (= instance unless disaggregated). */
  prefillInstance: Int32Array;
  inputTokens: Int32Array;
  outputTokens: Int32Array;
  status: Uint8Array;
  /** Prefill end → KV landed on the decode instance, seconds (NaN when not disaggregated). */
  kvTransferS: Float64Array;
  itl: LogHistogram;
  iterations: number;
  launches: number;
  costCalls: number;
  preemptions: number;
  recomputedTokens: number;
  swapOutTokens: number;
  swapInTokens: number;
  /** Prompt tokens computed (first prefills, chunks and recomputation; prefix hits excluded). */
  prefillTokens: number;
  /** Tokens emitted after each request's first token. */
  decodeTokens: number;
  prefixHitTokens: number;
  /** Prompt tokens of first admissions (the prefix hit-rate denominator). */
  promptTokensAdmitted: number;
  rejectReason: string | null;
  /** Admission attempts stopped by KV space / by maxNumSeqs. */
  blockedByKv: number;
  blockedBySeqs: number;
  /** Largest running list any group reached, and its time-averaged size per instance. */
  peakRunningPerGroup: number;
  kvT: Float64Array;
  kvFrac: Float64Array;
  peakKvFraction: number;
  /** Waiting (not yet started) requests sampled at each arrival. */
  queueT: Float64Array;
  queueLen: Float64Array;
  pools: SimPoolStats[];
  /** Memory tiers (HBM / host / NVMe); null unless swap preemption or an offload strategy is in play. */
  tiers: TierUsage | null;
  /** Tier transfers, for the Gantt (rows up to the timeline cap). */
  tierTransfers: TierTransferTimeline;
  firstArrivalS: number;
  lastEndS: number;
  /** Why the run stopped early, or null. */
  truncated: string | null;
  /** Set when the work budget (SimInput.budget) stopped the run: the statistics cover part of the workload. */
  partial: SimPartial | null;
  /** Events the main loop processed. */
  events: number;
  timeline: IterationTimeline;
}
