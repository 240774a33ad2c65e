/**
 * Memory tiers of the simulated plan: HBM (the paged pools), host DRAM and NVMe. Tracks the swap
 * space each instance holds, where a swapped sequence goes (host while it has room, then NVMe, else
 * recompute), the byte counters (which conserve: what left HBM for a tier is in it or came back),
 * occupancy sampled over time, and one timeline row per tier copy.
 */
import { XFER_D2H, XFER_FROM_NVME, XFER_H2D, XFER_TO_NVME } from '../kv/transfers.ts';
import type { Inst, PoolState } from './pool.ts';
import { GrowableF64 } from './stats.ts';
import type { TierTransferTimeline, TierUsage } from './types.ts';

/** Where a swapped sequence's KV sits: nowhere (recompute), host DRAM, NVMe. */
export const TIER_NONE = 0;
export const TIER_HOST = 1;
export const TIER_SSD = 2;

export class MemoryTiers {
  private hostUsedTotal = 0;
  private ssdUsedTotal = 0;
  private readonly tierT = new GrowableF64(256);
  private readonly tierHbm = new GrowableF64(256);
  private readonly tierHost = new GrowableF64(256);
  private readonly tierSsd = new GrowableF64(256);
  private readonly stats = {
    d2hBytes: 0,
    h2dBytes: 0,
    toSsdBytes: 0,
    fromSsdBytes: 0,
    reloadBytes: 0,
    transferS: 0,
    swapFallbacks: 0,
  };

  constructor(private readonly transfers: TierTransferTimeline) {}

  /** HBM bytes in use (blocks held + shared prefixes) and the swap space held, over the whole plan. */
  sample(t: number, pools: readonly PoolState[]): void {
    let hbm = 0;
    for (const p of pools) {
      let used = 0;
      for (const inst of p.insts) for (const g of inst.groups) used += p.capUnits - g.free + p.sharedUnits;
      hbm += used * p.unitBytes;
    }
    this.tierT.push(t);
    this.tierHbm.push(hbm);
    this.tierHost.push(this.hostUsedTotal);
    this.tierSsd.push(this.ssdUsedTotal);
  }

  /**
   * Where a swapped-out sequence goes: host (1) while the instance's host swap space has room, then
   * NVMe (2); 0 when neither has room (the caller recomputes instead). Unbounded host without offload.
   */
  placeSwap(p: PoolState, inst: Inst, tok: number): number {
    const bytes = tok * p.tokenBytes;
    if (inst.hostUsed + bytes <= p.hostCapBytes) {
      inst.hostUsed += bytes;
      this.hostUsedTotal += bytes;
      this.stats.d2hBytes += bytes;
      return TIER_HOST;
    }
    if (inst.ssdUsed + bytes <= p.ssdCapBytes) {
      inst.ssdUsed += bytes;
      this.ssdUsedTotal += bytes;
      this.stats.toSsdBytes += bytes;
      return TIER_SSD;
    }
    this.stats.swapFallbacks++;
    return TIER_NONE;
  }

  /** A swapped sequence of `tok` token-equivalents comes back from `tier`: free its space there. */
  unswap(p: PoolState, inst: Inst, tok: number, tier: number): void {
    const bytes = tok * p.tokenBytes;
    if (tier === TIER_SSD) {
      inst.ssdUsed -= bytes;
      this.ssdUsedTotal -= bytes;
      this.stats.fromSsdBytes += bytes;
    } else {
      inst.hostUsed -= bytes;
      this.hostUsedTotal -= bytes;
      this.stats.h2dBytes += bytes;
    }
  }

  /** Multi-turn KV loaded from the host store (not part of the swap-space balance). */
  addReload(bytes: number): void {
    this.stats.reloadBytes += bytes;
  }

  /** The tier copies of one launch, back to back from its start (swap out, to NVMe, from NVMe, swap in, reloads). */
  recordTransfers(
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
      this.stats.transferS += d;
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
    const tl = this.transfers;
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

  /** The tiers' occupancy series, capacities over the plan and counters. */
  usage(pools: readonly PoolState[]): TierUsage {
    let hbm = 0;
    let host = 0;
    let ssd = 0;
    for (const p of pools) {
      const groups = p.insts.length * p.dep.instance.attentionDp;
      hbm += groups * (p.capUnits + p.sharedUnits) * p.unitBytes;
      host += p.insts.length * p.hostCapBytes;
      ssd += p.insts.length * p.ssdCapBytes;
    }
    return {
      t: this.tierT.view(),
      hbmBytes: this.tierHbm.view(),
      hostBytes: this.tierHost.view(),
      ssdBytes: this.tierSsd.view(),
      capacity: { hbmBytes: hbm, hostBytes: host, ssdBytes: ssd },
      ...this.stats,
    };
  }
}
