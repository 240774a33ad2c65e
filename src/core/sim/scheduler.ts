/**
 * The per-group scheduler of one launch (vLLM v1 `Scheduler.schedule`): a token budget of
 * `maxBatchedTokens` and at most `maxNumSeqs` running sequences; decode-first (running requests, then
 * new ones FCFS) or prefill-first (prompt work first, decodes only in iterations without any);
 * chunked prefill; paged KV with a watermark for admission; preemption (recompute, swap to the memory
 * tiers, or `reserve`, which never preempts); prefix-cache hits and, under a KV strategy, a shared
 * prefix and multi-turn reloads. See engine.ts for the whole model.
 */
import { TIER_SSD, type MemoryTiers } from './memory-tiers.ts';
import type { MicroBatch } from './microbatch.ts';
import { unitsFor, type Group, type Inst, type PoolState } from './pool.ts';
import type { PrefixModel } from './requests.ts';
import { S_RUNNING, S_WAITING, type Sequences } from './sequences.ts';
import type { RequestSpec } from '../workload/types.ts';
import type { SimRaw } from './types.ts';

// Scheduling passes.
const PASS_ALL = 0;
const PASS_PREFILL = 1;
const PASS_DECODE = 2;

/** Per-group scheduling state of one launch. */
interface BuildState {
  budget: number;
  /** Prompt tokens scheduled from this group (a prompt longer than the budget runs when it is the first). */
  promptTokens: number;
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

/** What one launch scheduled beyond its sequences, summed over the groups (reused between launches). */
export interface LaunchWork {
  /** Some group preempted, or skipped a request it could not schedule (either ends a leap). */
  preempted: boolean;
  skipped: boolean;
  /** A waiting request was held back by the overlap gate (ends a leap: it joins the next step). */
  gated: boolean;
  /** Token-equivalents swapped in / out over the host link, to / from NVMe, and reloaded from host. */
  swapIn: number;
  swapOut: number;
  swapInSsd: number;
  swapOutSsd: number;
  reload: number;
}

export class Scheduler {
  private readonly st: BuildState = {
    budget: 0,
    promptTokens: 0,
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
  private readonly work: LaunchWork = {
    preempted: false,
    skipped: false,
    gated: false,
    swapIn: 0,
    swapOut: 0,
    swapInSsd: 0,
    swapOutSsd: 0,
    reload: 0,
  };

  constructor(
    private readonly req: readonly RequestSpec[],
    private readonly s: Sequences,
    private readonly out: SimRaw,
    private readonly tiers: MemoryTiers,
    private readonly prefix: PrefixModel,
  ) {}

  /** Fill micro-batch mb of instance inst at time t from every group (the caller has reset the coster). */
  fill(inst: Inst, mb: MicroBatch, t: number): LaunchWork {
    const p = inst.pool;
    const st = this.st;
    const w = this.work;
    w.preempted = false;
    w.skipped = false;
    w.gated = false;
    w.swapIn = 0;
    w.swapOut = 0;
    w.swapInSsd = 0;
    w.swapOutSsd = 0;
    w.reload = 0;
    for (const g of inst.groups) {
      st.budget = p.rt.maxBatchedTokens;
      st.promptTokens = 0;
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
        this.scheduleRunning(p, inst, g, mb, PASS_ALL, st);
        if (!st.preempted) this.admit(p, inst, g, mb, t, st);
      } else {
        const before = mb.count;
        this.scheduleRunning(p, inst, g, mb, PASS_PREFILL, st);
        if (!st.preempted) this.admit(p, inst, g, mb, t, st);
        if (mb.count === before) {
          st.skipped = false;
          this.scheduleRunning(p, inst, g, mb, PASS_DECODE, st);
        }
      }
      w.preempted ||= st.preempted;
      w.skipped ||= st.skipped;
      w.swapIn += st.swapInTokens;
      w.swapOut += st.swapOutTokens;
      w.swapInSsd += st.swapInSsdTokens;
      w.swapOutSsd += st.swapOutSsdTokens;
      w.reload += st.reloadTokens;
      if (g.running.length > this.out.peakRunningPerGroup) this.out.peakRunningPerGroup = g.running.length;
    }
    return w;
  }

  /** Tokens of a request's pending work that fit this iteration (0 = none). */
  private chunk(p: PoolState, need: number, st: BuildState): number {
    if (st.budget <= 0 || st.seqs >= st.seqCap) return 0;
    if (need === 1) return 1;
    if (p.rt.chunkedPrefill) return Math.min(need, st.budget);
    // Unchunked, a prompt runs whole: within the budget, or past it when it is the step's first prompt work (it
    // may share the step with decodes, as SGLang admits the first request of a prefill batch whatever its length
    // and the closed form's max(budget, prompt) step; cost/estimator.ts prefillChunkTokens).
    return need <= st.budget || st.promptTokens === 0 ? need : 0;
  }

  private put(p: PoolState, mb: MicroBatch, r: number, n: number, st: BuildState): void {
    const c = this.s.computed[r]!;
    const k = this.s.known[r]!;
    mb.push(r, n);
    this.s.mark[r] = this.s.launchId;
    this.s.inflight[r] = 1;
    p.coster.add(c, n, c + n === k);
    if (k - c === 1 && this.s.generated[r]! > 0) mb.decodeSeqs++;
    else {
      mb.prefillTokens += n;
      st.promptTokens += n;
    }
    st.budget = Math.max(0, st.budget - n);
    st.seqs++;
  }

  private preempt(p: PoolState, inst: Inst, g: Group, j: number, st: BuildState): void {
    const v = g.running[j]!;
    g.running.splice(j, 1);
    const held = this.s.units[v]!;
    g.free += held;
    this.s.usedUnits -= held;
    this.s.units[v] = 0;
    this.out.preemptions++;
    // Token-equivalents of KV to move: the computed tokens, or under a strategy what its blocks hold.
    const tok = p.kv ? (held * p.bs) / p.layers : this.s.computed[v]!;
    const tier =
      (p.rt.preemption === 'swap' || p.offloadSwap) && this.s.computed[v]! > 0 ? this.tiers.placeSwap(p, inst, tok) : 0;
    if (tier !== 0) {
      this.s.swapped[v] = 1;
      this.s.swapTok[v] = tok;
      this.s.swapTier[v] = tier;
      if (tier === 1) st.swapOutTokens += tok;
      else st.swapOutSsdTokens += tok;
      this.out.swapOutTokens += tok;
    } else {
      this.out.recomputedTokens += this.s.computed[v]!;
      this.s.computed[v] = 0;
    }
    this.s.state[v] = S_WAITING;
    g.waiting.pushFront(v);
  }

  /** A swapped sequence comes back: free its tier space (the caller adds the copy to the iteration). */
  private swapIn(p: PoolState, inst: Inst, r: number, st: BuildState): void {
    const tok = this.s.swapTok[r]!;
    const tier = this.s.swapTier[r]!;
    this.tiers.unswap(p, inst, tok, tier);
    if (tier === TIER_SSD) st.swapInSsdTokens += tok;
    else st.swapInTokens += tok;
    this.s.swapTier[r] = 0;
    this.s.swapTok[r] = 0;
  }

  /** Schedule the group's running requests (one pass). */
  private scheduleRunning(p: PoolState, inst: Inst, g: Group, mb: MicroBatch, pass: number, st: BuildState): void {
    const run = g.running;
    let i = 0;
    // Terminates: every pass either advances i or preempts (removes) a request of `run`, so at most
    // 2·run.length passes.
    while (i < run.length) {
      const r = run[i]!;
      if (this.s.inflight[r] === 1) {
        i++;
        continue;
      }
      const need = this.s.known[r]! - this.s.computed[r]!;
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
      // Speculative decoding: a decode holds KV slots for its k drafts too while they are verified (vLLM lookahead slots).
      const lookahead = isDecode && p.spec ? p.spec.draftTokens : 0;
      const want = this.s.growth(p, r, this.s.computed[r]! + n + lookahead);
      let self = false;
      // Terminates: each pass preempts one request behind i (run shrinks) or i itself (break).
      while (want > g.free) {
        let j = run.length - 1;
        while (j > i && (this.s.inflight[run[j]!] === 1 || this.s.mark[run[j]!] === this.s.launchId)) j--;
        if (j > i) {
          this.preempt(p, inst, g, j, st);
          st.preempted = true;
          continue;
        }
        // No one behind it to evict: preempt the request itself.
        this.preempt(p, inst, g, i, st);
        st.preempted = true;
        self = true;
        break;
      }
      if (self) continue;
      g.free -= want;
      this.s.usedUnits += want;
      this.s.units[r]! += want;
      this.put(p, mb, r, n, st);
      // The k drafts verified with the decode take token budget too (vLLM V1: 1 + len(spec_token_ids)).
      if (lookahead > 0) st.budget = Math.max(0, st.budget - lookahead);
      i++;
    }
  }

  /** Prefix-cache hit (tokens) for a request starting from scratch. */
  private prefixHitTokens(p: PoolState, g: Group, r: number): number {
    const pm = this.prefix;
    const spec = this.req[r]!;
    const cap = Math.min(spec.inputTokens, this.s.known[r]! - 1);
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
    const cap = Math.min(spec.inputTokens, this.s.known[r]! - 1);
    const skip = Math.max(cached, Math.min(cap, p.sharedPrefixTokens));
    if (p.multiTurnHitRate <= 0) return { skip, reload: 0 };
    const reload = Math.max(0, Math.min(cap - skip, Math.floor((p.multiTurnHitRate * spec.inputTokens) / p.bs) * p.bs));
    return { skip: skip + reload, reload };
  }

  /** Admit waiting requests FCFS while budget, maxNumSeqs and KV (above the watermark) allow. */
  private admit(p: PoolState, inst: Inst, g: Group, mb: MicroBatch, t: number, st: BuildState): void {
    const maxSeqs = p.rt.maxNumSeqs;
    // Terminates: each pass admits (dequeues) one waiting request or returns.
    while (g.waiting.length > 0 && st.budget > 0 && st.seqs < st.seqCap) {
      if (g.running.length >= maxSeqs) {
        this.out.blockedBySeqs++;
        return;
      }
      const r = g.waiting.front();
      // Overlap / async scheduling formed this step while the last one ran: a prompt that arrived after
      // that (FCFS: every one behind it too) joins the step after (engine.ts launch, the overlap gate).
      if (this.out.arrivalS[r]! > inst.admitCutoffS) {
        this.work.gated = true;
        return;
      }
      const fresh = this.s.computed[r] === 0 && this.s.swapped[r] === 0;
      const cached = fresh && p.role !== 'decode' ? this.prefixHitTokens(p, g, r) : 0;
      // Under a KV strategy a shared prefix is never prefilled again, and multi-turn reuse loads a
      // hitRate share of the prompt's KV from the host store instead of computing it.
      const reuse = fresh && p.role !== 'decode' && p.kv ? this.kvReuse(p, r, cached) : null;
      const hit = reuse ? reuse.skip : cached;
      const c = this.s.computed[r]! + hit;
      const n = this.chunk(p, this.s.known[r]! - c, st);
      if (n === 0) return;
      // reserve (TRT-LLM GUARANTEED_NO_EVICT): admit only with KV for the whole request, held to the end.
      const whole = p.rt.preemption === 'reserve' && p.role !== 'prefill';
      const want = unitsFor(p, whole ? this.req[r]!.inputTokens + this.req[r]!.outputTokens : c + n);
      if (g.free - want < p.wmUnits) {
        this.out.blockedByKv++;
        return;
      }
      g.waiting.popFront();
      g.running.push(r);
      this.s.state[r] = S_RUNNING;
      g.free -= want;
      this.s.usedUnits += want;
      this.s.units[r] = want;
      if (this.s.swapped[r] === 1) {
        this.s.swapped[r] = 0;
        this.out.swapInTokens += this.s.swapTok[r]!;
        this.swapIn(p, inst, r, st);
      }
      if (reuse !== null && reuse.reload > 0) {
        st.reloadTokens += reuse.reload;
        this.tiers.addReload((reuse.reload * p.tokenBytes) / p.reloadRatio);
      }
      if (fresh && p.role !== 'decode') {
        this.out.promptTokensAdmitted += this.req[r]!.inputTokens;
        this.out.prefixHitTokens += cached;
        this.s.computed[r] = hit;
        const h = this.req[r]!.hashIds;
        if (g.cache !== null && h !== undefined) g.cache.touch(h);
      }
      if (Number.isNaN(this.out.prefillStartS[r]!)) {
        this.out.prefillStartS[r] = t;
        this.s.queued--;
      }
      this.put(p, mb, r, n, st);
    }
  }
}
