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
 *   is scheduled whole, only if it fits the remaining budget (or is the group's first prompt work this
 *   iteration, so prompts longer than the budget still run, beside the decodes).
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
 * KV strategy (runtime.kvStrategy, core/kvplan/engine.ts): the KV pool and each sequence's blocks are
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
import { handoffLink, handoffSeconds } from '../cost/handoff.ts';
import type { ResolvedPools } from '../cost/pools.ts';
import type { ResolvedRuntime as Runtime } from '../engine/resolve.ts';
import type { RequestSpec } from '../workload/types.ts';
import { promptHandoffBytes } from '../kvplan/engine.ts';
import { EV_ARRIVAL, EV_WAKE, EV_XFER, EventHeap } from './heap.ts';
import { extendLeap, extendLeapStepwise } from './leap.ts';
import { MemoryTiers } from './memory-tiers.ts';
import { MicroBatch } from './microbatch.ts';
import { buildPool, unitsFor, type Group, type Inst, type PoolState } from './pool.ts';
import { acceptedTokensForUniform } from '../spec/acceptance.ts';
import { hashSeed } from '../workload/rng.ts';
import { pickGroup, routeRequest } from './router.ts';
import { Scheduler } from './scheduler.ts';
import { S_DONE, S_REJECTED, S_RUNNING, S_TRANSFER, S_WAITING, Sequences } from './sequences.ts';
import { GrowableF64, LogHistogram } from './stats.ts';
import {
  DEFAULT_MAX_SIM_EVENTS,
  STATUS_DONE,
  STATUS_REJECTED,
  type KvTransferLink,
  type SimInput,
  type SimRaw,
} from './types.ts';

export * from './types.ts';
export { PREFIX_AFFINITY_SLACK } from './router.ts';
export { STEPWISE_LEAP_STEPS } from './leap.ts';

export function simulate(input: SimInput): SimRaw {
  return new Engine(input).run();
}

/**
 * How long after a request's last token its closed-loop client's next request reaches the engine: the HTTP
 * response, the client's next send and tokenisation. Only its order matters here — it lands after the launch
 * at the same instant — so 1 µs (ENGINE-FACTS §6 has no measured figure for the round trip).
 */
export const CLIENT_RESEND_S = 1e-6;

class Engine {
  private readonly n: number;
  private readonly req: readonly RequestSpec[];
  /** req[i].arrivalS, read once per main-loop pass (a typed array: no object load per pass). */
  private readonly arrivals: Float64Array;
  private readonly pools: PoolState[];
  private readonly insts: Inst[] = [];
  private readonly entry: PoolState;
  private readonly decodePool: PoolState | null;
  private readonly router: Runtime['router'];
  private readonly heap = new EventHeap();
  private readonly ev = new Float64Array(4);
  /**
   * Micro-batches not in flight, a stack of `mbFree` entries (slots above it are stale). Indexed, not
   * push/pop: popping an array to empty makes V8 trim its backing store, and the next push regrow it.
   */
  private readonly mbPool: MicroBatch[] = [];
  private mbFree = 0;

  private readonly s: Sequences;
  private readonly scheduler: Scheduler;
  private readonly out: SimRaw;

  /** Time of the next open-loop arrival (Infinity when none is left): where a stepwise leap stops being worth extending. */
  private nextArrivalS = Infinity;
  private nextClosed = 0;
  private finishedOrRejected = 0;
  private capUnitsTotal = 0;
  /** Tier tracking (swap preemption or an offload strategy somewhere). */
  private readonly tiersOn: boolean;
  private readonly tiers: MemoryTiers;
  /** KV samples (about two per launch; grown on demand) and queue samples (one per admitted arrival: at most n). */
  private readonly kvT: GrowableF64;
  private readonly kvV: GrowableF64;
  private readonly qT: GrowableF64;
  private readonly qV: GrowableF64;

  constructor(private readonly input: SimInput) {
    const req = input.requests;
    const n = req.length;
    this.n = n;
    this.req = req;
    this.router = input.pools[0]!.dep.runtime.router;
    this.s = new Sequences(n);
    this.arrivals = new Float64Array(n);
    this.kvT = new GrowableF64(4 * n + 64);
    this.kvV = new GrowableF64(4 * n + 64);
    this.qT = new GrowableF64(n);
    this.qV = new GrowableF64(n);
    const cap = Math.max(0, Math.floor(input.timelineIterations));
    this.out = {
      n,
      arrivalS: new Float64Array(n).fill(NaN),
      prefillStartS: new Float64Array(n).fill(NaN),
      firstTokenS: new Float64Array(n).fill(NaN),
      endS: new Float64Array(n).fill(NaN),
      instance: new Int32Array(n).fill(-1),
      prefillInstance: new Int32Array(n).fill(-1),
      inputTokens: new Int32Array(n),
      outputTokens: new Int32Array(n),
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
    // Plain loops: Int32Array.from(req, fn) goes through the iterator protocol, a few per cent of a run.
    for (let i = 0; i < n; i++) {
      const r = req[i]!;
      this.out.inputTokens[i] = r.inputTokens;
      this.out.outputTokens[i] = r.outputTokens;
      this.s.known[i] = r.inputTokens;
      this.arrivals[i] = r.arrivalS;
    }

    this.tiers = new MemoryTiers(this.out.tierTransfers);
    this.scheduler = new Scheduler(req, this.s, this.out, this.tiers, input.prefix);
    this.pools = input.pools.map((p) => buildPool(p, input.prefix, this.insts));
    for (const p of this.pools) this.capUnitsTotal += p.capUnits * p.insts.length * p.dep.instance.attentionDp;
    this.tiersOn = this.pools.some((p) => p.tiersOn);
    this.entry = this.pools[0]!;
    this.decodePool = this.pools.find((p) => p.role === 'decode') ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Main loop

  run(): SimRaw {
    const { n } = this;
    const closed = this.input.closedLoopUsers;
    if (closed !== null) {
      // Every user sends at t = 0, as benchmark clients (aiperf, vllm bench) start their workers together,
      // and again together after a warm-up phase (retire). Users desynchronise only through the engine and
      // the lengths: a wave splits into the prefill groups the step budget takes and (with overlap) the step
      // each lands in, and length variation spreads them.
      const first = Math.min(closed, n);
      for (let i = 0; i < first; i++) this.heap.push(0, 0, EV_ARRIVAL, i, 0);
      this.nextClosed = first;
    }
    let ai = 0;
    const ev = this.ev;
    const arrivals = this.arrivals;
    const heap = this.heap;
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
      const ta = closed === null && ai < n ? arrivals[ai]! : Infinity;
      const te = heap.topT();
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
      heap.pop(ev);
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
    for (const p of this.pools) p.coster.release();
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
    if (this.tiersOn) o.tiers = this.tiers.usage(this.pools);
    o.firstArrivalS = Number.isFinite(first) ? first : NaN;
    o.lastEndS = Number.isFinite(last) ? last : NaN;
    if (o.truncated === null && this.finishedOrRejected < this.n)
      o.truncated = `${this.n - this.finishedOrRejected} requests never finished (the scheduler stalled)`;
    return o;
  }

  private sampleKv(t: number): void {
    const f = this.capUnitsTotal > 0 ? this.s.usedUnits / this.capUnitsTotal : 0;
    this.kvT.push(t);
    this.kvV.push(f);
    if (f > this.out.peakKvFraction) this.out.peakKvFraction = f;
    if (this.tiersOn) this.tiers.sample(t, this.pools);
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
      unitsFor(servePool, whole) > servePool.capUnits - servePool.wmUnits ||
      (this.decodePool !== null && unitsFor(p, spec.inputTokens) > p.capUnits - p.wmUnits);
    if (tooBig) {
      this.s.state[r] = S_REJECTED;
      o.status[r] = STATUS_REJECTED;
      if (o.rejectReason === null) {
        o.rejectReason = `a request of ${spec.inputTokens} + ${spec.outputTokens} tokens needs more KV cache than one scheduler holds (${servePool.kvTokensPerGroup} tokens)`;
      }
      this.retire(t);
      return;
    }
    this.s.queued++;
    this.qT.push(t);
    this.qV.push(this.s.queued);
    const inst = routeRequest(this.router, p, this.req[r]!.hashIds);
    const gi = pickGroup(this.router, inst, this.req[r]!.hashIds);
    this.assign(inst, gi, r);
    this.s.state[r] = S_WAITING;
    inst.groups[gi]!.waiting.pushBack(r);
    this.poke(inst, t);
  }

  private assign(inst: Inst, gi: number, r: number): void {
    this.out.instance[r] = inst.idx;
    this.s.group[r] = gi;
    inst.outstanding++;
    inst.groups[gi]!.outstanding++;
  }

  /**
   * A request left the system (finished or rejected): closed-loop clients issue their next one. The client
   * sends it when the last token reaches it, just after the engine launched its next step, so the new prompt
   * arrives after that launch and waits for the step (the closed form's step in flight, cost/estimator.ts).
   */
  private retire(t: number): void {
    this.finishedOrRejected++;
    const users = this.input.closedLoopUsers;
    if (users === null) return;
    const warmup = this.input.warmupRequests ?? 0;
    // The warm-up barrier: a user done with warm-up waits until every warm-up request has finished, then all
    // users start the measured phase together (workload.warmupRequests, as aiperf and vllm bench run it). Once
    // the last warm-up request is sent, each of the `users` still running one waits here, so all of them go.
    if (warmup >= users && this.nextClosed >= warmup && this.finishedOrRejected <= warmup) {
      if (this.finishedOrRejected < warmup) return;
      for (let u = 0; u < users && this.nextClosed < this.n; u++) {
        this.heap.push(t + CLIENT_RESEND_S, 0, EV_ARRIVAL, this.nextClosed, 0);
        this.nextClosed++;
      }
      return;
    }
    if (this.nextClosed < this.n) {
      this.heap.push(t + CLIENT_RESEND_S, 0, EV_ARRIVAL, this.nextClosed, 0);
      this.nextClosed++;
    }
  }

  /** Prompt finished on a prefill instance: send its KV to a decode instance. */
  private handoff(inst: Inst, r: number, t: number): void {
    const dp = this.decodePool!;
    const link = this.input.kvTransfer!;
    this.s.state[r] = S_TRANSFER;
    inst.outstanding--;
    inst.groups[this.s.group[r]!]!.outstanding--;
    this.out.prefillInstance[r] = inst.idx;
    const dst = routeRequest(this.router, dp, this.req[r]!.hashIds);
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
    const sg = src.groups[this.s.group[r]!]!;
    sg.free += this.s.units[r]!;
    this.s.usedUnits -= this.s.units[r]!;
    this.s.units[r] = 0;
    this.poke(src, t);
    const dst = this.insts[dstIdx]!;
    const gi = pickGroup(this.router, dst, this.req[r]!.hashIds);
    this.out.instance[r] = dst.idx;
    this.s.group[r] = gi;
    dst.groups[gi]!.outstanding++;
    // The decode instance holds prompt − 1 tokens of KV and computes the last one itself.
    const input = this.req[r]!.inputTokens;
    this.s.computed[r] = input - 1;
    this.s.known[r] = input;
    this.s.generated[r] = 0;
    this.s.state[r] = S_WAITING;
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
    const mb = inst.nInflight > 0 ? inst.inflight[0]! : null;
    if (mb !== null && mb.steps > 1 && mb.endS > t) {
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
    if (inst.nInflight < inst.pool.pp) {
      const want = Math.max(t, inst.stageFree[0]!);
      if (want < inst.wakeAt) this.setWake(inst, want);
    }
  }

  private wake(inst: Inst, ver: number, t: number): void {
    if (ver !== inst.wakeVer) return;
    inst.wakeAt = Infinity;
    // Terminates: each pass removes one in-flight micro-batch (at most pp).
    while (inst.nInflight > 0 && inst.inflight[0]!.endS <= t) {
      const mb = shiftInflight(inst);
      inst.lastEndS = mb.endS;
      inst.lastStepStartS = mb.steps > 1 ? mb.startS + mb.cumS(mb.steps - 1) : mb.startS;
      this.finalize(inst, mb);
    }
    if (this.out.truncated !== null) return;
    // Requests issued at t (closed loop, transfers) are routed before this instance schedules.
    if (this.heap.topT() <= t && this.heap.topCls() === 0) {
      this.setWake(inst, t);
      return;
    }
    this.launch(inst, t);
    let next = inst.nInflight > 0 ? inst.inflight[0]!.endS : Infinity;
    // With a free micro-batch slot, try again when stage 0 frees (a launch just now, or stage 0 still
    // busy with a later micro-batch while sequences became ready).
    const sf = inst.stageFree[0]!;
    if (inst.nInflight < inst.pool.pp && sf > t) next = Math.min(next, sf);
    if (next < Infinity) this.setWake(inst, next);
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling one micro-batch

  private newMb(t: number): MicroBatch {
    const mb = this.mbFree > 0 ? this.mbPool[--this.mbFree]! : new MicroBatch();
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

  /**
   * The overlap gate. Under overlap / async scheduling (TRT-LLM's overlap scheduler, SGLang's overlap loop,
   * vLLM V1 async scheduling: ENGINE-FACTS §0, §6 [TRT-OVERLAP]) the engine forms step n+1 while step n
   * computes, so a step launched straight after the previous one holds only requests that had arrived when
   * that previous step started; a later arrival waits one more step — the closed form's second step ahead
   * of an arrival (cost/estimator.ts stepsAheadOfArrival). After an idle gap nothing was formed ahead, and
   * pipeline micro-batches (pp > 1) keep their own queue: no gate.
   */
  private overlapCutoffS(inst: Inst, t: number): number {
    const p = inst.pool;
    if (!p.rt.overlapScheduling || p.pp > 1 || t > inst.lastEndS) return Infinity;
    return inst.lastStepStartS;
  }

  private launch(inst: Inst, t: number): boolean {
    const p = inst.pool;
    if (inst.nInflight >= p.pp || inst.stageFree[0]! > t) return false;
    const mb = this.newMb(t);
    const coster = p.coster;
    coster.reset();
    this.s.launchId++;
    inst.admitCutoffS = this.overlapCutoffS(inst, t);
    let work = this.scheduler.fill(inst, mb, t);
    // Nothing else to run: the engine loop is idle, so it takes the held-back prompts at once.
    if (mb.count === 0 && work.gated) {
      inst.admitCutoffS = Infinity;
      work = this.scheduler.fill(inst, mb, t);
    }
    const { swapIn, swapOut, swapInSsd, swapOutSsd, reload } = work;
    if (mb.count === 0) {
      this.mbPool[this.mbFree++] = mb;
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
      this.tiers.recordTransfers(inst, p, t, swapOut, swapOutSsd, swapInSsd, swapIn, reload);
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
      !work.preempted &&
      !work.skipped &&
      !work.gated &&
      hostTok === 0 &&
      ssdTok === 0 &&
      p.role !== 'prefill' &&
      p.spec === null // a leap assumes one token per step; speculative steps emit a drawn number
    ) {
      const itersLeft = this.input.maxIterations - this.out.iterations;
      if (p.leapsOk) extendLeap(this.s, this.req, inst, mb, itersLeft);
      else extendLeapStepwise(this.s, this.req, inst, mb, itersLeft, this.nextArrivalS);
    }
    inst.inflight[inst.nInflight++] = mb;
    this.sampleKv(t);
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Completing a micro-batch

  private finalize(inst: Inst, mb: MicroBatch): void {
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
    const sq = this.s;
    const computed = sq.computed;
    const generated = sq.generated;
    const known = sq.known;
    const inflight = sq.inflight;
    const lastTokenS = sq.lastTokenS;
    const groupOf = sq.group;
    const req = this.req;
    const ids = mb.ids;
    const count = mb.count;
    if (mb.steps > 1) {
      const k = mb.steps;
      const t1 = mb.startS + mb.cumS(1);
      // Steps 2..k: every sequence sees the step's duration as its inter-token gap (linear in j, or
      // step by step for a stepwise leap).
      if (mb.ends !== null) for (let j = 2; j <= k; j++) o.itl.add(mb.stepS(j), count);
      else if (k > 1) o.itl.addLinear(mb.stepS(2), mb.stepS(k), k - 1, count);
      for (let i = 0; i < count; i++) {
        const r = ids[i]!;
        inflight[r] = 0;
        const g = inst.groups[groupOf[r]!]!;
        const c = computed[r]! + k;
        const want = sq.growth(p, r, c);
        g.free -= want;
        sq.usedUnits += want;
        sq.units[r]! += want;
        computed[r] = c;
        if (generated[r] === 0) {
          o.firstTokenS[r] = t1;
          o.decodeTokens += k - 1;
        } else {
          o.itl.add(t1 - lastTokenS[r]!);
          o.decodeTokens += k;
        }
        lastTokenS[r] = T;
        const gen = generated[r]! + k;
        generated[r] = gen;
        known[r]! += k;
        if (gen >= req[r]!.outputTokens) {
          this.complete(inst, g, r, T);
          removed = true;
        }
      }
    } else {
      const toks = mb.toks;
      const state = sq.state;
      const prefill = p.role === 'prefill';
      for (let i = 0; i < count; i++) {
        const r = ids[i]!;
        const nTok = toks[i]!;
        inflight[r] = 0;
        if (state[r] !== S_RUNNING) continue;
        const c = computed[r]! + nTok;
        computed[r] = c;
        if (c !== known[r]) continue;
        const g = inst.groups[groupOf[r]!]!;
        if (prefill) {
          this.handoff(inst, r, T);
          removed = true;
          continue;
        }
        // Tokens this step emits: 1, or under speculative decoding 1 + the drafts accepted (seeded draw).
        const first = generated[r] === 0;
        const emitted = first ? 1 : this.emittedTokens(p, r);
        if (first) o.firstTokenS[r] = T;
        else {
          o.itl.add(T - lastTokenS[r]!);
          o.decodeTokens += emitted;
        }
        lastTokenS[r] = T;
        const gen = generated[r]! + emitted;
        generated[r] = gen;
        known[r]! += emitted;
        // The accepted drafts' KV was written by the verify step (slots reserved by the scheduler).
        computed[r]! += emitted - 1;
        if (gen >= req[r]!.outputTokens) {
          this.complete(inst, g, r, T);
          removed = true;
        }
      }
    }
    if (removed) {
      const state = sq.state;
      const groups = inst.groups;
      for (let gi = 0; gi < groups.length; gi++) {
        const run = groups[gi]!.running;
        let w = 0;
        for (let i = 0; i < run.length; i++) {
          const r = run[i]!;
          if (state[r] === S_RUNNING) run[w++] = r;
        }
        // pop, not `run.length = w`: a length store takes V8's slow path, and only a few entries go.
        while (run.length > w) run.pop();
      }
    }
    o.prefillTokens += mb.prefillTokens;
    this.mbPool[this.mbFree++] = mb;
    this.sampleKv(T);
    if (o.iterations >= this.input.maxIterations && this.finishedOrRejected < this.n) {
      o.truncated = `stopped after ${o.iterations} iterations (the iteration cap): the workload does not drain within the budget`;
      o.partial = { reason: o.truncated, events: o.events };
    }
  }

  /**
   * Tokens a decode step of request r emits: 1 without speculative decoding; with it, 1 + the drafts accepted
   * in a row at the plan's acceptance (core/spec acceptedTokensForUniform), drawn from a hash of (request,
   * tokens generated) so runs are deterministic, and capped by the request's remaining output.
   */
  private emittedTokens(p: PoolState, r: number): number {
    const spec = p.spec;
    if (!spec) return 1;
    const u = hashSeed(r, this.s.generated[r]!) / 4294967296;
    const n = acceptedTokensForUniform(spec.acceptance, spec.draftTokens, u);
    return Math.max(1, Math.min(n, this.req[r]!.outputTokens - this.s.generated[r]!));
  }

  private complete(inst: Inst, g: Group, r: number, t: number): void {
    const o = this.out;
    o.endS[r] = t;
    o.status[r] = STATUS_DONE;
    this.s.state[r] = S_DONE;
    g.free += this.s.units[r]!;
    this.s.usedUnits -= this.s.units[r]!;
    this.s.units[r] = 0;
    inst.outstanding--;
    g.outstanding--;
    if (o.prefillInstance[r] === -1) o.prefillInstance[r] = inst.idx;
    this.retire(t);
  }
}

/**
 * Remove and return the oldest of the instance's micro-batches in flight (at least one, at most pp). The
 * slots are shifted down and the array keeps its length: Array#shift is slower, and a pop to empty makes
 * V8 trim the backing store that the next launch regrows.
 */
function shiftInflight(inst: Inst): MicroBatch {
  const a = inst.inflight;
  const x = a[0]!;
  const n = --inst.nInflight;
  for (let i = 0; i < n; i++) a[i] = a[i + 1]!;
  return x;
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
