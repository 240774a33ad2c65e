/**
 * Discrete-event serving simulator: iteration-level (continuous) batching in the style of vLLM v1 /
 * SGLang, over one pool of identical instances (aggregated serving, `dp` replicas) or two pools
 * (prefill/decode disaggregation). Pure TypeScript, no I/O, deterministic: the same input gives the
 * same output in Node and in a Web Worker (no randomness here; the request list is seeded upstream).
 *
 * Model, per instance (one model replica: tp·attentionDp·pp GPUs):
 * - attention-DP groups: each group is its own scheduler (waiting queue, running list, paged KV
 *   pool of `memoryReport(dep).maxKvTokensPerGroup` tokens). Groups run in lock-step (MoE layers
 *   synchronise them): one iteration carries every group's sequences and is costed as one combined
 *   BatchShape (iterationCost spreads it evenly over the groups).
 * - scheduler per group, per iteration (vLLM v1 `Scheduler.schedule`): a token budget of
 *   `maxBatchedTokens`; at most `maxNumSeqs` running sequences.
 *     decode-first: running requests first (decodes and continuing prompt chunks, in admission
 *       order), then new requests FCFS from the waiting queue with the remaining budget.
 *     prefill-first: continuing prompt chunks and new requests first; if any prompt work was
 *       scheduled the iteration is prefill-only (decodes wait), otherwise it decodes (vLLM v0's
 *       default scheduler, SGLang without mixed chunks).
 *   Chunked prefill on: a prompt takes min(remaining prompt, remaining budget) tokens. Off: a prompt
 *   is scheduled whole, only if it fits the remaining budget (or is the group's first work this
 *   iteration, so prompts longer than the budget still run).
 * - paged KV: KV is allocated for the tokens scheduled (ceil(tokens / kvBlockSize) blocks; sliding-
 *   window layers hold at most the window). New requests are admitted only if `kvWatermark` of the
 *   blocks stays free. When a running request cannot get a block, the most recently admitted request
 *   that is not in flight is preempted (vLLM v1 `running.pop()`), possibly the request itself:
 *   recompute (and SGLang's retract) drops its KV and re-prefills prompt + generated tokens later;
 *   reserve (TRT-LLM GUARANTEED_NO_EVICT) admits a request only with KV for its whole length, so it
 *   never preempts; swap copies its KV to
 *   host memory over `gpu.hostLinkGBps` and back on re-admission, adding both copies to the
 *   iterations that do them. Preempted requests go back to the head of the waiting queue.
 * - pipeline parallelism: up to pp micro-batches in flight (vLLM virtual engines / batch queue).
 *   A micro-batch holds the sequences that are not already in flight; it passes the stages in order,
 *   each stage busy for its share of IterationCost.stageTimesS (+ the host/launch overhead split over
 *   stages) and the stage-to-stage send in between, so a token's latency includes the whole pipeline
 *   and the bubbles appear whenever fewer than pp micro-batches are ready.
 * - prefix caching: an LRU over block hashes per group (prefix.ts); hit tokens skip prefill compute
 *   but still occupy KV.
 * Between instances: a router (round-robin, least-outstanding, prefix-affinity); with
 * disaggregation, the prefill pool computes each prompt, then its KV crosses the link to a decode
 * instance (bytes = prompt KV at the KV dtype), transfers queue FIFO on the sender's and the
 * receiver's link, the prefill KV is freed when the copy lands, and the decode instance computes the
 * last prompt token and emits the first token (vLLM's NIXL/P2P connectors load prompt−1 tokens).
 *
 * KV strategy (runtime.kvStrategy, core/kv/engine.ts): the KV pool and each sequence's blocks are
 * counted at the strategy's format and budget (quantized bytes, eviction budget, residual window,
 * shared prefix held once per group; vAttention grows a page at a time), decode steps read the
 * strategy's bytes, and the memory tiers are tracked: HBM (the paged pool), host DRAM and NVMe. With an
 * offload component the tiers are the swap space (vLLM's `swap_space` per GPU; FastSwitch-style swap
 * preemption): a preempted sequence's KV goes to host, then NVMe, while they have room (else it is
 * recomputed), over the host link (NVMe at its own rate), and multi-turn reuse loads a `hitRate` share
 * of each prompt's KV from host instead of prefilling it. Without an offload component swapped KV goes
 * to an unbounded host, as before. Every tier transfer (D2H, H2D, to/from NVMe) is a timeline row and
 * the tiers' occupancy is sampled over time; the byte counters conserve: what left HBM for a tier is in
 * it or came back.
 * Speed: per-sequence work is O(1) per token; a run of identical decode-only iterations (pp = 1,
 * nothing admissible, no completion) is one event whose steps cost O(1) each (stepcost.ts), cut
 * short when a request is routed to the instance mid-run.
 */
import { handoffLink, handoffSeconds, type HandoffLink } from '../cost/handoff.ts';
import type { Deployment } from '../cost/deployment.ts';
import { geometryOf } from '../cost/geometry.ts';
import type { PoolRole, ResolvedPools } from '../cost/pools.ts';
import type { ResolvedRuntime as Runtime } from '../engine/resolve.ts';
import type { RequestSpec } from '../workload/types.ts';
import { kvBlockTokens } from '../cost/memory.ts';
import { kvEngineOf, promptHandoffBytes, type KvEngine } from '../kv/engine.ts';
import { kvLayerCount, kvLayersPerStage } from '../model/params.ts';
import { XFER_D2H, XFER_FROM_NVME, XFER_H2D, XFER_TO_NVME } from '../kv/transfers.ts';
import { GB } from '../units.ts';
import { PrefixCache } from './prefix.ts';
import type { PrefixModel } from './requests.ts';
import { GrowableF64, IntDeque, LogHistogram } from './stats.ts';
import { StepCoster, type StepTimes } from './stepcost.ts';

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
  /** Closed loop: when each user's first request arrives, seconds (absent = all at t = 0). */
  closedLoopStartS?: Float64Array;
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

/** Outstanding-request slack of the prefix-affinity router (SGLang router `balance_abs_threshold`, 32). */
export const PREFIX_AFFINITY_SLACK = 32;

/** Most decode steps one stepwise leap (KV strategies) merges into one event. */
export const STEPWISE_LEAP_STEPS = 512;

// Request states.
// 0 = not arrived yet (typed arrays start at 0).
const S_WAITING = 1;
const S_RUNNING = 2;
const S_TRANSFER = 3;
const S_DONE = 4;
const S_REJECTED = 5;

// Event kinds and classes (same-time order: arrivals and transfers before instance wake-ups).
const EV_ARRIVAL = 0;
const EV_XFER = 1;
const EV_WAKE = 2;

// Scheduling passes.
const PASS_ALL = 0;
const PASS_PREFILL = 1;
const PASS_DECODE = 2;

/** Binary min-heap of events keyed by (time, class, sequence), struct-of-arrays. */
class EventHeap {
  private t = new Float64Array(256);
  private cls = new Int32Array(256);
  private seq = new Float64Array(256);
  private kind = new Int32Array(256);
  private a = new Int32Array(256);
  private b = new Int32Array(256);
  size = 0;
  private counter = 0;

  private grow(): void {
    const n = this.t.length * 2;
    const ft = new Float64Array(n);
    ft.set(this.t);
    this.t = ft;
    const fs = new Float64Array(n);
    fs.set(this.seq);
    this.seq = fs;
    for (const k of ['cls', 'kind', 'a', 'b'] as const) {
      const x = new Int32Array(n);
      x.set(this[k]);
      this[k] = x;
    }
  }

  private less(i: number, j: number): boolean {
    const ti = this.t[i]!;
    const tj = this.t[j]!;
    if (ti !== tj) return ti < tj;
    const ci = this.cls[i]!;
    const cj = this.cls[j]!;
    if (ci !== cj) return ci < cj;
    return this.seq[i]! < this.seq[j]!;
  }

  private swap(i: number, j: number): void {
    let x: number = this.t[i]!;
    this.t[i] = this.t[j]!;
    this.t[j] = x;
    x = this.seq[i]!;
    this.seq[i] = this.seq[j]!;
    this.seq[j] = x;
    x = this.cls[i]!;
    this.cls[i] = this.cls[j]!;
    this.cls[j] = x;
    x = this.kind[i]!;
    this.kind[i] = this.kind[j]!;
    this.kind[j] = x;
    x = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = x;
    x = this.b[i]!;
    this.b[i] = this.b[j]!;
    this.b[j] = x;
  }

  push(t: number, cls: number, kind: number, a: number, b: number): void {
    if (this.size === this.t.length) this.grow();
    let i = this.size++;
    this.t[i] = t;
    this.cls[i] = cls;
    this.seq[i] = this.counter++;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    // Terminates: i halves each pass (sift-up, ≤ log2(size) passes).
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  topT(): number {
    return this.size > 0 ? this.t[0]! : Infinity;
  }
  topCls(): number {
    return this.size > 0 ? this.cls[0]! : -1;
  }

  /** Pop the top into `out` = [t, kind, a, b]. */
  pop(out: Float64Array): void {
    out[0] = this.t[0]!;
    out[1] = this.kind[0]!;
    out[2] = this.a[0]!;
    out[3] = this.b[0]!;
    const last = --this.size;
    if (last > 0) {
      this.t[0] = this.t[last]!;
      this.cls[0] = this.cls[last]!;
      this.seq[0] = this.seq[last]!;
      this.kind[0] = this.kind[last]!;
      this.a[0] = this.a[last]!;
      this.b[0] = this.b[last]!;
      let i = 0;
      // Terminates: i at least doubles each pass and the loop breaks once it has no child (sift-down).
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
  }
}

interface Group {
  waiting: IntDeque;
  running: number[];
  free: number;
  outstanding: number;
  cache: PrefixCache | null;
  /** Leap scratch: KV units needed per block phase, and the free units left. */
  bucket: Float64Array | null;
  tmpFree: number;
}

interface PoolState {
  role: PoolRole;
  dep: Deployment;
  rt: Runtime;
  coster: StepCoster;
  times: StepTimes;
  insts: Inst[];
  pp: number;
  bs: number;
  /** KV units per block: full-attention layers, and sliding layers while within the window. */
  wf: number;
  ws: number;
  window: number;
  capUnits: number;
  wmUnits: number;
  kvTokensPerGroup: number;
  rr: number;
  busyStageS: number;
  gpus: number;
  /** Per-token, per-stage swap seconds: KV bytes of the stage's layers on one GPU / host link. */
  swapSPerTokenStage: Float64Array;
  /** Same over NVMe (its read rate, bounded by the host link); zeros without an NVMe tier. */
  ssdSPerTokenStage: Float64Array;
  /** The deployment's KV strategy (null: plain paged KV). */
  kv: KvEngine | null;
  /** Layers (units per block row). */
  layers: number;
  /** KV bytes of one unit (a block of one layer) over the group's GPUs. */
  unitBytes: number;
  /** KV bytes of one swapped token over all layers on the group's GPUs (CacheGen does not apply to swaps). */
  tokenBytes: number;
  /** Units of the shared prefix reserved once per group. */
  sharedUnits: number;
  /** Host / NVMe swap space per instance, bytes (Infinity / 0 without an offload component). */
  hostCapBytes: number;
  ssdCapBytes: number;
  /** An offload component makes the tiers the swap space: preempted KV swaps whatever runtime.preemption says. */
  offloadSwap: boolean;
  /** Shared-prefix tokens every prompt skips (share.prefixTokens), and the multi-turn hit rate. */
  sharedPrefixTokens: number;
  multiTurnHitRate: number;
  /** CacheGen compression of multi-turn reloads. */
  reloadRatio: number;
  /**
   * Runs of decode steps may be merged: a sequence holds ⌈t / block⌉ blocks per layer (plain paged KV,
   * or a strategy without eviction, residual window or shared prefix) and steps cost affinely in Σ ctx.
   */
  leapsOk: boolean;
}

interface Inst {
  idx: number;
  pool: PoolState;
  groups: Group[];
  stageFree: Float64Array;
  inflight: MicroBatch[];
  wakeAt: number;
  wakeVer: number;
  outstanding: number;
  sendFree: number;
  recvFree: number;
  /** Swapped KV held in this instance's host / NVMe swap space, bytes. */
  hostUsed: number;
  ssdUsed: number;
}

class MicroBatch {
  inst!: Inst;
  startS = 0;
  endS = 0;
  busyS = 0;
  steps = 1;
  count = 0;
  ids = new Int32Array(64);
  toks = new Int32Array(64);
  prefillTokens = 0;
  decodeSeqs = 0;
  // Leap (run of identical decode steps) parameters: step j costs a + b·(k1 + n(j−1)) + bw·(kw1 + nBelow(j−1)).
  a = 0;
  b = 0;
  bw = 0;
  k1 = 0;
  kw1 = 0;
  nBelow = 0;
  /**
   * Stepwise leap (KV strategies, whose blocks and step costs are not affine in the context): the
   * cumulative duration of steps 1..j at index j − 1 (null for an affine leap).
   */
  ends: Float64Array | null = null;
  endsBuf = new Float64Array(0);

  push(r: number, n: number): void {
    if (this.count === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const toks = new Int32Array(this.toks.length * 2);
      toks.set(this.toks);
      this.toks = toks;
    }
    this.ids[this.count] = r;
    this.toks[this.count] = n;
    this.count++;
  }

  /** Duration of leap step j (1-based). */
  stepS(j: number): number {
    const e = this.ends;
    if (e !== null) return e[j - 1]! - (j > 1 ? e[j - 2]! : 0);
    return this.a + this.b * (this.k1 + this.count * (j - 1)) + this.bw * (this.kw1 + this.nBelow * (j - 1));
  }

  /** Σ of steps 1..j in closed form (arithmetic series). */
  cumS(j: number): number {
    if (this.ends !== null) return this.ends[j - 1]!;
    const tri = (j * (j - 1)) / 2;
    return j * this.a + this.b * (j * this.k1 + this.count * tri) + this.bw * (j * this.kw1 + this.nBelow * tri);
  }

  /** Smallest j in [1, steps] whose end (startS + cumS(j)) is at or after t; `steps` if none. */
  firstStepEndingAtOrAfter(t: number): number {
    let lo = 1;
    let hi = this.steps;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.startS + this.cumS(mid) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Per-group scheduling state of one launch. */
interface BuildState {
  budget: number;
  tokens: number;
  /** Sequences scheduled from this group, and the most one micro-batch takes (pp > 1 balances micro-batches). */
  seqs: number;
  seqCap: number;
  preempted: boolean;
  skipped: boolean;
  swapInTokens: number;
  swapOutTokens: number;
  /** Token-equivalents moved to / from NVMe, and multi-turn KV reloaded from host. */
  swapInSsdTokens: number;
  swapOutSsdTokens: number;
  reloadTokens: number;
}

export function simulate(input: SimInput): SimRaw {
  return new Engine(input).run();
}

class Engine {
  private readonly n: number;
  private readonly req: readonly RequestSpec[];
  private readonly pools: PoolState[];
  private readonly insts: Inst[] = [];
  private readonly entry: PoolState;
  private readonly decodePool: PoolState | null;
  private readonly router: Runtime['router'];
  private readonly heap = new EventHeap();
  private readonly ev = new Float64Array(4);
  private readonly st: BuildState = {
    budget: 0,
    tokens: 0,
    seqs: 0,
    seqCap: 0,
    preempted: false,
    skipped: false,
    swapInTokens: 0,
    swapOutTokens: 0,
    swapInSsdTokens: 0,
    swapOutSsdTokens: 0,
    reloadTokens: 0,
  };
  private readonly mbPool: MicroBatch[] = [];

  // Per-request state (struct of arrays).
  private readonly known: Int32Array;
  private readonly computed: Int32Array;
  private readonly generated: Int32Array;
  private readonly units: Float64Array;
  private readonly state: Uint8Array;
  private readonly inflight: Uint8Array;
  private readonly swapped: Uint8Array;
  /** Swapped request: token-equivalents out, and where (1 host, 2 NVMe). */
  private readonly swapTok: Float64Array;
  private readonly swapTier: Uint8Array;
  private readonly group: Int32Array;
  private readonly mark: Float64Array;
  private readonly lastTokenS: Float64Array;
  private readonly out: SimRaw;

  private launchId = 0;
  /** Time of the next open-loop arrival (Infinity when none is left): where a stepwise leap stops being worth extending. */
  private nextArrivalS = Infinity;
  /** Scratch: blocks per sequence while a stepwise leap is built. */
  private leapUnits = new Float64Array(64);
  private nextClosed = 0;
  private finishedOrRejected = 0;
  private queued = 0;
  private usedUnits = 0;
  private capUnitsTotal = 0;
  /** Tier tracking (swap preemption or an offload strategy somewhere); series and counters. */
  private tiersOn = false;
  private hostUsedTotal = 0;
  private ssdUsedTotal = 0;
  private readonly tierT = new GrowableF64(256);
  private readonly tierHbm = new GrowableF64(256);
  private readonly tierHost = new GrowableF64(256);
  private readonly tierSsd = new GrowableF64(256);
  private tierStats = {
    d2hBytes: 0,
    h2dBytes: 0,
    toSsdBytes: 0,
    fromSsdBytes: 0,
    reloadBytes: 0,
    transferS: 0,
    swapFallbacks: 0,
  };
  private readonly kvT = new GrowableF64(1024);
  private readonly kvV = new GrowableF64(1024);
  private readonly qT = new GrowableF64(1024);
  private readonly qV = new GrowableF64(1024);

  constructor(private readonly input: SimInput) {
    const req = input.requests;
    const n = req.length;
    this.n = n;
    this.req = req;
    this.router = input.pools[0]!.dep.runtime.router;
    this.known = new Int32Array(n);
    this.computed = new Int32Array(n);
    this.generated = new Int32Array(n);
    this.units = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.inflight = new Uint8Array(n);
    this.swapped = new Uint8Array(n);
    this.swapTok = new Float64Array(n);
    this.swapTier = new Uint8Array(n);
    this.group = new Int32Array(n);
    this.mark = new Float64Array(n).fill(-1);
    this.lastTokenS = new Float64Array(n);
    const cap = Math.max(0, Math.floor(input.timelineIterations));
    this.out = {
      n,
      arrivalS: new Float64Array(n).fill(NaN),
      prefillStartS: new Float64Array(n).fill(NaN),
      firstTokenS: new Float64Array(n).fill(NaN),
      endS: new Float64Array(n).fill(NaN),
      instance: new Int32Array(n).fill(-1),
      prefillInstance: new Int32Array(n).fill(-1),
      inputTokens: Int32Array.from(req, (r) => r.inputTokens),
      outputTokens: Int32Array.from(req, (r) => r.outputTokens),
      status: new Uint8Array(n),
      kvTransferS: new Float64Array(n).fill(NaN),
      itl: new LogHistogram(),
      iterations: 0,
      launches: 0,
      costCalls: 0,
      preemptions: 0,
      recomputedTokens: 0,
      swapOutTokens: 0,
      swapInTokens: 0,
      prefillTokens: 0,
      decodeTokens: 0,
      prefixHitTokens: 0,
      promptTokensAdmitted: 0,
      rejectReason: null,
      blockedByKv: 0,
      blockedBySeqs: 0,
      peakRunningPerGroup: 0,
      kvT: new Float64Array(0),
      kvFrac: new Float64Array(0),
      peakKvFraction: 0,
      queueT: new Float64Array(0),
      queueLen: new Float64Array(0),
      pools: [],
      tiers: null,
      tierTransfers: {
        count: 0,
        total: 0,
        startS: new Float64Array(cap),
        durationS: new Float64Array(cap),
        instance: new Int32Array(cap),
        kind: new Uint8Array(cap),
        bytes: new Float64Array(cap),
        cause: new Uint8Array(cap),
      },
      firstArrivalS: NaN,
      lastEndS: NaN,
      truncated: null,
      partial: null,
      events: 0,
      timeline: {
        count: 0,
        total: 0,
        startS: new Float64Array(cap),
        durationS: new Float64Array(cap),
        instance: new Int32Array(cap),
        prefillTokens: new Int32Array(cap),
        decodeSeqs: new Int32Array(cap),
        steps: new Int32Array(cap),
      },
    };
    for (let i = 0; i < n; i++) this.known[i] = req[i]!.inputTokens;

    this.pools = input.pools.map((p) => this.makePool(p));
    this.entry = this.pools[0]!;
    this.decodePool = this.pools.find((p) => p.role === 'decode') ?? null;
  }

  private makePool(p: SimPoolInput): PoolState {
    const dep = p.dep;
    const rt = dep.runtime;
    const kv = kvEngineOf(dep);
    // Allocation unit: runtime.kvBlockSize, or the strategy's paging (block / vAttention page).
    const bs = kv ? kvBlockTokens(dep) : rt.kvBlockSize;
    const model = dep.model;
    const window = model.slidingWindow ?? Infinity;
    const L = kvLayerCount(model); // KV layers only: state-based and FFN-only layers hold no KV blocks
    const slidingLayers = Number.isFinite(window) ? model.layers.filter((l) => l.attention === 'sliding').length : 0;
    const blocks = Math.floor(p.kvTokensPerGroup / bs);
    const share = kv?.r.share;
    const sharedPrefixTokens = share ? share.prefixTokens : 0;
    const sharedUnits = kv && sharedPrefixTokens > 0 ? kv.sharedUnits(sharedPrefixTokens) : 0;
    const capUnits = kv ? Math.max(0, blocks * L - sharedUnits) : blocks * L;
    const g = geometryOf(dep);
    const hostBps = (kv ? kv.hostGBps : dep.gpu.hostLinkGBps) * 1e9;
    const stageKvLayers = kvLayersPerStage(model, dep.instance.stageLayers);
    const swapSPerTokenStage = Float64Array.from(
      stageKvLayers,
      (layers) => (g.kvBytesPerTokenLayerGpu * layers) / hostBps,
    );
    const off = kv?.r.offload;
    const ssdBps = off && off.ssdGB > 0 ? kv!.r.ssdGBps * 1e9 : 0;
    const ssdSPerTokenStage = Float64Array.from(stageKvLayers, (layers) =>
      ssdBps > 0 ? (g.kvBytesPerTokenLayerGpu * layers) / ssdBps : 0,
    );
    const tp = dep.instance.tp;
    if (rt.preemption === 'swap' || off) this.tiersOn = true;
    const pool: PoolState = {
      role: p.role,
      dep,
      rt,
      coster: new StepCoster(dep),
      times: { stageS: new Float64Array(dep.instance.pp), p2pS: 0, overheadS: 0 },
      insts: [],
      pp: dep.instance.pp,
      bs,
      wf: L - slidingLayers,
      ws: slidingLayers,
      window,
      capUnits,
      wmUnits: Math.ceil(rt.kvWatermark * capUnits),
      kvTokensPerGroup: p.kvTokensPerGroup,
      rr: 0,
      busyStageS: 0,
      gpus: p.instances * dep.instance.gpus,
      swapSPerTokenStage,
      ssdSPerTokenStage,
      kv,
      layers: L,
      unitBytes: bs * g.kvBytesPerTokenLayerGpu * tp,
      tokenBytes: L * g.kvBytesPerTokenLayerGpu * tp,
      sharedUnits,
      hostCapBytes: off ? off.hostGB * GB * dep.instance.gpus : Infinity,
      ssdCapBytes: off ? off.ssdGB * GB * dep.instance.gpus : 0,
      offloadSwap: off !== undefined,
      sharedPrefixTokens,
      multiTurnHitRate: off?.multiTurnReuse ? (p.multiTurnHitRate ?? off.multiTurnReuse.hitRate) : 0,
      reloadRatio: kv ? kv.r.distributed.transferCompression : 1,
      leapsOk:
        !kv || (!kv.exactDecode && kv.r.quant.residualTokens === 0 && sharedUnits === 0 && kv.r.evict === undefined),
    };
    const cacheBlocks =
      this.input.prefix.kind === 'hashes' && p.role !== 'decode'
        ? Math.floor(p.kvTokensPerGroup / this.input.prefix.blockTokens)
        : 0;
    for (let i = 0; i < p.instances; i++) {
      const groups: Group[] = [];
      for (let gi = 0; gi < dep.instance.attentionDp; gi++) {
        groups.push({
          waiting: new IntDeque(),
          running: [],
          free: capUnits,
          outstanding: 0,
          cache: cacheBlocks > 0 ? new PrefixCache(cacheBlocks) : null,
          bucket: null,
          tmpFree: 0,
        });
        this.capUnitsTotal += capUnits;
      }
      const inst: Inst = {
        idx: this.insts.length,
        pool,
        groups,
        stageFree: new Float64Array(pool.pp),
        inflight: [],
        wakeAt: Infinity,
        wakeVer: 0,
        outstanding: 0,
        sendFree: 0,
        recvFree: 0,
        hostUsed: 0,
        ssdUsed: 0,
      };
      pool.insts.push(inst);
      this.insts.push(inst);
    }
    return pool;
  }

  /** KV units a sequence of t tokens holds: full layers ceil(t/bs) blocks, sliding layers ceil(min(t, w)/bs). */
  private unitsFor(p: PoolState, t: number): number {
    if (p.kv) return p.kv.units(t);
    const full = Math.ceil(t / p.bs);
    return p.wf * full + (p.ws > 0 ? p.ws * Math.ceil(Math.min(t, p.window) / p.bs) : 0);
  }

  // -------------------------------------------------------------------------------------------
  // Main loop

  run(): SimRaw {
    const { n } = this;
    const closed = this.input.closedLoopUsers;
    if (closed !== null) {
      const first = Math.min(closed, n);
      const start = this.input.closedLoopStartS;
      for (let i = 0; i < first; i++) this.heap.push(start?.[i] ?? 0, 0, EV_ARRIVAL, i, 0);
      this.nextClosed = first;
    }
    let ai = 0;
    const ev = this.ev;
    const maxEvents = Math.max(1, Math.floor(this.input.budget?.maxEvents ?? DEFAULT_MAX_SIM_EVENTS));
    const maxWallMs = this.input.budget?.maxWallMs;
    const t0 = maxWallMs !== undefined ? performance.now() : 0;
    let events = 0;
    // Termination: every pass consumes one arrival (n of them) or pops one heap event; each event either
    // advances a request (a prompt chunk, a decode step or run of them, a transfer) or is a stale wake-up
    // superseded by a newer version, and each pushes at most a bounded number of new events, so a
    // workload drains in finitely many passes — but that number can be astronomically large (hundreds of
    // thousands of decode steps per request), hence the event and wall-time budget: the loop exits after
    // maxEvents passes (or maxWallMs), reporting "stopped after N events".
    for (;;) {
      const ta = closed === null && ai < n ? this.req[ai]!.arrivalS : Infinity;
      const te = this.heap.topT();
      if (ta === Infinity && te === Infinity) break;
      this.nextArrivalS = ta;
      if (events >= maxEvents || (maxWallMs !== undefined && performance.now() - t0 > maxWallMs)) {
        const by = events >= maxEvents ? `the ${maxEvents}-event budget` : `the ${maxWallMs} ms budget`;
        this.out.partial = {
          reason: `stopped after ${events} events (${by}): the workload does not drain within the budget`,
          events,
        };
        this.out.truncated = this.out.partial.reason;
        break;
      }
      events++;
      this.out.events = events;
      if (ta <= te) {
        this.arrive(ai, ta);
        ai++;
        continue;
      }
      this.heap.pop(ev);
      const t = ev[0]!;
      const kind = ev[1]!;
      if (kind === EV_ARRIVAL) this.arrive(ev[2]!, t);
      else if (kind === EV_XFER) this.transferDone(ev[2]!, ev[3]!, t);
      else this.wake(this.insts[ev[2]!]!, ev[3]!, t);
      if (this.out.truncated !== null) break;
    }
    return this.finish();
  }

  private finish(): SimRaw {
    const o = this.out;
    o.kvT = this.kvT.view();
    o.kvFrac = this.kvV.view();
    o.queueT = this.qT.view();
    o.queueLen = this.qV.view();
    o.costCalls = this.pools.reduce((s, p) => s + p.coster.costCalls, 0);
    o.pools = this.pools.map((p) => ({
      role: p.role,
      instances: p.insts.length,
      gpus: p.gpus,
      pp: p.pp,
      busyStageS: p.busyStageS,
      kvTokensPerGroup: p.kvTokensPerGroup,
      groupsPerInstance: p.dep.instance.attentionDp,
    }));
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < this.n; i++) {
      const a = o.arrivalS[i]!;
      if (a < first) first = a;
      const e = o.endS[i]!;
      if (e > last) last = e;
    }
    if (this.tiersOn) {
      let hbm = 0;
      let host = 0;
      let ssd = 0;
      for (const p of this.pools) {
        const groups = p.insts.length * p.dep.instance.attentionDp;
        hbm += groups * (p.capUnits + p.sharedUnits) * p.unitBytes;
        host += p.insts.length * p.hostCapBytes;
        ssd += p.insts.length * p.ssdCapBytes;
      }
      o.tiers = {
        t: this.tierT.view(),
        hbmBytes: this.tierHbm.view(),
        hostBytes: this.tierHost.view(),
        ssdBytes: this.tierSsd.view(),
        capacity: { hbmBytes: hbm, hostBytes: host, ssdBytes: ssd },
        ...this.tierStats,
      };
    }
    o.firstArrivalS = Number.isFinite(first) ? first : NaN;
    o.lastEndS = Number.isFinite(last) ? last : NaN;
    if (o.truncated === null && this.finishedOrRejected < this.n)
      o.truncated = `${this.n - this.finishedOrRejected} requests never finished (the scheduler stalled)`;
    return o;
  }

  private sampleKv(t: number): void {
    const f = this.capUnitsTotal > 0 ? this.usedUnits / this.capUnitsTotal : 0;
    this.kvT.push(t);
    this.kvV.push(f);
    if (f > this.out.peakKvFraction) this.out.peakKvFraction = f;
    if (this.tiersOn) this.sampleTiers(t);
  }

  /** HBM bytes in use (blocks held + shared prefixes) and the swap space held, over the whole plan. */
  private sampleTiers(t: number): void {
    let hbm = 0;
    for (const p of this.pools) {
      let used = 0;
      for (const inst of p.insts) for (const g of inst.groups) used += p.capUnits - g.free + p.sharedUnits;
      hbm += used * p.unitBytes;
    }
    this.tierT.push(t);
    this.tierHbm.push(hbm);
    this.tierHost.push(this.hostUsedTotal);
    this.tierSsd.push(this.ssdUsedTotal);
  }

  /** The tier copies of one launch, back to back from its start (swap out, to NVMe, from NVMe, swap in, reloads). */
  private recordTransfers(
    inst: Inst,
    p: PoolState,
    t: number,
    outHost: number,
    outSsd: number,
    inSsd: number,
    inHost: number,
    reload: number,
  ): void {
    let hostS = 0;
    let ssdS = 0;
    for (let s = 0; s < p.pp; s++) {
      hostS += p.swapSPerTokenStage[s]!;
      ssdS += p.ssdSPerTokenStage[s]!;
    }
    let at = t;
    const row = (tok: number, perTokS: number, kind: number, cause: number, ratio = 1) => {
      if (tok <= 0) return;
      const d = (tok / ratio) * perTokS;
      this.recordTransfer(inst, at, d, kind, (tok * p.tokenBytes) / ratio, cause);
      this.tierStats.transferS += d;
      at += d;
    };
    row(outHost, hostS, XFER_D2H, 0);
    row(outSsd, ssdS, XFER_TO_NVME, 0);
    row(inSsd, ssdS, XFER_FROM_NVME, 0);
    row(inHost, hostS, XFER_H2D, 0);
    row(reload, hostS, XFER_H2D, 1, p.reloadRatio);
  }

  /** One row of the tier-transfer timeline. */
  private recordTransfer(
    inst: Inst,
    startS: number,
    durationS: number,
    kind: number,
    bytes: number,
    cause: number,
  ): void {
    if (bytes <= 0) return;
    const tl = this.out.tierTransfers;
    tl.total++;
    if (tl.count >= tl.startS.length) return;
    const i = tl.count++;
    tl.startS[i] = startS;
    tl.durationS[i] = durationS;
    tl.instance[i] = inst.idx;
    tl.kind[i] = kind;
    tl.bytes[i] = bytes;
    tl.cause[i] = cause;
  }

  // -------------------------------------------------------------------------------------------
  // Arrivals, routing, transfers

  private arrive(r: number, t: number): void {
    const o = this.out;
    const spec = this.req[r]!;
    o.arrivalS[r] = t;
    const p = this.entry;
    const servePool = this.decodePool ?? p;
    const whole = spec.inputTokens + spec.outputTokens;
    const tooBig =
      this.unitsFor(servePool, whole) > servePool.capUnits - servePool.wmUnits ||
      (this.decodePool !== null && this.unitsFor(p, spec.inputTokens) > p.capUnits - p.wmUnits);
    if (tooBig) {
      this.state[r] = S_REJECTED;
      o.status[r] = STATUS_REJECTED;
      if (o.rejectReason === null) {
        o.rejectReason = `a request of ${spec.inputTokens} + ${spec.outputTokens} tokens needs more KV cache than one scheduler holds (${servePool.kvTokensPerGroup} tokens)`;
      }
      this.retire(t);
      return;
    }
    this.queued++;
    this.qT.push(t);
    this.qV.push(this.queued);
    const inst = this.route(p, r);
    const gi = this.pickGroup(inst, r);
    this.assign(inst, gi, r);
    this.state[r] = S_WAITING;
    inst.groups[gi]!.waiting.pushBack(r);
    this.poke(inst, t);
  }

  private assign(inst: Inst, gi: number, r: number): void {
    this.out.instance[r] = inst.idx;
    this.group[r] = gi;
    inst.outstanding++;
    inst.groups[gi]!.outstanding++;
  }

  /** A request left the system (finished or rejected): closed-loop clients issue their next one. */
  private retire(t: number): void {
    this.finishedOrRejected++;
    if (this.input.closedLoopUsers !== null && this.nextClosed < this.n) {
      this.heap.push(t, 0, EV_ARRIVAL, this.nextClosed, 0);
      this.nextClosed++;
    }
  }

  private leastOutstanding(p: PoolState): Inst {
    let best = p.insts[0]!;
    for (const x of p.insts) if (x.outstanding < best.outstanding) best = x;
    return best;
  }

  private prefixMatch(g: Group, r: number): number {
    const h = this.req[r]!.hashIds;
    return g.cache !== null && h !== undefined ? g.cache.match(h) : 0;
  }

  private route(p: PoolState, r: number): Inst {
    if (p.insts.length === 1) return p.insts[0]!;
    switch (this.router) {
      case 'round-robin':
        return p.insts[p.rr++ % p.insts.length]!;
      case 'least-outstanding':
        return this.leastOutstanding(p);
      case 'prefix-affinity': {
        // Cache-aware with bounded load (SGLang router `cache_aware`): the longest cached prefix wins
        // among instances within PREFIX_AFFINITY_SLACK outstanding requests of the least loaded.
        const least = this.leastOutstanding(p);
        let best: Inst | null = null;
        let bestMatch = 0;
        for (const x of p.insts) {
          if (x.outstanding > least.outstanding + PREFIX_AFFINITY_SLACK) continue;
          for (const g of x.groups) {
            const m = this.prefixMatch(g, r);
            if (m > bestMatch || (m === bestMatch && m > 0 && best !== null && x.outstanding < best.outstanding)) {
              bestMatch = m;
              best = x;
            }
          }
        }
        return best ?? least;
      }
    }
  }

  private pickGroup(inst: Inst, r: number): number {
    const gs = inst.groups;
    if (gs.length === 1) return 0;
    let best = 0;
    let bestMatch = -1;
    for (let i = 0; i < gs.length; i++) {
      const g = gs[i]!;
      const m = this.router === 'prefix-affinity' ? this.prefixMatch(g, r) : 0;
      if (m > bestMatch || (m === bestMatch && g.outstanding < gs[best]!.outstanding)) {
        bestMatch = m;
        best = i;
      }
    }
    return best;
  }

  /** Prompt finished on a prefill instance: send its KV to a decode instance. */
  private handoff(inst: Inst, r: number, t: number): void {
    const dp = this.decodePool!;
    const link = this.input.kvTransfer!;
    this.state[r] = S_TRANSFER;
    inst.outstanding--;
    inst.groups[this.group[r]!]!.outstanding--;
    this.out.prefillInstance[r] = inst.idx;
    const dst = this.route(dp, r);
    dst.outstanding++;
    // Bytes: the prompt's KV over all layers at the KV dtype, once (sliding layers hold the window).
    const bytes = promptHandoffBytes(dp.dep, dp.kv, this.req[r]!.inputTokens);
    const start = Math.max(t, inst.sendFree, dst.recvFree);
    const end = start + handoffSeconds(bytes, link);
    inst.sendFree = end;
    dst.recvFree = end;
    this.out.kvTransferS[r] = end - t;
    this.heap.push(end, 0, EV_XFER, r, dst.idx);
  }

  private transferDone(r: number, dstIdx: number, t: number): void {
    const src = this.insts[this.out.prefillInstance[r]!]!;
    const sg = src.groups[this.group[r]!]!;
    sg.free += this.units[r]!;
    this.usedUnits -= this.units[r]!;
    this.units[r] = 0;
    this.poke(src, t);
    const dst = this.insts[dstIdx]!;
    const gi = this.pickGroup(dst, r);
    this.out.instance[r] = dst.idx;
    this.group[r] = gi;
    dst.groups[gi]!.outstanding++;
    // The decode instance holds prompt − 1 tokens of KV and computes the last one itself.
    const input = this.req[r]!.inputTokens;
    this.computed[r] = input - 1;
    this.known[r] = input;
    this.generated[r] = 0;
    this.state[r] = S_WAITING;
    dst.groups[gi]!.waiting.pushBack(r);
    this.poke(dst, t);
  }

  // -------------------------------------------------------------------------------------------
  // Instance wake-ups

  private setWake(inst: Inst, t: number): void {
    inst.wakeAt = t;
    inst.wakeVer++;
    this.heap.push(t, 1, EV_WAKE, inst.idx, inst.wakeVer);
  }

  /** New work reached the instance at t: cut a running leap at the next step boundary, wake it if idle. */
  private poke(inst: Inst, t: number): void {
    const mb = inst.inflight[0];
    if (mb !== undefined && mb.steps > 1 && mb.endS > t) {
      const j = mb.firstStepEndingAtOrAfter(t);
      if (j < mb.steps) {
        const tt = mb.startS + mb.cumS(j);
        mb.steps = j;
        mb.endS = tt;
        mb.busyS = tt - mb.startS;
        inst.stageFree[0] = tt;
        this.setWake(inst, tt);
      }
    }
    if (inst.inflight.length < inst.pool.pp) {
      const want = Math.max(t, inst.stageFree[0]!);
      if (want < inst.wakeAt) this.setWake(inst, want);
    }
  }

  private wake(inst: Inst, ver: number, t: number): void {
    if (ver !== inst.wakeVer) return;
    inst.wakeAt = Infinity;
    // Terminates: each pass removes one in-flight micro-batch (at most pp).
    while (inst.inflight.length > 0 && inst.inflight[0]!.endS <= t) this.finalize(inst.inflight.shift()!);
    if (this.out.truncated !== null) return;
    // Requests issued at t (closed loop, transfers) are routed before this instance schedules.
    if (this.heap.topT() <= t && this.heap.topCls() === 0) {
      this.setWake(inst, t);
      return;
    }
    this.launch(inst, t);
    let next = inst.inflight.length > 0 ? inst.inflight[0]!.endS : Infinity;
    // With a free micro-batch slot, try again when stage 0 frees (a launch just now, or stage 0 still
    // busy with a later micro-batch while sequences became ready).
    const sf = inst.stageFree[0]!;
    if (inst.inflight.length < inst.pool.pp && sf > t) next = Math.min(next, sf);
    if (next < Infinity) this.setWake(inst, next);
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling one micro-batch

  private newMb(inst: Inst, t: number): MicroBatch {
    const mb = this.mbPool.pop() ?? new MicroBatch();
    mb.inst = inst;
    mb.startS = t;
    mb.endS = t;
    mb.busyS = 0;
    mb.steps = 1;
    mb.count = 0;
    mb.prefillTokens = 0;
    mb.decodeSeqs = 0;
    mb.ends = null;
    return mb;
  }

  /** Tokens of a request's pending work that fit this iteration (0 = none). */
  private chunk(p: PoolState, need: number, st: BuildState): number {
    if (st.budget <= 0 || st.seqs >= st.seqCap) return 0;
    if (need === 1) return 1;
    if (p.rt.chunkedPrefill) return Math.min(need, st.budget);
    return need <= st.budget || st.tokens === 0 ? need : 0;
  }

  private put(p: PoolState, mb: MicroBatch, r: number, n: number, st: BuildState): void {
    const c = this.computed[r]!;
    const k = this.known[r]!;
    mb.push(r, n);
    this.mark[r] = this.launchId;
    this.inflight[r] = 1;
    p.coster.add(c, n, c + n === k);
    if (k - c === 1 && this.generated[r]! > 0) mb.decodeSeqs++;
    else mb.prefillTokens += n;
    st.budget = Math.max(0, st.budget - n);
    st.tokens += n;
    st.seqs++;
  }

  private preempt(p: PoolState, inst: Inst, g: Group, j: number, st: BuildState): void {
    const v = g.running[j]!;
    g.running.splice(j, 1);
    const held = this.units[v]!;
    g.free += held;
    this.usedUnits -= held;
    this.units[v] = 0;
    this.out.preemptions++;
    // Token-equivalents of KV to move: the computed tokens, or under a strategy what its blocks hold.
    const tok = p.kv ? (held * p.bs) / p.layers : this.computed[v]!;
    const tier =
      (p.rt.preemption === 'swap' || p.offloadSwap) && this.computed[v]! > 0 ? this.placeSwap(p, inst, tok) : 0;
    if (tier !== 0) {
      this.swapped[v] = 1;
      this.swapTok[v] = tok;
      this.swapTier[v] = tier;
      if (tier === 1) st.swapOutTokens += tok;
      else st.swapOutSsdTokens += tok;
      this.out.swapOutTokens += tok;
    } else {
      this.out.recomputedTokens += this.computed[v]!;
      this.computed[v] = 0;
    }
    this.state[v] = S_WAITING;
    g.waiting.pushFront(v);
  }

  /**
   * Where a swapped-out sequence goes: host (1) while the instance's host swap space has room, then
   * NVMe (2); 0 when neither has room (the caller recomputes instead). Unbounded host without offload.
   */
  private placeSwap(p: PoolState, inst: Inst, tok: number): number {
    const bytes = tok * p.tokenBytes;
    if (inst.hostUsed + bytes <= p.hostCapBytes) {
      inst.hostUsed += bytes;
      this.hostUsedTotal += bytes;
      this.tierStats.d2hBytes += bytes;
      return 1;
    }
    if (inst.ssdUsed + bytes <= p.ssdCapBytes) {
      inst.ssdUsed += bytes;
      this.ssdUsedTotal += bytes;
      this.tierStats.toSsdBytes += bytes;
      return 2;
    }
    this.tierStats.swapFallbacks++;
    return 0;
  }

  /** A swapped sequence comes back: free its tier space (the caller adds the copy to the iteration). */
  private unswap(p: PoolState, inst: Inst, r: number, st: BuildState): void {
    const tok = this.swapTok[r]!;
    const bytes = tok * p.tokenBytes;
    if (this.swapTier[r] === 2) {
      inst.ssdUsed -= bytes;
      this.ssdUsedTotal -= bytes;
      this.tierStats.fromSsdBytes += bytes;
      st.swapInSsdTokens += tok;
    } else {
      inst.hostUsed -= bytes;
      this.hostUsedTotal -= bytes;
      this.tierStats.h2dBytes += bytes;
      st.swapInTokens += tok;
    }
    this.swapTier[r] = 0;
    this.swapTok[r] = 0;
  }

  /** Schedule the group's running requests (one pass). */
  private scheduleRunning(p: PoolState, g: Group, mb: MicroBatch, pass: number, st: BuildState): void {
    const run = g.running;
    let i = 0;
    // Terminates: every pass either advances i or preempts (removes) a request of `run`, so at most
    // 2·run.length passes.
    while (i < run.length) {
      const r = run[i]!;
      if (this.inflight[r] === 1) {
        i++;
        continue;
      }
      const need = this.known[r]! - this.computed[r]!;
      const isDecode = need === 1;
      if ((pass === PASS_PREFILL && isDecode) || (pass === PASS_DECODE && !isDecode)) {
        st.skipped = true;
        i++;
        continue;
      }
      const n = this.chunk(p, need, st);
      if (n === 0) {
        st.skipped = true;
        i++;
        continue;
      }
      const want = this.growth(p, r, this.computed[r]! + n);
      let self = false;
      // Terminates: each pass preempts one request behind i (run shrinks) or i itself (break).
      while (want > g.free) {
        let j = run.length - 1;
        while (j > i && (this.inflight[run[j]!] === 1 || this.mark[run[j]!] === this.launchId)) j--;
        if (j > i) {
          this.preempt(p, mb.inst, g, j, st);
          st.preempted = true;
          continue;
        }
        // No one behind it to evict: preempt the request itself.
        this.preempt(p, mb.inst, g, i, st);
        st.preempted = true;
        self = true;
        break;
      }
      if (self) continue;
      g.free -= want;
      this.usedUnits += want;
      this.units[r]! += want;
      this.put(p, mb, r, n, st);
      i++;
    }
  }

  /** Prefix-cache hit (tokens) for a request starting from scratch. */
  private prefixHitTokens(p: PoolState, g: Group, r: number): number {
    const pm = this.input.prefix;
    const spec = this.req[r]!;
    const cap = Math.min(spec.inputTokens, this.known[r]! - 1);
    if (pm.kind === 'hit-rate')
      return Math.max(0, Math.min(cap, Math.floor((pm.fraction * spec.inputTokens) / p.bs) * p.bs));
    if (pm.kind === 'hashes' && g.cache !== null && spec.hashIds !== undefined)
      return Math.max(0, Math.min(cap, g.cache.match(spec.hashIds) * pm.blockTokens));
    return 0;
  }

  /**
   * Prompt tokens a fresh request skips under the KV strategy: the prefix-cache hit, the shared prefix
   * (share.prefixTokens, stored once per group), and multi-turn reuse (⌊hitRate · prompt⌋ in whole
   * blocks, loaded from host: `reload`). At most prompt − 1 (the last token is always computed).
   */
  private kvReuse(p: PoolState, r: number, cached: number): { skip: number; reload: number } {
    const spec = this.req[r]!;
    const cap = Math.min(spec.inputTokens, this.known[r]! - 1);
    const skip = Math.max(cached, Math.min(cap, p.sharedPrefixTokens));
    if (p.multiTurnHitRate <= 0) return { skip, reload: 0 };
    const reload = Math.max(0, Math.min(cap - skip, Math.floor((p.multiTurnHitRate * spec.inputTokens) / p.bs) * p.bs));
    return { skip: skip + reload, reload };
  }

  /**
   * KV units request r must add to hold t tokens. Under `reserve` its whole length was allocated at
   * admission, so it never grows (and never preempts); otherwise blocks follow the tokens.
   */
  private growth(p: PoolState, r: number, t: number): number {
    const want = this.unitsFor(p, t) - this.units[r]!;
    return p.rt.preemption === 'reserve' ? Math.max(0, want) : want;
  }

  /** Admit waiting requests FCFS while budget, maxNumSeqs and KV (above the watermark) allow. */
  private admit(p: PoolState, g: Group, mb: MicroBatch, t: number, st: BuildState): void {
    const maxSeqs = p.rt.maxNumSeqs;
    // Terminates: each pass admits (dequeues) one waiting request or returns.
    while (g.waiting.length > 0 && st.budget > 0 && st.seqs < st.seqCap) {
      if (g.running.length >= maxSeqs) {
        this.out.blockedBySeqs++;
        return;
      }
      const r = g.waiting.front();
      const fresh = this.computed[r] === 0 && this.swapped[r] === 0;
      const cached = fresh && p.role !== 'decode' ? this.prefixHitTokens(p, g, r) : 0;
      // Under a KV strategy a shared prefix is never prefilled again, and multi-turn reuse loads a
      // hitRate share of the prompt's KV from the host store instead of computing it.
      const reuse = fresh && p.role !== 'decode' && p.kv ? this.kvReuse(p, r, cached) : null;
      const hit = reuse ? reuse.skip : cached;
      const c = this.computed[r]! + hit;
      const n = this.chunk(p, this.known[r]! - c, st);
      if (n === 0) return;
      // reserve (TRT-LLM GUARANTEED_NO_EVICT): admit only with KV for the whole request, held to the end.
      const whole = p.rt.preemption === 'reserve' && p.role !== 'prefill';
      const want = this.unitsFor(p, whole ? this.req[r]!.inputTokens + this.req[r]!.outputTokens : c + n);
      if (g.free - want < p.wmUnits) {
        this.out.blockedByKv++;
        return;
      }
      g.waiting.popFront();
      g.running.push(r);
      this.state[r] = S_RUNNING;
      g.free -= want;
      this.usedUnits += want;
      this.units[r] = want;
      if (this.swapped[r] === 1) {
        this.swapped[r] = 0;
        this.out.swapInTokens += this.swapTok[r]!;
        this.unswap(p, mb.inst, r, st);
      }
      if (reuse !== null && reuse.reload > 0) {
        st.reloadTokens += reuse.reload;
        this.tierStats.reloadBytes += (reuse.reload * p.tokenBytes) / p.reloadRatio;
      }
      if (fresh && p.role !== 'decode') {
        this.out.promptTokensAdmitted += this.req[r]!.inputTokens;
        this.out.prefixHitTokens += cached;
        this.computed[r] = hit;
        const h = this.req[r]!.hashIds;
        if (g.cache !== null && h !== undefined) g.cache.touch(h);
      }
      if (Number.isNaN(this.out.prefillStartS[r]!)) {
        this.out.prefillStartS[r] = t;
        this.queued--;
      }
      this.put(p, mb, r, n, st);
    }
  }

  private launch(inst: Inst, t: number): boolean {
    const p = inst.pool;
    if (inst.inflight.length >= p.pp || inst.stageFree[0]! > t) return false;
    const mb = this.newMb(inst, t);
    const coster = p.coster;
    coster.reset();
    this.launchId++;
    const st = this.st;
    let anyPreempted = false;
    let anySkipped = false;
    let swapIn = 0;
    let swapOut = 0;
    let swapInSsd = 0;
    let swapOutSsd = 0;
    let reload = 0;
    for (const g of inst.groups) {
      st.budget = p.rt.maxBatchedTokens;
      st.tokens = 0;
      st.seqs = 0;
      // With pp micro-batches in flight, each takes about 1/pp of the group's requests (vLLM v0
      // virtual engines, SGLang's PP micro-batches), so a small load still fills the pipeline.
      st.seqCap = p.pp > 1 ? Math.max(1, Math.ceil((g.running.length + g.waiting.length) / p.pp)) : Infinity;
      st.preempted = false;
      st.skipped = false;
      st.swapInTokens = 0;
      st.swapOutTokens = 0;
      st.swapInSsdTokens = 0;
      st.swapOutSsdTokens = 0;
      st.reloadTokens = 0;
      if (p.rt.schedulerPolicy === 'decode-first') {
        this.scheduleRunning(p, g, mb, PASS_ALL, st);
        if (!st.preempted) this.admit(p, g, mb, t, st);
      } else {
        const before = mb.count;
        this.scheduleRunning(p, g, mb, PASS_PREFILL, st);
        if (!st.preempted) this.admit(p, g, mb, t, st);
        if (mb.count === before) {
          st.skipped = false;
          this.scheduleRunning(p, g, mb, PASS_DECODE, st);
        }
      }
      anyPreempted ||= st.preempted;
      anySkipped ||= st.skipped;
      swapIn += st.swapInTokens;
      swapOut += st.swapOutTokens;
      swapInSsd += st.swapInSsdTokens;
      swapOutSsd += st.swapOutSsdTokens;
      reload += st.reloadTokens;
      if (g.running.length > this.out.peakRunningPerGroup) this.out.peakRunningPerGroup = g.running.length;
    }
    if (mb.count === 0) {
      this.mbPool.push(mb);
      return false;
    }
    this.out.launches++;

    const acc = coster.acc;
    const times = p.times;
    const decodeOnly = acc.decodeOnly && acc.logitTokens === acc.seqs;
    if (decodeOnly && !coster.exact)
      coster.decode(acc.seqs, acc.decodeKvReadTokens, acc.decodeKvReadTokensWindow, times);
    else coster.costAcc(times);

    // Pipeline: stage s starts when the previous stage's output has arrived and stage s is free.
    // Tier copies (swap out/in over the host link, NVMe at its rate, multi-turn reloads) add to each
    // stage's time for its layers' share of the KV.
    const swapTok = swapIn + swapOut;
    const hostTok = reload > 0 ? swapTok + reload / p.reloadRatio : swapTok;
    const ssdTok = swapInSsd + swapOutSsd;
    if (this.tiersOn && hostTok + ssdTok > 0)
      this.recordTransfers(inst, p, t, swapOut, swapOutSsd, swapInSsd, swapIn, reload);
    let tt = t;
    let busy = 0;
    for (let s = 0; s < p.pp; s++) {
      const dur =
        times.stageS[s]! +
        times.overheadS / p.pp +
        hostTok * p.swapSPerTokenStage[s]! +
        (ssdTok > 0 ? ssdTok * p.ssdSPerTokenStage[s]! : 0);
      const start = s === 0 ? t : Math.max(tt + times.p2pS, inst.stageFree[s]!);
      tt = start + dur;
      inst.stageFree[s] = tt;
      busy += dur;
    }
    mb.endS = tt;
    mb.busyS = busy;

    if (
      p.pp === 1 &&
      decodeOnly &&
      this.input.disableLeaps !== true &&
      !anyPreempted &&
      !anySkipped &&
      hostTok === 0 &&
      ssdTok === 0 &&
      p.role !== 'prefill'
    ) {
      if (p.leapsOk) this.extendLeap(inst, mb);
      else this.extendLeapStepwise(inst, mb);
    }
    inst.inflight.push(mb);
    this.sampleKv(t);
    return true;
  }

  /**
   * Turn a decode-only iteration into a run of identical decode steps, up to the first completion,
   * the first step whose new KV blocks do not fit, or a sliding-window boundary. Nothing else can
   * change the batch meanwhile (the waiting queue is blocked and KV only shrinks); a request routed
   * to the instance mid-run cuts it (poke).
   */
  private extendLeap(inst: Inst, mb: MicroBatch): void {
    const p = inst.pool;
    const n = mb.count;
    let kMax = this.input.maxIterations - this.out.iterations;
    const w = p.window;
    let nBelow = 0;
    let k1 = 0;
    let kw1 = 0;
    for (let i = 0; i < n; i++) {
      const r = mb.ids[i]!;
      const c = this.computed[r]!;
      const left = this.req[r]!.outputTokens - this.generated[r]!;
      if (left < kMax) kMax = left;
      k1 += c + 1;
      kw1 += Math.min(c + 1, w);
      if (c + 1 < w) {
        nBelow++;
        if (w - c < kMax) kMax = w - c;
      }
    }
    if (kMax <= 1) return;
    const coef = p.coster.decodeCoef(n);
    mb.a = coef.totalA;
    mb.b = coef.totalB;
    mb.bw = coef.totalBw;
    mb.k1 = k1;
    mb.kw1 = kw1;
    mb.nBelow = nBelow;
    const bs = p.bs;
    const groups = inst.groups;
    // Fast path: every group can take a new block for each of its sequences in every block period.
    const perSeqMax = (p.wf + p.ws) * Math.ceil(kMax / bs);
    let roomy = true;
    for (let gi = 0; gi < groups.length; gi++) {
      const g = groups[gi]!;
      g.tmpFree = g.free;
    }
    if (groups.length === 1) roomy = groups[0]!.free >= perSeqMax * n;
    else {
      const per = new Float64Array(groups.length);
      for (let i = 0; i < n; i++) per[this.group[mb.ids[i]!]!]! += perSeqMax;
      for (let gi = 0; gi < groups.length; gi++) if (per[gi]! > groups[gi]!.free) roomy = false;
    }
    let k = 1;
    if (roomy) k = kMax;
    else {
      for (const g of groups) {
        if (g.bucket === null) g.bucket = new Float64Array(bs);
      }
      for (let i = 0; i < n; i++) {
        const r = mb.ids[i]!;
        const c = this.computed[r]!;
        groups[this.group[r]!]!.bucket![c % bs]! += p.wf + (c + 1 < w ? p.ws : 0);
      }
      for (let j = 2; j <= kMax; j++) {
        const idx = (bs - ((j - 1) % bs)) % bs;
        let fits = true;
        for (let gi = 0; gi < groups.length; gi++) if (groups[gi]!.bucket![idx]! > groups[gi]!.tmpFree) fits = false;
        if (!fits) break;
        for (let gi = 0; gi < groups.length; gi++) groups[gi]!.tmpFree -= groups[gi]!.bucket![idx]!;
        k = j;
      }
      for (let i = 0; i < n; i++) {
        const r = mb.ids[i]!;
        groups[this.group[r]!]!.bucket![this.computed[r]! % bs] = 0;
      }
    }
    if (k === 1) return;
    const tt = mb.startS + mb.cumS(k);
    mb.steps = k;
    mb.endS = tt;
    mb.busyS = tt - mb.startS;
    inst.stageFree[0] = tt;
  }

  /**
   * extendLeap for pools whose KV strategy makes blocks or step costs non-affine in the context
   * (eviction, residual windows, a shared prefix): the run of decode steps is built step by step —
   * each step's blocks from the strategy (kv.units) and its cost exactly as a per-step launch would
   * cost it (the StepCoster memoises repeated decode batches) — but it is still one event. Same stops:
   * the first completion, the first step whose blocks do not fit, a sliding-window boundary, the
   * iteration cap, and at most STEPWISE_LEAP_STEPS steps per run (bounds the work of one event).
   */
  private extendLeapStepwise(inst: Inst, mb: MicroBatch): void {
    const p = inst.pool;
    const n = mb.count;
    let kMax = Math.min(STEPWISE_LEAP_STEPS, this.input.maxIterations - this.out.iterations);
    const w = p.window;
    for (let i = 0; i < n; i++) {
      const r = mb.ids[i]!;
      const c = this.computed[r]!;
      const left = this.req[r]!.outputTokens - this.generated[r]!;
      if (left < kMax) kMax = left;
      if (c + 1 < w && w - c < kMax) kMax = w - c;
    }
    if (kMax <= 1) return;
    if (mb.endsBuf.length < kMax) mb.endsBuf = new Float64Array(Math.max(kMax, 2 * mb.endsBuf.length));
    const ends = mb.endsBuf;
    ends[0] = mb.endS - mb.startS;
    const groups = inst.groups;
    for (const g of groups) g.tmpFree = g.free;
    const coster = p.coster;
    const times = p.times;
    // Blocks each sequence holds so far (step 1's were allocated at launch).
    if (this.leapUnits.length < n) this.leapUnits = new Float64Array(Math.max(n, 2 * this.leapUnits.length));
    const held = this.leapUnits;
    for (let i = 0; i < n; i++) held[i] = this.units[mb.ids[i]!]!;
    let k = 1;
    for (let j = 2; j <= kMax; j++) {
      // Step j decodes each sequence at context c + j − 1 (reads c + j) and needs its blocks for c + j.
      let fits = true;
      for (let i = 0; i < n && fits; i++) {
        const r = mb.ids[i]!;
        const u = this.unitsFor(p, this.computed[r]! + j);
        const grow = u - held[i]!;
        held[i] = u;
        const g = groups[this.group[r]!]!;
        g.tmpFree -= grow;
        // Blocks freed mid-run could let a waiting request in: end the run before such a step.
        if (g.tmpFree < 0 || grow < 0) fits = false;
      }
      if (!fits) break;
      if (coster.exact) {
        coster.reset();
        for (let i = 0; i < n; i++) coster.add(this.computed[mb.ids[i]!]! + j - 1, 1, true);
        coster.costAcc(times);
      } else {
        // As launch() costs a decode-only batch: affine in K = Σ(ctx + 1), Kw = Σ min(ctx + 1, window).
        let K = 0;
        let Kw = 0;
        for (let i = 0; i < n; i++) {
          const c = this.computed[mb.ids[i]!]! + j;
          K += c;
          Kw += Math.min(c, w);
        }
        coster.decode(n, K, Kw, times);
      }
      ends[j - 1] = ends[j - 2]! + times.stageS[0]! + times.overheadS;
      k = j;
      // The next arrival may cut the run at the step ending at or after it (poke): steps beyond would
      // be costed for nothing. (Only work changes: a cut run resumes as a new one.)
      if (mb.startS + ends[j - 1]! >= this.nextArrivalS) break;
    }
    if (k === 1) return;
    mb.ends = ends;
    const tt = mb.startS + ends[k - 1]!;
    mb.steps = k;
    mb.endS = tt;
    mb.busyS = tt - mb.startS;
    inst.stageFree[0] = tt;
  }

  // -------------------------------------------------------------------------------------------
  // Completing a micro-batch

  private finalize(mb: MicroBatch): void {
    const inst = mb.inst;
    const p = inst.pool;
    const o = this.out;
    const T = mb.endS;
    p.busyStageS += mb.busyS;
    o.iterations += mb.steps;
    const tl = o.timeline;
    if (tl.count < tl.startS.length) {
      const i = tl.count++;
      tl.startS[i] = mb.startS;
      tl.durationS[i] = T - mb.startS;
      tl.instance[i] = inst.idx;
      tl.prefillTokens[i] = mb.prefillTokens;
      tl.decodeSeqs[i] = mb.decodeSeqs;
      tl.steps[i] = mb.steps;
    }
    tl.total++;
    let removed = false;
    if (mb.steps > 1) {
      const k = mb.steps;
      const t1 = mb.startS + mb.cumS(1);
      // Steps 2..k: every sequence sees the step's duration as its inter-token gap (linear in j, or
      // step by step for a stepwise leap).
      if (mb.ends !== null) for (let j = 2; j <= k; j++) o.itl.add(mb.stepS(j), mb.count);
      else if (k > 1) o.itl.addLinear(mb.stepS(2), mb.stepS(k), k - 1, mb.count);
      for (let i = 0; i < mb.count; i++) {
        const r = mb.ids[i]!;
        this.inflight[r] = 0;
        const g = inst.groups[this.group[r]!]!;
        const c = this.computed[r]! + k;
        const want = this.growth(p, r, c);
        g.free -= want;
        this.usedUnits += want;
        this.units[r]! += want;
        this.computed[r] = c;
        if (this.generated[r] === 0) {
          o.firstTokenS[r] = t1;
          o.decodeTokens += k - 1;
        } else {
          o.itl.add(t1 - this.lastTokenS[r]!);
          o.decodeTokens += k;
        }
        this.lastTokenS[r] = T;
        this.generated[r]! += k;
        this.known[r]! += k;
        if (this.generated[r]! >= this.req[r]!.outputTokens) {
          this.complete(inst, g, r, T);
          removed = true;
        }
      }
    } else {
      for (let i = 0; i < mb.count; i++) {
        const r = mb.ids[i]!;
        const nTok = mb.toks[i]!;
        this.inflight[r] = 0;
        if (this.state[r] !== S_RUNNING) continue;
        this.computed[r]! += nTok;
        if (this.computed[r] !== this.known[r]) continue;
        const g = inst.groups[this.group[r]!]!;
        if (p.role === 'prefill') {
          this.handoff(inst, r, T);
          removed = true;
          continue;
        }
        if (this.generated[r] === 0) o.firstTokenS[r] = T;
        else {
          o.itl.add(T - this.lastTokenS[r]!);
          o.decodeTokens++;
        }
        this.lastTokenS[r] = T;
        this.generated[r]!++;
        this.known[r]!++;
        if (this.generated[r]! >= this.req[r]!.outputTokens) {
          this.complete(inst, g, r, T);
          removed = true;
        }
      }
    }
    if (removed) {
      for (const g of inst.groups) {
        const run = g.running;
        let w = 0;
        for (let i = 0; i < run.length; i++) {
          const r = run[i]!;
          if (this.state[r] === S_RUNNING) run[w++] = r;
        }
        run.length = w;
      }
    }
    o.prefillTokens += mb.prefillTokens;
    this.mbPool.push(mb);
    this.sampleKv(T);
    if (o.iterations >= this.input.maxIterations && this.finishedOrRejected < this.n) {
      o.truncated = `stopped after ${o.iterations} iterations (the iteration cap): the workload does not drain within the budget`;
      o.partial = { reason: o.truncated, events: o.events };
    }
  }

  private complete(inst: Inst, g: Group, r: number, t: number): void {
    const o = this.out;
    o.endS[r] = t;
    o.status[r] = STATUS_DONE;
    this.state[r] = S_DONE;
    g.free += this.units[r]!;
    this.usedUnits -= this.units[r]!;
    this.units[r] = 0;
    inst.outstanding--;
    g.outstanding--;
    if (o.prefillInstance[r] === -1) o.prefillInstance[r] = inst.idx;
    this.retire(t);
  }
}

/**
 * The prefill→decode KV link of a disaggregated plan. Every GPU of the prefill instance holds a shard
 * of the prompt's KV (its heads, its stage's layers) and sends it in parallel with the others, so the
 * copy runs on min(sender GPUs, receiver GPUs) links at once: NVLink when both pools sit in one
 * scale-up domain, otherwise the per-GPU NIC (GPUDirect RDMA, as NIXL/Mooncake transfer engines do).
 * Achievable fraction: the same bus-bandwidth fraction NCCL reaches (CALIBRATION.collectiveBusFraction).
 */
export function kvTransferLinkFor(rp: ResolvedPools): KvTransferLink | null {
  if (!rp.disaggregated) return null;
  const pre = rp.pools.find((p) => p.role === 'prefill')!;
  const dec = rp.pools.find((p) => p.role === 'decode')!;
  return handoffLink(pre.dep.gpu, Math.min(pre.dep.instance.gpus, dec.dep.instance.gpus), rp.sameScaleUpDomain);
}
