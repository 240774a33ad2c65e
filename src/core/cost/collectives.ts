/**
 * α–β collective model (Hockney; NCCL's bus-bandwidth convention, nccl-tests PERFORMANCE.md):
 *   time = α(n) + algorithmBytes / (busFraction · linkBandwidth)
 * where algorithmBytes is what each GPU must send over its link for the collective:
 *   all-reduce (ring)      2(n−1)/n · S      all-gather / reduce-scatter   (n−1)/n · S
 *   all-to-all             (n−1)/n · S       send/recv                     S
 * S is the full buffer size per GPU. α(n) = linkLatency · (1 + log2 n): a latency floor that grows
 * with the number of hops of tree/ring start-up (nccl-tests at 8 KB on DGX H100: ~10-15 µs for 8 GPUs).
 * A group that fits in the NVLink domain uses scale-up bandwidth; otherwise the per-GPU NIC bounds it.
 */
import type { GpuSpec } from '../hardware/types.ts';
import { CALIBRATION } from './calibration.ts';

export type CollectiveKind = 'all-reduce' | 'all-gather' | 'reduce-scatter' | 'all-to-all' | 'send-recv';

export interface LinkChoice {
  GBps: number;
  latencyUs: number;
  scope: 'scale-up' | 'scale-out';
}

/** Which link a group of `groupGpus` contiguous GPUs communicates over. */
export function linkFor(gpu: GpuSpec, groupGpus: number, scaleUpDomainGpus: number): LinkChoice {
  return groupGpus <= scaleUpDomainGpus
    ? { GBps: gpu.scaleUpGBps, latencyUs: gpu.scaleUpLatencyUs, scope: 'scale-up' }
    : { GBps: gpu.scaleOutGBps, latencyUs: gpu.scaleOutLatencyUs, scope: 'scale-out' };
}

export function algorithmBytes(kind: CollectiveKind, bufferBytes: number, n: number): number {
  switch (kind) {
    case 'all-reduce':
      return (2 * (n - 1) * bufferBytes) / n;
    case 'all-gather':
    case 'reduce-scatter':
    case 'all-to-all':
      return ((n - 1) * bufferBytes) / n;
    case 'send-recv':
      return bufferBytes;
  }
}

export function collectiveLatencyS(n: number, link: LinkChoice): number {
  return (link.latencyUs * (1 + Math.log2(Math.max(n, 2)))) / 1e6;
}

/** Seconds for one collective over `n` GPUs of a buffer of `bufferBytes` per GPU (0 when n = 1). */
export function collectiveTimeS(kind: CollectiveKind, bufferBytes: number, n: number, link: LinkChoice): number {
  if (n <= 1 && kind !== 'send-recv') return 0;
  const bytes = algorithmBytes(kind, bufferBytes, n);
  const bw = link.GBps * 1e9 * CALIBRATION.collectiveBusFraction;
  return collectiveLatencyS(n, link) + bytes / bw;
}
