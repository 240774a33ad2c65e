/**
 * Cluster topology presets for the UI and tests. `nodes x gpusPerNode` GPUs of one catalog GPU;
 * the scale-up (NVLink) domain defaults to the GPU's `scaleUpDomainGpus`, capped by the cluster.
 */
import type { GpuId } from './gpus.ts';

export interface ClusterPreset {
  id: string;
  label: string;
  /** A catalog id from gpus.ts. */
  gpu: GpuId;
  nodes: number;
  gpusPerNode: number;
  note: string;
}

export const CLUSTER_PRESETS: readonly ClusterPreset[] = Object.freeze([
  {
    id: 'dgx-h100',
    label: 'DGX H100 (1 x 8 H100 SXM)',
    gpu: 'h100-sxm',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 H100 SXM on NVLink 4 / NVSwitch (450 GB/s per direction per GPU).',
  },
  {
    id: '2x-dgx-h100',
    label: '2 x DGX H100 (16 H100 SXM)',
    gpu: 'h100-sxm',
    nodes: 2,
    gpusPerNode: 8,
    note: 'Two NVLink domains of 8, joined by 400 Gb/s InfiniBand per GPU: TP stays inside a node, PP/DP/EP can span nodes.',
  },
  {
    id: 'hgx-h200',
    label: 'HGX H200 (1 x 8 H200)',
    gpu: 'h200',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 H200 (141 GB each) on NVLink 4 / NVSwitch.',
  },
  {
    id: 'dgx-b200',
    label: 'DGX B200 (1 x 8 B200)',
    gpu: 'b200',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 B200 on NVLink 5 / NVSwitch (900 GB/s per direction per GPU).',
  },
  {
    id: 'hgx-b300',
    label: 'HGX B300 (1 x 8 B300)',
    gpu: 'b300',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 Blackwell Ultra B300 (288 GB each) on NVLink 5 / NVSwitch. Vendor (GTC 2025) figures.',
  },
  {
    id: 'gb200-nvl72',
    label: 'GB200 NVL72 (18 trays x 4 GPUs)',
    gpu: 'gb200',
    nodes: 18,
    gpusPerNode: 4,
    note: 'One rack: 18 compute trays of 2 GB200 superchips (4 GPUs) each. All 72 GPUs share ONE NVLink 5 domain through the NVLink Switch trays, so "nodes" are trays, not NVLink boundaries: TP/EP may span trays at NVLink speed.',
  },
  {
    id: 'gb300-nvl72',
    label: 'GB300 NVL72 (18 trays x 4 GPUs)',
    gpu: 'gb300',
    nodes: 18,
    gpusPerNode: 4,
    note: 'One rack of Blackwell Ultra: 18 compute trays of 2 GB300 superchips (4 GPUs, 288 GB each). All 72 GPUs share ONE NVLink 5 domain through the NVLink Switch trays (NVIDIA GB300 NVL72 datasheet), so TP/EP may span trays at NVLink speed.',
  },
  {
    id: '8x-mi300x',
    label: '8 x MI300X (1 node)',
    gpu: 'mi300x',
    nodes: 1,
    gpusPerNode: 8,
    note: "8 MI300X fully connected over Infinity Fabric (xGMI); each peer link carries 1/7 of a GPU's fabric bandwidth.",
  },
  {
    id: '8x-mi355x',
    label: '8 x MI355X (1 node)',
    gpu: 'mi355x',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 MI355X (288 GB each) on 4th-gen Infinity Fabric. Dense rates approximate.',
  },
  {
    id: 'gaudi3-8x',
    label: '8 x Gaudi 3 (1 node)',
    gpu: 'gaudi3',
    nodes: 1,
    gpusPerNode: 8,
    note: '8 Gaudi 3 cards, all-to-all over integrated 200 GbE RoCE ports (21 of 24 per card for scale-up).',
  },
  {
    id: 'l40s-pcie-box',
    label: '8 x L40S (PCIe box)',
    gpu: 'l40s',
    nodes: 1,
    gpusPerNode: 8,
    note: 'PCIe only: no NVLink, GPU-to-GPU traffic over PCIe Gen4 x16 (32 GB/s per direction). Tensor parallelism is expensive here; prefer replicas or pipeline parallelism.',
  },
  {
    id: 'tpu-v5e-8',
    label: 'TPU v5e-8 (1 host x 8 chips)',
    gpu: 'tpu-v5e',
    nodes: 1,
    gpusPerNode: 8,
    note: 'One v5e host (v5litepod-8): 8 chips on ICI. Per-chip figures.',
  },
]);

const BY_ID: ReadonlyMap<string, ClusterPreset> = new Map(CLUSTER_PRESETS.map((p) => [p.id, p]));

export function getClusterPreset(id: string): ClusterPreset | undefined {
  return BY_ID.get(id);
}
