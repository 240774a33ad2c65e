/** Numeric precisions the engine understands. `nvfp4` and `fp4` are treated alike (4-bit float, block scales). */
export type Dtype = 'bf16' | 'fp16' | 'fp8' | 'int8' | 'int4' | 'fp4' | 'nvfp4' | 'int2';

/**
 * One accelerator as the cost model sees it. Every figure is per GPU; bandwidths are per direction.
 * `sources` maps a field name to where the number came from (datasheet, aiconfigurator system file, …).
 */
export interface GpuSpec {
  id: string;
  name: string;
  vendor: 'NVIDIA' | 'AMD' | 'Intel' | 'Google';
  /** Memory capacity as the datasheet labels it (display; HBM labels are GiB: H100 "80GB" = 80 GiB). */
  memoryGB: number;
  /**
   * Capacity the device reports (nvidia-smi / cudaMemGetInfo total), decimal GB: what the memory model budgets
   * (weights and KV are counted in decimal GB). Absent: memoryGB.
   */
  usableMemoryGB?: number;
  memoryBandwidthGBps: number;
  /** Dense (no 2:4 sparsity) tensor-core peak, TFLOPS. null = not supported in hardware. */
  denseTflops: {
    bf16: number;
    fp16: number;
    fp8: number | null;
    int8: number | null;
    fp4: number | null;
  };
  /** NVLink / xGMI / ICI bandwidth per GPU, one direction, GB/s. */
  scaleUpGBps: number;
  /** GPUs that share the scale-up (NVLink/NVSwitch) domain by default: 8 on HGX, 72 on NVL72. */
  scaleUpDomainGpus: number;
  /** One-way latency of a small message inside the scale-up domain, microseconds. */
  scaleUpLatencyUs: number;
  /** Scale-out NIC bandwidth per GPU, one direction, GB/s (e.g. 400 Gb/s IB = 50 GB/s). */
  scaleOutGBps: number;
  scaleOutLatencyUs: number;
  /** Host link (PCIe or NVLink-C2C) per GPU, one direction, GB/s: KV offload and swap. */
  hostLinkGBps: number;
  tdpW: number;
  /** Power drawn when idle but allocated, W (typically ~10-15 % of TDP on datacenter parts). */
  idleW: number;
  /** Default on-demand price per GPU-hour, USD (editable in the scenario). */
  priceUsdPerHour: number;
  /** Optional descriptive extras (UI tooltips); the cost model never reads them. */
  memoryType?: string;
  /** What the scale-up link physically is (NVLink 4 via NVSwitch, PCIe Gen4 x16, xGMI, ICI, ...). */
  scaleUpTech?: string;
  notes?: string;
  sources: Record<string, string>;
}
