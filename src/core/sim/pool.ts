/** Simulator pools: the per-pool KV geometry and rates, its instances and their scheduler groups. */
import { specPlanOf, type SpecPlan } from '../cost/speculative.ts';
import type { Deployment } from '../cost/deployment.ts';
import { geometryOf, stageKvLayerWeights } from '../cost/geometry.ts';
import { kvBlockTokens } from '../cost/memory.ts';
import type { PoolRole } from '../cost/pools.ts';
import type { ResolvedRuntime as Runtime } from '../engine/resolve.ts';
import { kvEngineOf, type KvEngine } from '../kvplan/engine.ts';
import { hasMixedKvLayers, kvLayersPerStage } from '../model/params.ts';
import { GB } from '../units.ts';
import type { MicroBatch } from './microbatch.ts';
import { PrefixCache } from './prefix.ts';
import type { PrefixModel } from './requests.ts';
import { IntDeque } from './stats.ts';
import { StepCoster, type StepTimes } from './stepcost.ts';
import type { SimPoolInput } from './types.ts';

export interface Group {
  waiting: IntDeque;
  running: number[];
  free: number;
  outstanding: number;
  cache: PrefixCache | null;
  /** Leap scratch: KV units needed per block phase, and the free units left. */
  bucket: Float64Array | null;
  tmpFree: number;
}

export interface PoolState {
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
  /** Swap preemption or an offload component: the memory tiers are tracked. */
  tiersOn: boolean;
  /** Speculative decoding (runtime.speculative): each decode verifies k + 1 positions (null when off). */
  spec: SpecPlan | null;
}

export interface Inst {
  idx: number;
  pool: PoolState;
  groups: Group[];
  stageFree: Float64Array;
  /** Micro-batches in flight, oldest first: slots 0..nInflight−1 (slots above are stale, the array never shrinks). */
  inflight: MicroBatch[];
  nInflight: number;
  wakeAt: number;
  wakeVer: number;
  outstanding: number;
  sendFree: number;
  recvFree: number;
  /** Swapped KV held in this instance's host / NVMe swap space, bytes. */
  hostUsed: number;
  ssdUsed: number;
  /** End and start of the last step this instance finished (the overlap gate, engine.ts launch). */
  lastEndS: number;
  lastStepStartS: number;
  /** The launch being filled admits only requests that arrived by then (Infinity: no gate). */
  admitCutoffS: number;
}

/**
 * One pool's scheduler state: its KV geometry (units per block, capacity, watermark), swap rates and
 * tier capacities, and `p.instances` instances of `attentionDp` groups each, appended to `insts`
 * (global instance indices follow the order pools are built in).
 */
export function buildPool(p: SimPoolInput, prefix: PrefixModel, insts: Inst[]): PoolState {
  const dep = p.dep;
  const rt = dep.runtime;
  const kv = kvEngineOf(dep);
  // Allocation unit: runtime.kvBlockSize, or the strategy's paging (block / vAttention page).
  const bs = kv ? kvBlockTokens(dep) : rt.kvBlockSize;
  const model = dep.model;
  const window = model.slidingWindow ?? Infinity;
  const g = geometryOf(dep);
  // Full and window-capped KV layers, in units of one full-attention layer (geometry.ts).
  let wf = 0;
  let ws = 0;
  for (const w of stageKvLayerWeights(dep)) {
    wf += w.full;
    ws += w.sliding;
  }
  const L = wf + ws; // KV layers only: state-based and FFN-only layers hold no KV blocks
  const blocks = Math.floor(p.kvTokensPerGroup / bs);
  const share = kv?.r.share;
  const sharedPrefixTokens = share ? share.prefixTokens : 0;
  const sharedUnits = kv && sharedPrefixTokens > 0 ? kv.sharedUnits(sharedPrefixTokens) : 0;
  const capUnits = kv ? Math.max(0, blocks * L - sharedUnits) : blocks * L;
  const hostBps = (kv ? kv.hostGBps : dep.gpu.hostLinkGBps) * 1e9;
  // KV bytes per token one GPU of each stage moves when it swaps (mixed shapes: each layer's own, geometry.ts).
  const stageBytes = hasMixedKvLayers(model)
    ? g.stageKvBytesPerTokenGpu
    : kvLayersPerStage(model, dep.instance.stageLayers).map((layers) => g.kvBytesPerTokenLayerGpu * layers);
  const swapSPerTokenStage = Float64Array.from(stageBytes, (bytes) => bytes / hostBps);
  const off = kv?.r.offload;
  const ssdBps = off && off.ssdGB > 0 ? kv!.r.ssdGBps * 1e9 : 0;
  const ssdSPerTokenStage = Float64Array.from(stageBytes, (bytes) => (ssdBps > 0 ? bytes / ssdBps : 0));
  const tp = dep.instance.tp;
  const pool: PoolState = {
    role: p.role,
    dep,
    rt,
    coster: new StepCoster(dep),
    times: { stageS: new Float64Array(dep.instance.pp), p2pS: 0, overheadS: 0 },
    insts: [],
    pp: dep.instance.pp,
    bs,
    wf,
    ws,
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
    tiersOn: rt.preemption === 'swap' || off !== undefined,
    spec: specPlanOf(dep),
  };
  const cacheBlocks =
    prefix.kind === 'hashes' && p.role !== 'decode' ? Math.floor(p.kvTokensPerGroup / prefix.blockTokens) : 0;
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
    }
    const inst: Inst = {
      idx: insts.length,
      pool,
      groups,
      stageFree: new Float64Array(pool.pp),
      inflight: [],
      nInflight: 0,
      wakeAt: Infinity,
      wakeVer: 0,
      outstanding: 0,
      sendFree: 0,
      recvFree: 0,
      hostUsed: 0,
      ssdUsed: 0,
      lastEndS: -Infinity,
      lastStepStartS: -Infinity,
      admitCutoffS: Infinity,
    };
    pool.insts.push(inst);
    insts.push(inst);
  }
  return pool;
}

/** KV units a sequence of t tokens holds: full layers ceil(t/bs) blocks, sliding layers ceil(min(t, w)/bs). */
export function unitsFor(p: PoolState, t: number): number {
  if (p.kv) return p.kv.units(t);
  const full = Math.ceil(t / p.bs);
  return p.wf * full + (p.ws > 0 ? p.ws * Math.ceil(Math.min(t, p.window) / p.bs) : 0);
}
