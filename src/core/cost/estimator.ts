/**
 * Closed-form steady-state estimator: microseconds per plan, used as the search's first pass and the
 * UI's slider-speed path. It assumes every request has the mean input I and output O tokens and that
 * the engine runs continuous batching at a steady concurrency C per instance:
 *
 *   cycle(C)   = O · t_decode(C, ctx = I + O/2) + t_prefill(C·I tokens in maxBatchedTokens chunks)
 *   throughput = C·O / cycle(C)                 (tokens/s per instance)
 *   TPOT       = cycle(C) / O                   (decode steps stretched by interleaved prefills)
 *   TTFT       = queueing wait + t_prefill(own prompt)
 * C is the smallest of: the KV capacity in sequences, maxNumSeqs, and the offered concurrency
 * (closed-loop users; Little's law C = λ·E2E for open arrivals, solved by fixed-point iteration).
 * Queueing for open arrivals uses the M/D/1 Pollaczek–Khinchine mean wait of the prefill server.
 * Under a KV strategy (runtime.kvStrategy, core/kvplan/engine.ts) the KV capacity counts the strategy's
 * bytes per sequence, decode steps read its bytes (iteration.ts), and prefill computes only the prompt
 * tokens sharing / RAG / multi-turn reuse leave, with their KV loads over the host link exposed beyond
 * that compute (compare.ts does the same). Running sequences stay in HBM (offload tiers are not used
 * for decoding; see core/kvplan/engine.ts).
 */
import { dampedFixedPoint, kingmanWaitS } from './queueing.ts';
import { kvBytesForContext, kvBytesPerToken } from '../model/params.ts';
import type { Workload } from '../scenario/schema.ts';
import { uniformShape, type BatchShape } from './batch.ts';
import type { Deployment } from './deployment.ts';
import { iterationCost } from './iteration.ts';
import { memoryReport, type MemoryReport } from './memory.ts';
import { kvHookOf, type KvHook, type PromptWork } from './kv-hook.ts';
import { exposedTransferS, transferS } from '../kv/offload.ts';
import { draftPrefillS, specPlanOf, specStepCost, tokensPerDecodeStep } from './speculative.ts';

export interface SteadyState {
  /** Sequences decoding concurrently per instance. */
  concurrency: number;
  /** Upper bound on concurrency from KV capacity and maxNumSeqs. */
  maxConcurrency: number;
  limitedBy: 'kv-cache' | 'max-num-seqs' | 'offered-load';
  decodeStepS: number;
  prefillPerRequestS: number;
  cycleS: number;
  ttftS: number;
  tpotS: number;
  e2eS: number;
  /** Output tokens/s per instance. */
  outputTokPerSecPerInstance: number;
  /** Fraction of time the instance is computing (1 for closed loops that saturate it). */
  busyFraction: number;
  overloaded: boolean;
  memory: MemoryReport;
}

/** Sequences of `tokens` total length the KV cache holds per instance (sliding-window layers keep only the window). */
export function seqsFitting(dep: Deployment, mem: MemoryReport, tokens: number): number {
  const { runtime, instance, model } = dep;
  if (mem.maxKvTokensPerGroup <= 0) return 0;
  const kv = kvHookOf(dep);
  if (kv) return kv.seqsFitting(mem.maxKvTokensPerGroup, tokens) * instance.attentionDp;
  const padded = Math.ceil(tokens / runtime.kvBlockSize) * runtime.kvBlockSize;
  // Full-attention-equivalent tokens one sequence occupies.
  const effectiveTokens = kvBytesForContext(model, padded, 1) / kvBytesPerToken(model, 1);
  return Math.floor(mem.maxKvTokensPerGroup / effectiveTokens) * instance.attentionDp;
}

/** Full-attention-equivalent share of one group's KV pool that one sequence of `tokens` holds (1 = all of it). */
function sequenceShareOfPool(dep: Deployment, mem: MemoryReport, tokens: number): number {
  const cap = mem.maxKvTokensPerGroup;
  if (cap <= 0) return Infinity;
  const kv = kvHookOf(dep);
  if (kv) {
    const layers = kv.fullLayers + kv.slidingLayers;
    const capUnits = Math.floor(cap / kv.blockTokens) * layers;
    return capUnits > 0 ? (kv.units(tokens) + kv.sharedUnits(tokens)) / capUnits : Infinity;
  }
  const { runtime, model } = dep;
  const padded = Math.ceil(tokens / runtime.kvBlockSize) * runtime.kvBlockSize;
  return kvBytesForContext(model, padded, 1) / kvBytesPerToken(model, 1) / cap;
}

const fmtGB = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(2));

/**
 * Why the plan cannot hold one sequence of `tokens` (input + output) tokens, e.g. "one 2,097,152-token
 * sequence needs 256 GB of KV; 6.3 GB free", or null when it can (or when memory already does not fit:
 * that explanation stands). `fits` means at least one sequence of the workload's longest request fits.
 */
export function sequenceMisfit(dep: Deployment, mem: MemoryReport, tokens: number): string | null {
  if (!mem.fits || seqsFitting(dep, mem, tokens) >= 1) return null;
  // The stage with the fewest KV tokens decides (every stage holds its layers' share of each sequence).
  const stage = mem.perGpu.reduce((a, b) => (b.kvTokens < a.kvTokens ? b : a));
  const freeGB = stage.kvCacheGB;
  const needGB = sequenceShareOfPool(dep, mem, tokens) * freeGB;
  const perGpu = dep.instance.gpus > 1 ? ' per GPU' : '';
  return (
    `one ${Math.round(tokens).toLocaleString('en-US')}-token sequence needs ${fmtGB(needGB)} GB of KV${perGpu}; ` +
    `${fmtGB(freeGB)} GB free${perGpu}. Shorten the requests, use a smaller KV dtype or a KV strategy, or shard the model over more GPUs.`
  );
}

/** `mem` marked as not fitting because of `reason` (a sequenceMisfit text). */
export function withMisfit(mem: MemoryReport, dep: Deployment, tokens: number, reason: string): MemoryReport {
  const stage = mem.perGpu.reduce((a, b) => (b.kvTokens < a.kvTokens ? b : a));
  const shortfallGB = Math.max(0, (sequenceShareOfPool(dep, mem, tokens) - 1) * stage.kvCacheGB);
  return { ...mem, fits: false, shortfallGB, explanation: `Does not fit: ${reason}` };
}

/** Time to prefill `prompts` prompts of `promptLen` tokens, packed into maxBatchedTokens chunks. */
export function prefillTimeS(dep: Deployment, prompts: number, promptLen: number): number {
  if (prompts <= 0) return 0;
  const chunk = prefillChunkTokens(dep, promptLen);
  const window = dep.model.slidingWindow;
  if (promptLen <= chunk) {
    const perChunk = Math.floor(chunk / promptLen);
    const full = Math.floor(prompts / perChunk);
    const rest = prompts - full * perChunk;
    const t = full > 0 ? full * prefillIterationS(dep, uniformShape(perChunk, 0, promptLen, true, window)) : 0;
    return t + (rest > 0 ? prefillIterationS(dep, uniformShape(rest, 0, promptLen, true, window)) : 0);
  }
  // A long prompt runs as successive chunks, each attending to the chunks before it.
  // Terminates: `done` grows by chunk ≥ 1 per pass, so ⌈promptLen / chunk⌉ passes; lengths are clamped
  // to MAX_TOKENS (workload/clamp.ts) before they reach here, and the cap below refuses anything longer.
  if (promptLen > MAX_PREFILL_CHUNKS * chunk)
    throw new RangeError(`prompt of ${promptLen} tokens exceeds ${MAX_PREFILL_CHUNKS} prefill chunks of ${chunk}`);
  return prompts * longPromptPrefillS(dep, promptLen, chunk, window);
}

/** One prefill iteration, seconds: the target's pass, plus the speculative draft's pass over the same tokens. */
function prefillIterationS(dep: Deployment, shape: BatchShape): number {
  return iterationCost(dep, shape).timeS + draftPrefillS(dep, shape);
}

/** Up to this many chunks a long prompt is costed chunk by chunk; beyond it, by sampling. */
export const EXACT_PREFILL_CHUNKS = 128;
const SAMPLED_PREFILL_CHUNKS = 64;

/**
 * One prompt of `promptLen` tokens as successive `chunk`-token iterations, each attending to the
 * chunks before it. Beyond EXACT_PREFILL_CHUNKS chunks (a 1M-token prompt at a 4K budget, or a tiny
 * token budget) the full chunks are summed by the midpoint rule over SAMPLED_PREFILL_CHUNKS evenly
 * spaced ones: a chunk's cost is a sum of roofline maxima that are linear in its context offset, so
 * the mean of the samples matches the exact sum to well under 1 % (tested), at a fixed cost; the last
 * chunk (it also samples the first output token) is always costed exactly.
 */
function longPromptPrefillS(dep: Deployment, promptLen: number, chunk: number, window: number | null): number {
  // The same prompt is costed many times: prefill of one and of c prompts, every pass of the
  // open-arrival fixed point, and every replica count of one instance shape in a search. Cost it once.
  const key = `${costIdentity(dep)}|${promptLen}|${chunk}|${window}`;
  const hit = longPromptMemo.get(key);
  if (hit !== undefined) return hit;
  const t = longPromptPrefillUncachedS(dep, promptLen, chunk, window);
  // Bounded: a search asks for a few shapes × knobs; beyond the cap start over (a miss only recomputes).
  if (longPromptMemo.size >= LONG_PROMPT_MEMO_ENTRIES) longPromptMemo.clear();
  longPromptMemo.set(key, t);
  return t;
}

const LONG_PROMPT_MEMO_ENTRIES = 4096;
const longPromptMemo = new Map<string, number>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;

function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

/**
 * What an iteration's cost depends on: the model and GPU (by identity: catalog entries are shared,
 * an override is a new object and only misses the memo), precision, resolved runtime, instance shape
 * and links — not the replica count, except under a KV strategy (its pools span the scheduler groups).
 */
function costIdentity(dep: Deployment): string {
  const dp = kvHookOf(dep) ? dep.dp : 0;
  return `${objectId(dep.model)}|${objectId(dep.gpu)}|${dp}|${JSON.stringify([dep.precision, dep.runtime, dep.instance, dep.links])}`;
}

function longPromptPrefillUncachedS(dep: Deployment, promptLen: number, chunk: number, window: number | null): number {
  const chunkAt = (done: number) => {
    const n = Math.min(chunk, promptLen - done);
    return prefillIterationS(dep, uniformShape(1, done, n, done + n >= promptLen, window));
  };
  const chunks = Math.ceil(promptLen / chunk);
  if (chunks <= EXACT_PREFILL_CHUNKS) {
    let total = 0;
    for (let k = 0; k < chunks; k++) total += chunkAt(k * chunk);
    return total;
  }
  const body = chunks - 1; // every chunk but the last is full
  let sampled = 0;
  for (let j = 0; j < SAMPLED_PREFILL_CHUNKS; j++) {
    sampled += chunkAt(Math.floor(((j + 0.5) * body) / SAMPLED_PREFILL_CHUNKS) * chunk);
  }
  return (sampled / SAMPLED_PREFILL_CHUNKS) * body + chunkAt(body * chunk);
}

/**
 * Prefill of `prompts` mean prompts of `promptLen` tokens under the deployment's KV strategy: the tokens
 * still computed (sharing, RAG chunk reuse, multi-turn reuse), plus the KV loaded over the host link
 * instead, exposed beyond that compute (layer-wise, with prefetch). Without a strategy = prefillTimeS.
 */
export function promptPrefillS(dep: Deployment, prompts: number, promptLen: number, w?: Workload): number {
  const kv = kvHookOf(dep);
  if (!kv || !w) return prefillTimeS(dep, prompts, promptLen);
  return strategyPrefillS(dep, kv, kv.promptWork(w), prompts);
}

function strategyPrefillS(dep: Deployment, kv: KvHook, pw: PromptWork, prompts: number): number {
  const compute = prefillTimeS(dep, prompts, pw.computed);
  if (pw.loadBytesPerGpu <= 0 || prompts <= 0) return compute;
  const load = transferS(prompts * pw.loadBytesPerGpu, kv.hostGBps);
  return compute + exposedTransferS(load, compute, kv.prefetch);
}

/** Prefill chunks one prompt may take (2^21 tokens in chunks of 1; a bound for prefillTimeS's loop). */
export const MAX_PREFILL_CHUNKS = 2 ** 21;

/** Mean time for a prompt of a wave of `c` prompts (arriving together) to finish prefill. */
export function waveMeanPrefillS(dep: Deployment, c: number, promptLen: number): number {
  const chunk = prefillChunkTokens(dep, promptLen);
  const perChunk = Math.max(1, Math.floor(chunk / promptLen));
  const whole = Math.ceil(c);
  // Prompts finish in groups of perChunk; group j ends after j groups of prefill.
  const groups = Math.ceil(whole / perChunk);
  const groupS = prefillTimeS(dep, Math.min(perChunk, whole), promptLen);
  let sum = 0;
  // Terminates: `groups` = ⌈c / perChunk⌉ ≤ c, and c ≤ maxNumSeqs · attentionDp (the batch cap).
  for (let j = 1; j <= groups; j++) sum += j * groupS * Math.min(perChunk, whole - (j - 1) * perChunk);
  return sum / whole;
}

/**
 * One decode step of `seqs` sequences at context `ctx`, seconds. With speculative decoding it is the draft
 * passes plus the (k + 1)-wide verify (cost/speculative.ts) and emits tokensPerDecodeStep(dep) tokens.
 */
export function decodeStepS(dep: Deployment, seqs: number, ctx: number): number {
  if (seqs <= 0) return 0;
  const pp = dep.instance.pp;
  // With pp stages, pp micro-batches of seqs/pp are in flight; each waits for the whole pipeline.
  const micro = seqs / pp;
  const spec = specPlanOf(dep);
  if (spec) {
    const sc = specStepCost(dep, spec, micro, ctx);
    return pp > 1 ? pp * sc.stepS : sc.stepS;
  }
  const cost = iterationCost(dep, uniformShape(micro, ctx, 1, true, dep.model.slidingWindow));
  const stageMax = Math.max(...cost.stageTimesS);
  return pp > 1 ? Math.max(cost.timeS, pp * (stageMax + cost.p2pS)) : cost.timeS;
}

/** The deployment's KV strategy and the mean request's prompt work under it (null without one). */
interface KvPrompt {
  kv: KvHook;
  pw: PromptWork;
}

function cycleAt(
  dep: Deployment,
  c: number,
  I: number,
  O: number,
  kp: KvPrompt | null = null,
): { cycleS: number; dec: number; pre: number } {
  const dec = decodeStepS(dep, c, I + O / 2);
  const pre = kp ? strategyPrefillS(dep, kp.kv, kp.pw, c) : prefillTimeS(dep, c, I);
  // Speculative decoding emits E(a, k) tokens per step: O / E steps per request (exactly O without it).
  return { cycleS: (O / tokensPerDecodeStep(dep)) * dec + pre, dec, pre };
}

/** Tokens one prefill step takes from a prompt of `promptLen`: the step budget, or the whole prompt without chunking. */
function prefillChunkTokens(dep: Deployment, promptLen: number): number {
  return dep.runtime.chunkedPrefill ? dep.runtime.maxBatchedTokens : Math.max(dep.runtime.maxBatchedTokens, promptLen);
}

/**
 * Whole steps a prompt arriving just after a step boundary waits for before its own step: the step the engine
 * has just launched, plus, under overlap / async scheduling, the one it already formed while that step runs
 * (TRT-LLM's overlap scheduler prepares step n+1 while step n computes, ENGINE-FACTS §6 [TRT-OVERLAP]; vLLM V1
 * async scheduling and SGLang's overlap scheduler do the same).
 */
export function stepsAheadOfArrival(dep: Deployment): number {
  return dep.runtime.overlapScheduling ? 2 : 1;
}

/**
 * Of the `ahead` steps a returning group waits for, how many are other groups' prefill steps, averaged over a
 * sweep of `groups` groups that come back one step apart: group j has min(j, ahead) groups just ahead of it.
 */
export function meanPrefillStepsAhead(groups: number, ahead: number): number {
  const n = Math.max(1, Math.floor(groups));
  if (n <= ahead) return (n - 1) / 2;
  return ahead - (ahead * (ahead + 1)) / 2 / n;
}

/**
 * Mean wait before a closed-loop user's prompt starts its own prefill step, at `c` running sequences.
 *
 * - Chunk groups: prompts that shared a prefill step finish together and come back together, so each arrival
 *   waits for the other prompts of its group (min(c, prompts per step)); the simulator shows the groups persist.
 * - Waves: under a prefill-priority loop (SGLang, vLLM V0: EngineProfile.prefillPriority) the whole
 *   concurrency stays one wave — the running decodes wait while prompts are admitted, so the c prompts start
 *   decoding together, finish together and come back together — and every prompt waits, on average, for the
 *   prefill chunks of the wave ahead of it (waveMeanPrefillS), in every round rather than only the first.
 * - The steps in flight: a client re-sends as soon as its last token arrives, which is just after the engine
 *   launched the next step, so the new prompt waits for that whole step before it can be scheduled — and for
 *   one more under overlap / async scheduling, which formed the step after it before the prompt arrived
 *   (stepsAheadOfArrival). In the closed loop the groups come back in the order they were prefilled, one step
 *   apart, so those steps are the previous groups' prefill steps, except at the start of each sweep of
 *   ⌈c / group⌉ groups, where they are decode steps (meanPrefillStepsAhead).
 * - The first wave: the c clients start together (and again after the warm-up phase), so one prompt in
 *   `requests / c` waits for the chunks of the whole wave ahead of it.
 * - Users beyond the batch also wait for a slot (one request completes every E2E / c): `slotS`, apart from
 *   the `engineS` spent inside the engine before the own prefill step.
 */
function closedLoopWaitS(
  dep: Deployment,
  w: Workload,
  c: number,
  offered: number,
  Ic: number,
  oneS: number,
  decS: number,
  reqPerS: number,
): { engineS: number; slotS: number } {
  const total = Math.max(w.requests / dep.dp, c);
  const firstWave = Math.max(0, waveMeanPrefillS(dep, c, Ic) - oneS);
  const group = Math.min(c, Math.max(1, Math.floor(prefillChunkTokens(dep, Ic) / Ic)));
  const groupPrefillS = prefillTimeS(dep, group, Ic);
  const groupWait = Math.max(0, groupPrefillS - oneS);
  const sweepGroups = Math.ceil(c / group);
  const groupStepS = groupPrefillS + (dep.runtime.mixedPrefillDecode ? decS : 0);
  const ahead = stepsAheadOfArrival(dep);
  const prefillStepsAhead = meanPrefillStepsAhead(sweepGroups, ahead);
  const inFlightS = prefillStepsAhead * groupStepS + (ahead - prefillStepsAhead) * decS;
  const steady = (dep.runtime.engine.prefillPriority ? firstWave : groupWait) + inFlightS;
  return {
    engineS: (c * firstWave + (total - c) * steady) / total,
    slotS: offered > c ? (offered - c) / reqPerS : 0,
  };
}

/**
 * TPOT of a closed-loop user. Each of the c users always has one request in the engine, so by Little's law a
 * request spends one whole cycle there (E2E = c / λ = c·O / throughput = cycle) and E2E = TTFT + (O − 1)·TPOT:
 * TPOT = (cycle − TTFT) / (O − 1). The cycle's prefill time is shared out between the two instead of counted in
 * both (cycle / O when O = 1 or the TTFT estimate reaches the cycle).
 */
export function closedLoopTpotS(cycleS: number, engineTtftS: number, O: number): number {
  if (O <= 1 || engineTtftS >= cycleS) return cycleS / O;
  return (cycleS - engineTtftS) / (O - 1);
}

export function steadyState(dep: Deployment, w: Workload): SteadyState {
  let mem = memoryReport(dep);
  const I = w.inputTokens;
  const O = w.outputTokens;
  const misfit = sequenceMisfit(dep, mem, I + O);
  // Weights fit but not one mean request's KV: the plan serves nothing, so it does not fit.
  if (misfit !== null) mem = withMisfit(mem, dep, I + O, misfit);
  const kvSeqs = mem.fits ? seqsFitting(dep, mem, I + O) : 0;
  const numSeqsCap = dep.runtime.maxNumSeqs * dep.instance.attentionDp;
  const maxC = Math.min(kvSeqs, numSeqsCap);
  const limitedBy: SteadyState['limitedBy'] = kvSeqs < numSeqsCap ? 'kv-cache' : 'max-num-seqs';
  const empty: SteadyState = {
    concurrency: 0,
    maxConcurrency: 0,
    limitedBy,
    decodeStepS: 0,
    prefillPerRequestS: 0,
    cycleS: Infinity,
    ttftS: Infinity,
    tpotS: Infinity,
    e2eS: Infinity,
    outputTokPerSecPerInstance: 0,
    busyFraction: 0,
    overloaded: true,
    memory: mem,
  };
  if (maxC < 1) return empty;
  const dp = dep.dp;
  const kv = kvHookOf(dep);
  const kp: KvPrompt | null = kv ? { kv, pw: kv.promptWork(w) } : null;
  // Prompt tokens actually prefilled (fewer under sharing / multi-turn reuse).
  const Ic = kp ? kp.pw.computed : I;
  const prefillOne = kp ? strategyPrefillS(dep, kp.kv, kp.pw, 1) : prefillTimeS(dep, 1, I);
  const a = w.arrival;
  if (a.kind === 'offline' || a.kind === 'concurrency') {
    const offered = a.kind === 'offline' ? Math.ceil(w.requests / dp) : Math.ceil(a.users / dp);
    const c = Math.max(1, Math.min(maxC, offered));
    const { cycleS, dec } = cycleAt(dep, c, I, O, kp);
    const thr = (c * O) / cycleS;
    // Own prefill shares its step(s) with the running decodes when the engine mixes them (vLLM decode-first
    // chunks, TRT-LLM in-flight batching); SGLang's prefill-first batches run alone (the decodes stall instead).
    const mixedDecS = dep.runtime.mixedPrefillDecode ? dec : 0;
    const ownPrefill = prefillOne + Math.ceil(Ic / prefillChunkTokens(dep, Ic)) * mixedDecS;
    let wait: number;
    let tpot = cycleS / O;
    if (a.kind === 'offline') {
      // Requests start in waves of c as earlier ones finish: mean wait = (waves − 1)/2 · request lifetime.
      const waves = offered / c;
      wait = Math.max(0, (waves - 1) / 2) * cycleS;
    } else {
      const q = closedLoopWaitS(dep, w, c, offered, Ic, kp ? prefillTimeS(dep, 1, Ic) : prefillOne, dec, thr / O);
      wait = q.engineS + q.slotS;
      tpot = closedLoopTpotS(cycleS, q.engineS + ownPrefill, O);
    }
    const ttft = wait + ownPrefill;
    return {
      concurrency: c,
      maxConcurrency: maxC,
      limitedBy: offered <= maxC ? 'offered-load' : limitedBy,
      decodeStepS: dec,
      prefillPerRequestS: prefillOne,
      cycleS,
      ttftS: ttft,
      tpotS: tpot,
      e2eS: ttft + (O - 1) * tpot,
      outputTokPerSecPerInstance: thr,
      busyFraction: 1,
      overloaded: false,
      memory: mem,
    };
  }
  // Open arrivals: λ per instance; find C with C = λ·E2E(C).
  const lambda = a.ratePerSec / dp;
  const cv2 = a.kind === 'gamma' ? a.cv * a.cv : 1;
  const maxThrReq = (maxC * O) / cycleAt(dep, maxC, I, O, kp).cycleS / O;
  if (lambda >= maxThrReq) {
    const { cycleS, dec } = cycleAt(dep, maxC, I, O, kp);
    return {
      ...empty,
      concurrency: maxC,
      maxConcurrency: maxC,
      limitedBy,
      decodeStepS: dec,
      prefillPerRequestS: prefillOne,
      cycleS,
      tpotS: cycleS / O,
      outputTokPerSecPerInstance: (maxC * O) / cycleS,
      busyFraction: 1,
      overloaded: true,
    };
  }
  let c = Math.max(1, Math.min(maxC, lambda * (prefillOne + O * decodeStepS(dep, 1, I))));
  // Fixed point of C = λ·E2E(C) (Little's law), bounded passes (cost/queueing.ts); C stays in [1, maxC].
  c = dampedFixedPoint((x) => Math.max(1, Math.min(maxC, lambda * (cycleAt(dep, x, I, O, kp).cycleS + prefillOne))), c);
  const res = cycleAt(dep, c, I, O, kp);
  const tpot = res.cycleS / O;
  // The instance is busy for the share of time its work takes at this rate.
  const busy = Math.min(1, (lambda * res.cycleS) / Math.max(c, 1e-9));
  // Prefill queue: M/G/1 with service prefillOne, utilisation ρ = λ·prefillOne (Kingman / P-K with arrival cv).
  const waitQ = kingmanWaitS(cv2, 0, lambda * prefillOne, prefillOne);
  // A random arrival lands inside a running step: half a step on average (decode steps dominate the cycle),
  // plus the step already formed under overlap scheduling; its own step carries the decodes when mixed.
  const inFlight = res.dec / 2 + (stepsAheadOfArrival(dep) - 1) * res.dec;
  const ownSteps = Math.ceil((kp ? kp.pw.computed : I) / prefillChunkTokens(dep, kp ? kp.pw.computed : I));
  const ttft = waitQ + inFlight + prefillOne + (dep.runtime.mixedPrefillDecode ? ownSteps * res.dec : 0);
  const thr = lambda * O;
  return {
    concurrency: c,
    maxConcurrency: maxC,
    limitedBy: 'offered-load',
    decodeStepS: res.dec,
    prefillPerRequestS: prefillOne,
    cycleS: res.cycleS,
    ttftS: ttft,
    tpotS: tpot,
    e2eS: ttft + (O - 1) * tpot,
    outputTokPerSecPerInstance: thr,
    busyFraction: busy,
    overloaded: false,
    memory: mem,
  };
}
