/**
 * The prefill→decode KV hand-off of a disaggregated plan: the one model the simulator, the
 * closed-form P/D estimator, the Gantt and the KV-effect view all use.
 *
 * Each GPU of the narrower instance ships its shard of the prompt's KV over its own link, all in
 * parallel: NVLink when both pools sit in one scale-up domain, else its NIC (RDMA). A hand-off is a
 * point-to-point copy, so it pays one link latency α, not the log₂-deep tree of a collective:
 *
 *   t = α + bytes / (lanes · B_link · η)
 *
 * with B_link the per-GPU one-direction link bandwidth and η the achievable bulk-copy fraction
 * (CALIBRATION.collectiveBusFraction). For 8,192 tokens of Llama-3.1-70B (2.68 GB) between two TP8
 * instances inside one H100 NVLink domain this is 0.93 ms, and 8.4 ms over their NICs (50 GB/s each).
 */
import type { GpuSpec } from '../hardware/types.ts';
import { CALIBRATION } from './calibration.ts';

export interface HandoffLink {
  scope: 'nvlink' | 'nic';
  /** Per-GPU one-direction bandwidth, GB/s. */
  GBpsPerGpu: number;
  /** GPUs moving shards in parallel: min(prefill instance GPUs, decode instance GPUs). */
  lanes: number;
  /** Achievable fraction of the link (bulk RDMA/NVLink copies). */
  efficiency: number;
  latencyS: number;
}

/** The link a hand-off between two instances uses; `sameScaleUpDomain`: both pools in one NVLink domain. */
export function handoffLink(gpu: GpuSpec, lanes: number, sameScaleUpDomain: boolean): HandoffLink {
  return {
    scope: sameScaleUpDomain ? 'nvlink' : 'nic',
    GBpsPerGpu: sameScaleUpDomain ? gpu.scaleUpGBps : gpu.scaleOutGBps,
    lanes: Math.max(1, lanes),
    efficiency: CALIBRATION.collectiveBusFraction,
    latencyS: (sameScaleUpDomain ? gpu.scaleUpLatencyUs : gpu.scaleOutLatencyUs) / 1e6,
  };
}

/** Seconds to move `bytes` of KV over the hand-off link: α + bytes / (lanes · B · η). */
export function handoffSeconds(bytes: number, link: HandoffLink): number {
  return link.latencyS + bytes / (link.lanes * link.GBpsPerGpu * 1e9 * link.efficiency);
}

/** Prompts per second the links sustain when `lanes` GPUs stream hand-offs of `bytes` each back to back. */
export function handoffCapacityReqPerSec(bytes: number, link: HandoffLink, lanes: number): number {
  return bytes > 0 ? (lanes * link.GBpsPerGpu * 1e9 * link.efficiency) / bytes : Infinity;
}
