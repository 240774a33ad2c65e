/**
 * Tiered KV offload: GPU HBM → host DRAM → NVMe, each with a capacity and a bandwidth over the host
 * link (PCIe Gen4/Gen5, NVLink-C2C on GH200/GB200).
 *
 * - Placement fills HBM first; the overflow of the live ("hot") KV spills to host, then to NVMe. KV that
 *   an eviction policy parked outside its budget ("cold") goes straight to host, then NVMe. Everything is
 *   computed on the GPU first, so every byte outside HBM crossed the link device→host once (D2H).
 * - A decode step must read every hot byte, so the spilled hot KV streams host→device each step.
 *   With layer-wise prefetch (FlexGen, Sheng et al. 2023; CachedAttention's layer-wise pre-loading)
 *   layer i+1's KV moves while layer i computes: exposed time = max(0, transfer − compute); without it,
 *   transfer and compute add up.
 * - Multi-turn reuse — CachedAttention (Gao et al., USENIX ATC 2024): a conversation's KV is saved to
 *   host/SSD after each turn and re-loaded layer by layer for the next one instead of being recomputed.
 *   Continuum (2025) keeps it for a time-to-live tied to tool-call durations. The store a TTL needs is
 *   Little's law: sessions/s × TTL × bytes per session; a store smaller than that lowers the hit rate
 *   in proportion.
 * - Swap-based preemption — FastSwitch (Shen et al., 2024): preempting a running sequence copies its KV
 *   out and back in: 2 × bytes over the link; vLLM's 16-token blocks move at a fraction of the link's
 *   bandwidth, which FastSwitch's larger contiguous blocks recover (`linkEfficiency`).
 */
import type { GpuSpec } from '../hardware/types.ts';
import type { KvOffload } from './types.ts';

export const OFFLOAD_SOURCES = {
  tiers: 'Tiered KV offload with layer-wise prefetch (FlexGen, Sheng et al. 2023; CachedAttention, Gao et al. 2024)',
  multiTurn:
    'CachedAttention (Gao et al., USENIX ATC 2024): multi-turn KV reuse from host/SSD; Continuum (2025): KV time-to-live',
  swap: 'FastSwitch (Shen et al., 2024): swap-based preemption cost',
};

/** Host link per direction, GB/s: the strategy's override or the GPU's (PCIe / NVLink-C2C). */
export function hostLinkGBps(gpu: GpuSpec, offload: KvOffload | undefined): number {
  return offload?.hostLinkGBps ?? gpu.hostLinkGBps;
}

/** NVMe → GPU: bounded by the drive and by the host link it crosses. */
export function ssdReadGBps(offload: KvOffload, hostGBps: number): number {
  return Math.min(offload.ssdGBps, hostGBps);
}

/** Seconds to move `bytes` over a link of `GBps` (1e9 B/s). */
export function transferS(bytes: number, GBps: number): number {
  if (bytes <= 0) return 0;
  return bytes / (GBps * 1e9);
}

/** Layer-wise prefetch hides the transfer behind compute: max(0, transfer − compute); without it they add. */
export function exposedTransferS(transferSeconds: number, computeSeconds: number, prefetch: boolean): number {
  return prefetch ? Math.max(0, transferSeconds - computeSeconds) : transferSeconds;
}

export interface TierCapacity {
  hbmBytes: number;
  hostBytes: number;
  ssdBytes: number;
}

/** Where a batch's KV ends up; every demanded byte is in exactly one of hbm/host/ssd/unplaced. */
export interface TierPlacement {
  demandBytes: number;
  hbmBytes: number;
  /** Hot (attended every step) and cold (evicted, fetched on promotion) bytes in host DRAM. */
  hostHotBytes: number;
  hostColdBytes: number;
  ssdHotBytes: number;
  ssdColdBytes: number;
  /** Did not fit anywhere. */
  unplacedBytes: number;
  /** Bytes that left HBM for host (and then possibly NVMe): = host + ssd bytes. */
  d2hBytes: number;
  /** Bytes moved on from host to NVMe: = ssd bytes. */
  hostToSsdBytes: number;
}

/**
 * Fill HBM with hot KV, spill hot overflow to host then NVMe; cold KV goes to host then NVMe.
 * Conserves bytes: hbm + host + ssd + unplaced = hot + cold, and d2h = host + ssd.
 */
export function placeInTiers(hotBytes: number, coldBytes: number, cap: TierCapacity): TierPlacement {
  const hbm = Math.min(hotBytes, Math.max(0, cap.hbmBytes));
  const hotOver = hotBytes - hbm;
  let hostFree = Math.max(0, cap.hostBytes);
  let ssdFree = Math.max(0, cap.ssdBytes);
  const hostHot = Math.min(hotOver, hostFree);
  hostFree -= hostHot;
  const ssdHot = Math.min(hotOver - hostHot, ssdFree);
  ssdFree -= ssdHot;
  const hostCold = Math.min(coldBytes, hostFree);
  const ssdCold = Math.min(coldBytes - hostCold, ssdFree);
  const unplaced = hotOver - hostHot - ssdHot + (coldBytes - hostCold - ssdCold);
  const host = hostHot + hostCold;
  const ssd = ssdHot + ssdCold;
  return {
    demandBytes: hotBytes + coldBytes,
    hbmBytes: hbm,
    hostHotBytes: hostHot,
    hostColdBytes: hostCold,
    ssdHotBytes: ssdHot,
    ssdColdBytes: ssdCold,
    unplacedBytes: unplaced,
    d2hBytes: host + ssd,
    hostToSsdBytes: ssd,
  };
}

/** Little's law: KV a multi-turn store must hold = sessions/s × TTL × bytes per session. */
export function multiTurnStoreBytes(sessionsPerS: number, ttlS: number, bytesPerSession: number): number {
  return sessionsPerS * ttlS * bytesPerSession;
}

/** A store smaller than what the TTL needs keeps a proportional share of the sessions: hit × min(1, cap/need). */
export function effectiveHitRate(hitRate: number, neededBytes: number, capacityBytes: number): number {
  if (neededBytes <= 0) return hitRate;
  return hitRate * Math.min(1, Math.max(0, capacityBytes) / neededBytes);
}

/** Prompt KV bytes re-loaded from the store instead of recomputed: hit · promptTokens · bytes/token. */
export function reloadBytes(promptTokens: number, hitRate: number, bytesPerToken: number): number {
  return hitRate * promptTokens * bytesPerToken;
}

/** Swap-based preemption: copy a sequence's KV out and back in (2 × bytes) at `linkEfficiency` of the link. */
export function swapPreemptionS(seqBytes: number, GBps: number, linkEfficiency = 1): number {
  return transferS(2 * seqBytes, GBps * linkEfficiency);
}

/** "Host offload (256 GB DRAM + 0 GB NVMe per GPU, 64 GB/s, layer-wise prefetch): lossless; …". */
export function describeOffload(o: KvOffload, linkGBps: number): string {
  const tiers = [`${o.hostGB} GB DRAM`, o.ssdGB > 0 ? `${o.ssdGB} GB NVMe @ ${o.ssdGBps} GB/s` : null]
    .filter(Boolean)
    .join(' + ');
  const mt = o.multiTurnReuse
    ? `; multi-turn reuse ${Math.round(o.multiTurnReuse.hitRate * 100)}% hit, TTL ${o.multiTurnReuse.ttlS} s`
    : '';
  return `Offload (${tiers} per GPU, ${linkGBps} GB/s link${o.prefetch ? ', layer-wise prefetch' : ''}): lossless; more sequences, spilled KV streamed every step${mt}`;
}
