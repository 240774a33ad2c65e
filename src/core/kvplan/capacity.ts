/**
 * KV capacity curve: for each context length, how many sequences the deployment holds (HBM alone, and
 * with host/NVMe tiers), and the decode throughput at that concurrency — the data behind the UI's KV
 * capacity chart (max sequences vs context 1K-1M, one curve per strategy) and the long-context analysis
 * of "Challenges in Deploying Long-Context Transformers: A Theoretical Peak Performance Analysis"
 * (Fu, 2024): after prefill the KV cache caps concurrent users, and decoding re-reads it every step.
 *
 * Sequences per scheduler group (one attention-DP group of one instance, or of a cp group of instances)
 * = min over pipeline stages of ⌊(free HBM per GPU − shared prefix) / HBM bytes per sequence per GPU⌋,
 * where free HBM = the engine's KV budget (cost/memory: utilisation·capacity − weights − activations −
 * reserve). Deployment-wide = × attention-DP groups × replicas; with DistAttention the groups' free memory
 * is pooled before dividing. With offload tiers the host/NVMe bytes per GPU join the pool; HBM fills first.
 */
import { MAX_KV_TOKENS, kvStrategySchema, type Fidelity, type KvStrategy, type KvStrategyInput } from '../kv/types.ts';
import type { Deployment } from '../cost/deployment.ts';
import { strategyDecodeStep, type DecodeStep, type SpillPerGpu } from './decode.ts';
import {
  freeKvBytesPerGpu,
  modelFootprint,
  resolveKv,
  stageFootprints,
  type Footprint,
  type ResolvedKv,
} from './footprint.ts';
import { placeInTiers, type TierPlacement } from '../kv/offload.ts';
import { seqsWithSharedPrefix } from '../kv/share.ts';

/** 1K, 2K, 4K … 1M tokens. */
export const DEFAULT_CONTEXTS: readonly number[] = Array.from({ length: 11 }, (_, i) => 1024 * 2 ** i);

export interface KvCapacityPoint {
  contextTokens: number;
  /** HBM bytes of one sequence over all layers, one copy (shared prefix excluded). */
  hbmBytesPerSeq: number;
  /** Sequences the deployment's HBM holds (all replicas and attention-DP groups). */
  hbmSeqs: number;
  /** With host/NVMe tiers (= hbmSeqs without offload). */
  maxSeqs: number;
  /** min(maxSeqs, runtime.maxNumSeqs per scheduler group): what the engine would actually run. */
  servableSeqs: number;
  /** Servable sequences beyond what HBM holds: their KV lives partly in host/NVMe. */
  offloadedSeqs: number;
  /** Decode step and output tokens/s (deployment-wide) at servableSeqs. */
  decodeStepS: number;
  decodeTokPerS: number;
  /** Throughput if the engine stayed within HBM (min(hbmSeqs, cap) sequences). */
  hbmOnlyDecodeTokPerS: number;
  step: DecodeStep | null;
  /** Per GPU of the tightest stage at servableSeqs: bytes in each tier (conserving, see placeInTiers). */
  tiers: TierPlacement;
  /** Longer than the model's trained context (only meaningful with eviction / sink windows). */
  beyondModelContext: boolean;
}

export interface KvCapacityCurve {
  label: string;
  description: string;
  lossless: boolean;
  fidelity: Fidelity;
  /** GPUs the strategy uses (× contextParallel). */
  gpusUsed: number;
  /** Engine cap: runtime.maxNumSeqs × scheduler groups. */
  maxNumSeqsCap: number;
  points: KvCapacityPoint[];
  /** Longest context at which one sequence still fits in HBM; null = beyond 2M tokens. */
  hbmLimitTokens: number | null;
  /** Longest context at which one sequence fits in HBM + host + NVMe; null = beyond 2M tokens. */
  tieredLimitTokens: number | null;
  /** Shortest context at which HBM holds fewer sequences than the engine cap (KV-bound from here). */
  kvBoundFromTokens: number | null;
  /** Where host/NVMe start holding sequences (null without offload tiers). */
  offloadStartsAtTokens: number | null;
  warnings: string[];
  sources: string[];
}

/** Scheduler groups with separate KV pools over the deployment: attention-DP groups × replicas. */
export function schedulerGroups(dep: Deployment): number {
  return dep.instance.attentionDp * dep.dp;
}

/**
 * Sequences one tier budget holds, min over stages: per scheduler group ⌊(room − shared) / per-seq⌋ × groups,
 * or with DistAttention ⌊groups · (room − shared) / per-seq⌋ (pooled). Evicted KV parked in a bounded
 * host/NVMe store also limits the count: ⌊store / cold bytes per seq⌋.
 */
function seqsFor(r: ResolvedKv, free: number[], stages: Footprint[], withTiers: boolean): number {
  const groups = schedulerGroups(r.dep);
  const store = r.hostBytesPerGpu + r.ssdBytesPerGpu;
  const pooled = r.distributed.distAttention;
  let n = Infinity;
  stages.forEach((f, s) => {
    const per = withTiers ? f.hbmBytes + f.hostBytes : f.hbmBytes;
    const room = (free[s] ?? 0) + (withTiers ? store : 0);
    const k = pooled
      ? Math.floor(Math.max(0, groups * (room - f.sharedBytes)) / per)
      : groups * seqsWithSharedPrefix(room, f.sharedBytes, per);
    n = Math.min(n, per > 0 ? k : 0);
    if (r.offload && f.hostBytes > 0) {
      const cold = pooled ? Math.floor((groups * store) / f.hostBytes) : groups * Math.floor(store / f.hostBytes);
      n = Math.min(n, cold);
    }
  });
  return Number.isFinite(n) ? n : 0;
}

interface Counts {
  hbmSeqs: number;
  maxSeqs: number;
  /** Without DistAttention's pooling: whole sequences per scheduler group. */
  localSeqs: number;
  stages: Footprint[];
}

function counts(r: ResolvedKv, free: number[], L: number): Counts {
  const stages = stageFootprints(r, L);
  // A stage whose weights leave no HBM for KV runs nothing, whatever the host tiers hold.
  if (free.some((b) => b <= 0)) return { hbmSeqs: 0, maxSeqs: 0, localSeqs: 0, stages };
  const hbmSeqs = seqsFor(r, free, stages, false);
  const maxSeqs = r.offload ? Math.max(hbmSeqs, seqsFor(r, free, stages, true)) : hbmSeqs;
  const localSeqs = r.distributed.distAttention
    ? seqsFor({ ...r, distributed: { ...r.distributed, distAttention: false } }, free, stages, false)
    : hbmSeqs;
  return { hbmSeqs, maxSeqs, localSeqs, stages };
}

/** Largest L in [1, MAX_KV_TOKENS] with pred(L) true, for pred true-then-false; 0 if pred(1) is false, null if pred(MAX) holds. */
function lastTrue(pred: (L: number) => boolean): number | null {
  if (!pred(1)) return 0;
  if (pred(MAX_KV_TOKENS)) return null;
  let lo = 1;
  let hi = MAX_KV_TOKENS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (pred(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Tier placement per GPU when `seqs` sequences (deployment-wide) run: each stage's GPU places its share;
 * the stage that streams most sets the step. Only the attended part of spilled KV crosses the link each
 * step (readBytes / hbmBytes of a sequence).
 */
export function tierPlacement(
  r: ResolvedKv,
  free: number[],
  stages: Footprint[],
  seqs: number,
): { tiers: TierPlacement; spill: SpillPerGpu } {
  const perGroup = seqs / schedulerGroups(r.dep);
  let tiers = placeInTiers(0, 0, { hbmBytes: 0, hostBytes: 0, ssdBytes: 0 });
  let worst = -1;
  let readFraction = 1;
  stages.forEach((f, s) => {
    const room = Math.max(0, (free[s] ?? 0) - f.sharedBytes);
    // Without an offload component, evicted-to-host KV sits in an unsized host store (see resolveKv's warning).
    const hostBytes = r.offload ? r.hostBytesPerGpu : f.hostBytes > 0 ? Infinity : 0;
    const p = placeInTiers(perGroup * f.hbmBytes, perGroup * f.hostBytes, {
      hbmBytes: room,
      hostBytes,
      ssdBytes: r.ssdBytesPerGpu,
    });
    const stream = p.hostHotBytes + p.ssdHotBytes;
    if (stream > worst) {
      worst = stream;
      tiers = p;
      readFraction = f.hbmBytes > 0 ? Math.min(1, f.readBytes / f.hbmBytes) : 1;
    }
  });
  return {
    tiers,
    spill: { hostHotBytes: tiers.hostHotBytes * readFraction, ssdHotBytes: tiers.ssdHotBytes * readFraction },
  };
}

/** The capacity/throughput point of a resolved strategy at context L. */
export function capacityPoint(r: ResolvedKv, L: number, free: number[] = freeKvBytesPerGpu(r.dep)): KvCapacityPoint {
  const { dep } = r;
  const groups = schedulerGroups(dep);
  const cap = dep.runtime.maxNumSeqs * groups;
  const c = counts(r, free, L);
  const servable = Math.min(c.maxSeqs, cap);
  const { tiers, spill } = tierPlacement(r, free, c.stages, servable);
  const worstStream = tiers.hostHotBytes + tiers.ssdHotBytes;
  const perInstance = servable / dep.dp;
  const spanning = r.distributed.distAttention ? Math.max(0, servable - c.localSeqs) / dep.dp : 0;
  const step = servable > 0 ? strategyDecodeStep(r, perInstance, L, spill, spanning) : null;
  const hbmN = Math.min(c.hbmSeqs, cap);
  const hbmStep =
    hbmN > 0
      ? hbmN === servable && worstStream <= 0
        ? step
        : strategyDecodeStep(
            r,
            hbmN / dep.dp,
            L,
            undefined,
            r.distributed.distAttention ? Math.max(0, hbmN - c.localSeqs) / dep.dp : 0,
          )
      : null;
  return {
    contextTokens: L,
    hbmBytesPerSeq: modelFootprint(r, L).hbmBytes,
    hbmSeqs: c.hbmSeqs,
    maxSeqs: c.maxSeqs,
    servableSeqs: servable,
    offloadedSeqs: Math.max(0, servable - c.hbmSeqs),
    decodeStepS: step?.stepS ?? 0,
    decodeTokPerS: step && step.stepS > 0 ? servable / step.stepS : 0,
    hbmOnlyDecodeTokPerS: hbmStep && hbmStep.stepS > 0 ? hbmN / hbmStep.stepS : 0,
    step,
    tiers,
    beyondModelContext: L > dep.model.maxContextTokens,
  };
}

/** Capacity and decode throughput vs context length for one strategy on one deployment. */
export function kvCapacityCurve(
  dep: Deployment,
  strategy: KvStrategy | KvStrategyInput,
  contexts: readonly number[] = DEFAULT_CONTEXTS,
): KvCapacityCurve {
  const r = resolveKv(dep, kvStrategySchema.parse(strategy));
  const free = freeKvBytesPerGpu(dep);
  const groups = schedulerGroups(dep);
  const cap = dep.runtime.maxNumSeqs * groups;
  const points = contexts.map((L) => capacityPoint(r, L, free));
  const hbmLimitTokens = lastTrue((L) => counts(r, free, L).hbmSeqs >= 1);
  const tieredLimitTokens = r.offload ? lastTrue((L) => counts(r, free, L).maxSeqs >= 1) : hbmLimitTokens;
  const stillFull = lastTrue((L) => counts(r, free, L).hbmSeqs >= cap);
  const kvBoundFromTokens = stillFull === null ? null : stillFull + 1;
  let offloadStartsAtTokens: number | null = null;
  if (r.offload && r.hostBytesPerGpu + r.ssdBytesPerGpu > 0 && kvBoundFromTokens !== null) {
    const c = counts(r, free, kvBoundFromTokens);
    if (c.maxSeqs > c.hbmSeqs) offloadStartsAtTokens = kvBoundFromTokens;
  }
  return {
    label: r.label,
    description: r.description,
    lossless: r.lossless,
    fidelity: r.fidelity,
    gpusUsed: dep.gpusUsed * r.distributed.contextParallel,
    maxNumSeqsCap: cap,
    points,
    hbmLimitTokens,
    tieredLimitTokens,
    kvBoundFromTokens,
    offloadStartsAtTokens,
    warnings: r.warnings,
    sources: r.sources,
  };
}

export type { ResolvedKv };
