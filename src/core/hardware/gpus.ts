/**
 * The GPU / accelerator catalog. Per-GPU figures, bandwidths per direction, dense (no 2:4 sparsity)
 * tensor peaks. Every numeric field carries a citation in `sources` (key = field name, nested
 * dtype figures as `denseTflops.<dtype>`).
 *
 * Provenance rules used here:
 * - Figures that come from the project's reference file (data/reference/gpus.json) quote that
 *   file's citation string verbatim (the `REF_*` constants below), plus a note where a range or a
 *   string had to be turned into one number.
 * - Figures not in gpus.json (latencies, idle power, prices, TPU power, B300 entirely) say where
 *   they come from, or say "Engineering assumption" when they are our own estimate.
 * - `null` in `denseTflops` means "no fast hardware path modelled": the engine falls back to a
 *   wider dtype (see dtype.ts).
 */
import type { GpuSpec } from './types.ts';

/** Numeric fields every catalog entry must cite (nested dtype figures are `denseTflops.<dtype>`). */
export const GPU_NUMERIC_FIELDS = [
  'memoryGB',
  'memoryBandwidthGBps',
  'denseTflops.bf16',
  'denseTflops.fp16',
  'denseTflops.fp8',
  'denseTflops.int8',
  'denseTflops.fp4',
  'scaleUpGBps',
  'scaleUpDomainGpus',
  'scaleUpLatencyUs',
  'scaleOutGBps',
  'scaleOutLatencyUs',
  'hostLinkGBps',
  'tdpW',
  'idleW',
  'priceUsdPerHour',
] as const;

/** Numeric fields a catalog entry may have, cited when present. */
export const GPU_OPTIONAL_NUMERIC_FIELDS = ['usableMemoryGB'] as const;

// ---------------------------------------------------------------------------------------------
// Citations copied verbatim from data/reference/gpus.json `sources`.
// ---------------------------------------------------------------------------------------------
const AIC =
  'github.com/ai-dynamo/aiconfigurator @095f58a51c4ca8e61b66ec108d86f223f8d559ce aic-core/src/aiconfigurator_core/systems/';

const REF_H100_AIC = `${AIC}h100_sxm.yaml (mem_bw 3350 GB/s, bf16 989 TFLOPS, fp8/int8 1978, 700 W, intra_node 450 GB/s single direction, inter_node 50 GB/s/GPU CX7 400Gb/s)`;
const REF_H100_GK =
  'glennklockwood.com/garden/processors/h100 (theoretical: BF16 matrix 989.4 / sparse 1978.9; FP8 1978.9 / 3957.8; 900 GB/s NVLink; 700 W)';
const REF_H100_DS =
  "NVIDIA H100 datasheet values as quoted at clawkipedia.org/wiki/nvidia-h100 ('BF16/FP16 1,979 teraFLOPS (with sparsity)', 'FP8 3,958 (with sparsity)', 3.35 TB/s, up to 700W, NVLink 900GB/s)";

const REF_H100PCIE_AIC = `${AIC}h100_pcie.yaml (2 TB/s; 756.5 TFLOPS dense bf16, 'NVIDIA specs list 1513 with sparsity'; fp8/int8 1513 dense; 350 W; PCIe Gen5 64 GB/s per direction)`;

const REF_H200_AIC = `${AIC}h200_sxm.yaml (4800 GB/s, 141 GiB capacity field, 989/1978 TFLOPS, 700 W, 450 GB/s/direction NVLink)`;
const REF_H200_LZ =
  'lzwjava.github.io/nvidia-h200-gpu-specs-en (141 GB HBM3e, 4.8 TB/s, FP8 3,958 TFLOPS *with sparsity*, 700 W, NVLink 900 GB/s)';

const REF_B200_AIC = `${AIC}b200_sxm.yaml (cites nvdam.widen.net/s/wwnsxrhm2w/blackwell-datasheet-3384703: 7.7 TB/s, 180 GiB capacity field, bf16 2250, fp8/int8 4500, fp4 9000 TFLOPS, 1000 W, NVLink 900 GB/s per direction)`;
const REF_B200_VERDA =
  'verda.com/blog/gb300-nvl72-architecture (per-GPU dense table: B200 FP4 9 PF, FP8 4.5 PF, BF16 2.25 PF, 180 GB, 7.7 TB/s, 1 kW; NVLink 1.8 TB/s total = 900 GB/s unidirectional)';

const REF_GB200_AIC = `${AIC}gb200.yaml (8 TB/s, 189471 MiB, bf16 2500, fp8 5000, fp4 10000 TFLOPS, 1200 W, NVLink 900 GB/s per direction, 72 GPUs/rack)`;
const REF_GB200_RACK =
  'awesomeagents.ai/hardware/nvidia-gb200-nvl72 and aiwiki.ai/wiki/nvidia_gb200_nvl72 (1,440 PFLOPS FP4 and 720 PF FP8 per rack, 13.4 TB HBM3e, 130 TB/s NVLink, 1.8 TB/s per GPU)';

const REF_GB300_RACK =
  'Vendor figure (NVIDIA), nvidia.com/en-us/data-center/gb300-nvl72 specifications table (GB300 NVL72: 72 Blackwell Ultra GPUs + 36 Grace CPUs; FP4 Tensor Core 1,440 PF sparse | 1,080 PF dense; FP8/FP6 720 PF; INT8 23 PF; FP16/BF16 360 PF; GPU memory up to 21 TB HBM3e, up to 576 TB/s; NVLink 130 TB/s; ConnectX-8 800 Gb/s), as of 2025';

const REF_A100_AIC = `${AIC}a100_sxm.yaml (2.039 TB/s, bf16 312, int8 624, 400 W, NVLink 300 GB/s per direction, 25 GB/s/GPU CX6)`;
const REF_A100_GK =
  'glennklockwood.com/garden/processors/A100 (citing NVIDIA A100 datasheet: BF16 312 matrix / 624 sparse; 300+300 GB/s NVLink; 400 W)';
const REF_A100_40_GK = 'glennklockwood.com/garden/processors/A100 (40 GB HBM2, 1.555 TB/s, 400 W)';
const REF_A100_40_PC2 =
  'upb-pc2.atlassian.net/wiki/spaces/PC2DOK/pages/1900609 (A100 40GB: BF16 312/624*, INT8 624/1248*, 1,555 GB/s, 400 W; *sparsity)';

const REF_L40S_DS =
  'mullet.se product page reproducing NVIDIA L40/L40S datasheet table (L40S: BF16 362.05 | 733*, FP8 733 | 1,466*, TF32 183 | 366*, 864 GB/s, PCIe Gen4 x16 64GB/s bidirectional, 350 W; *with sparsity)';
const REF_L40S_AIC = `${AIC}l40s.yaml (864 GB/s, bf16 362.05, fp8/int8 733, 350 W, 32 GB/s per direction)`;

const REF_L4_AIC = `${AIC}l4.yaml (300 GB/s, 121 dense bf16 'NVIDIA specs list 242 with sparsity', fp8/int8 242 dense (485 sparse), 72 W)`;
const REF_L4_GROK =
  'grokipedia.com/page/NVIDIA_L4_vs_L40S (L4 72 W, 24 GB, 300 GB/s, 242 FP16 / 485 FP8-INT8 with sparsity)';

const REF_4090_WAREDB =
  'waredb.com/processor/nvidia-geforce-rtx-4090 (tensor FP16/BF16 165.15 dense / 330.30 sparse, FP8 330.30/660.60, INT8 660.60/1321.21, 1008 GB/s)';
const REF_4090_INCPAK = 'incpak.com/?p=136649 (TDP 450 W, 82.6 TFLOPS FP32, 1 TB/s)';

const REF_MI300X_MLPERF =
  "MLPerf Inference v4.1 system description github.com/mlcommons/inference_results_v4.1 closed/AMD/systems/8xMI300X_2xEPYC-9374F.json ('AMD Instinct MI300X-NPS1-SPX-192GB-750W', HBM3 192 GB, XGMI)";
const REF_MI300X_VULTR =
  'docs.vultr.com/inference-cookbook/rocm/getting-started/hardware-requirements (MI300X 192 GB HBM3 5.3 TB/s; MI325X FP16 1,307 TFLOPS)';
const REF_MI300X_AIWIKI = 'aiwiki.ai/wiki/amd_instinct_mi355x (MI300X 192 GB HBM3, 5.3 TB/s, 750 W)';
const NOTE_CDNA3_DENSE =
  "gpus.json note: '1307.4/2614.9 dense figures are AMD's published peak (MI300X and MI325X share CDNA3 compute); AMD datasheet not read directly.'";

const REF_MI325X_VULTR =
  "docs.vultr.com/inference-cookbook/rocm/getting-started/hardware-requirements (MI325X 256 GB HBM3E, 6.0 TB/s, FP16 1,307 TFLOPS, 'Specifications from AMD MI325X product page')";

const REF_MI355X_TH =
  'tomshardware.com/pc-components/gpus/amds-instinct-mi355x-accelerator-will-consume-1-400-watts (288 GB HBM3E, 8 TB/s, 1,400 W; MI350X 1,000 W; max FP4/FP6 20.1 PF vs 18.45 PF)';
const REF_MI355X_REG =
  "theregister.com/2025/06/12/amd_mi355x ('up to 10 petaFLOPS of ... FP4 (double that ... sparsity)', 288 GB, 8 TBps, 1.4 kW)";
const REF_MI355X_ISSCC =
  "world-today-news.com/?p=7253162 (ISSCC 2026: MI355X FP8 'five petaflops', 32 CUs per XCD, 8,192 FP8 FLOPs/clk/CU)";
const REF_MI355X_MLPERF =
  'raw.githubusercontent.com/mlcommons/inference_results_v6.1/main/closed/Crusoe/systems/512xMI355X_Crusoe_GPT.json (288GB HBM3E, 8x AMD Pollara 400G RoCE per node)';
const NOTE_MI355X_APPROX =
  "gpus.json marks MI355X dense bf16/fp8/fp4 as approximate: 'Dense numbers inferred as half of AMD's \"with sparsity\" headlines; AMD datasheet not read directly'";

const REF_GAUDI3_HC =
  "Intel Hot Chips 2024 'Intel Gaudi 3 AI Accelerator' slides (mirror sgpjbg.com/baogao/465025.html): BF16 1835, FP8 1835 matrix TFLOPs, BF16 vector 28.7, 128 GB, 3.67 TB/s, networking 1200 GB/s bidirectional, 24x200GbE, TDP 900W air/1200W liquid";
const REF_GAUDI3_REG = 'theregister.com/2024/04/09/intel_gaudi_ai_accelerator (128 GB HBM2e, 3.7 TBps, 24x200GbE)';

const REF_V5E =
  "docs.cloud.google.com/tpu/docs/v5e (197 TFLOPs bf16, 393 TOPs int8, 16 GB, 819 GBps (also listed '800 GiBps'), ICI 400 GBps bidirectional per chip, 4 ICI ports, 2x100 Gbps NIC per host, 8 chips/host, 256 chips/pod, 2D torus)";
const REF_V5P =
  'cloud.google.com/tpu/docs/v5p-training (459 TFLOPs bf16, 95GB HBM2e at 2765 GBps, 8960 chips/pod, 3D torus, ICI 4800 Gbps)';
const REF_V6E =
  'docs.cloud.google.com/tpu/docs/v6e.md.txt (918 TFLOPs bf16, 1836 TOPs int8, 32 GB, 1638 GBps, bidirectional ICI 800 GBps per chip, 4 ICI ports, 8 chips/host, 256 chips/pod, all-reduce 102.4 TB/s per pod)';

// ---------------------------------------------------------------------------------------------
// Figures that are NOT in gpus.json: shared wording so the basis is stated once and consistently.
// ---------------------------------------------------------------------------------------------
const ASSUMED = 'Engineering assumption (not in gpus.json, not measured here): ';

const LAT_NVSWITCH = `${ASSUMED}~2 us one-way small-message latency per NVLink/NVSwitch hop, the order of magnitude usually reported by nccl-tests for small messages on 8-GPU NVSwitch boxes (a full small all-reduce is several us because it takes several hops).`;
const LAT_NVL72 = `${ASSUMED}~2.5 us per hop: one NVLink Switch hop like HGX, plus longer copper spine across the rack.`;
const LAT_PCIE_P2P = `${ASSUMED}~5 us for a small GPU-to-GPU message over PCIe P2P through a PCIe switch/root complex (no NVLink).`;
const LAT_PCIE_NO_P2P = `${ASSUMED}~8 us: GeForce RTX 40-series drivers do not enable PCIe peer-to-peer, so GPU-to-GPU traffic is staged through host memory.`;
const LAT_XGMI = `${ASSUMED}~3 us per hop on Infinity Fabric (xGMI) for small RCCL messages (slightly above NVSwitch).`;
const LAT_GAUDI_SCALEUP = `${ASSUMED}~4 us: Gaudi 3 scale-up runs over its integrated RoCE v2 200GbE ports (Ethernet framing, no switch inside an 8-card box).`;
const LAT_ICI = `${ASSUMED}~2 us per ICI neighbour hop. The torus is not all-to-all, so collectives spanning many chips pay several hops (the cost model treats the domain as flat: optimistic for large slices).`;
const LAT_IB = `${ASSUMED}~5 us one-way small-message latency over InfiniBand (NDR/XDR) with GPUDirect RDMA, including NCCL proxy overhead (bare IB verbs are ~1-2 us).`;
const LAT_ROCE = `${ASSUMED}~8 us one-way small-message latency over RoCE v2 Ethernet with GPU-direct RDMA.`;
const LAT_SITE_ETH = `${ASSUMED}~10 us: scale-out is site dependent for PCIe inference cards; assumes RDMA-capable Ethernet.`;
const LAT_COMMODITY_ETH = `${ASSUMED}~20 us: commodity Ethernet without GPUDirect RDMA (TCP/host staging).`;
const LAT_DCN = `${ASSUMED}~20 us across Google's data-center network (DCN, Multislice), host-mediated.`;

const IDLE_10PCT = (tdp: number): string =>
  `${ASSUMED}10 % of TDP (${tdp} W), i.e. the low end of the ~10-15 % idle-but-allocated draw typical of datacenter accelerators.`;

const PRICE_BASIS = `${ASSUMED}typical 2025-2026 on-demand list price per GPU-hour at GPU clouds and hyperscalers for this part, rounded; not a quote. Editable per scenario.`;
const PRICE_TPU_BASIS =
  'Google Cloud TPU on-demand list price per chip-hour (cloud.google.com/tpu/pricing, US regions) as known at writing; not re-verified in this session. Editable per scenario.';

const NULL_NOT_SUPPORTED = (what: string): string =>
  `null: ${what}; the engine falls back to a wider dtype (dtype.ts).`;

/** The catalog ids, in catalog order. */
export const GPU_IDS = [
  'h100-sxm',
  'h100-pcie',
  'h200',
  'b200',
  'gb200',
  'b300',
  'gb300',
  'a100-80gb',
  'a100-40gb',
  'l40s',
  'l4',
  'rtx-4090',
  'mi300x',
  'mi325x',
  'mi355x',
  'gaudi3',
  'tpu-v5e',
  'tpu-v5p',
  'tpu-v6e',
] as const;
export type GpuId = (typeof GPU_IDS)[number];

const CATALOG: GpuSpec[] = [
  // ------------------------------------------------------------------------------ NVIDIA Hopper
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    vendor: 'NVIDIA',
    memoryType: 'HBM3',
    scaleUpTech: 'NVLink 4 (18 links) via NVSwitch',
    memoryGB: 80,
    usableMemoryGB: 85.899,
    memoryBandwidthGBps: 3350,
    denseTflops: { bf16: 989, fp16: 989, fp8: 1979, int8: 1979, fp4: null },
    scaleUpGBps: 450,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 64,
    tdpW: 700,
    idleW: 70,
    priceUsdPerHour: 3.0,
    sources: {
      usableMemoryGB: `${AIC}h100_sxm.yaml mem_capacity 85899345920 # 80GiB`,
      memoryGB: REF_H100_DS,
      memoryBandwidthGBps: REF_H100_AIC,
      'denseTflops.bf16': REF_H100_GK,
      'denseTflops.fp16': REF_H100_DS,
      'denseTflops.fp8': REF_H100_GK,
      'denseTflops.int8': `${REF_H100_AIC} (gpus.json dense int8_tops 1979)`,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Hopper has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: REF_H100_AIC,
      scaleUpDomainGpus:
        'HGX/DGX H100: 8 GPUs per NVSwitch domain (gpus.json scale_up.tech "NVLink 4 (18 links) via NVSwitch")',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps: REF_H100_AIC,
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16 (64 GB/s per direction)"',
      tdpW: REF_H100_AIC,
      idleW: IDLE_10PCT(700),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe 80GB',
    vendor: 'NVIDIA',
    memoryType: 'HBM2e',
    scaleUpTech: 'PCIe Gen5 x16 (no NVSwitch); optional 2-GPU NVLink bridge not modelled',
    memoryGB: 80,
    memoryBandwidthGBps: 2000,
    denseTflops: { bf16: 756.5, fp16: 756.5, fp8: 1513, int8: 1513, fp4: null },
    scaleUpGBps: 64,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 5,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 64,
    tdpW: 350,
    idleW: 35,
    priceUsdPerHour: 2.5,
    notes: 'H100 NVL (94 GB, 3.9 TB/s) is a different SKU; not covered.',
    sources: {
      memoryGB: REF_H100PCIE_AIC,
      memoryBandwidthGBps: REF_H100PCIE_AIC,
      'denseTflops.bf16': REF_H100PCIE_AIC,
      'denseTflops.fp16': `${REF_H100PCIE_AIC} (fp16 = bf16 rate on Hopper)`,
      'denseTflops.fp8': REF_H100PCIE_AIC,
      'denseTflops.int8': REF_H100PCIE_AIC,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Hopper has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_H100PCIE_AIC}. GPU-to-GPU goes over PCIe; the optional NVLink bridge pairs only 2 GPUs and is not modelled.`,
      scaleUpDomainGpus: `${ASSUMED}8 PCIe cards per server (the common 8-GPU PCIe chassis); the "domain" here is a PCIe fabric, not NVLink.`,
      scaleUpLatencyUs: LAT_PCIE_P2P,
      scaleOutGBps: 'gpus.json scale_out_typical: "400 Gb/s per GPU assumed by aiconfigurator" = 50 GB/s per direction',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: `${REF_H100PCIE_AIC} (PCIe Gen5 x16)`,
      tdpW: `${REF_H100PCIE_AIC}. gpus.json gives "300-350 (aiconfigurator uses 350)": we take 350 W, the top of NVIDIA's configurable range, since power budgets are sized for the maximum.`,
      idleW: IDLE_10PCT(350),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    vendor: 'NVIDIA',
    memoryType: 'HBM3e',
    scaleUpTech: 'NVLink 4 via NVSwitch',
    memoryGB: 141,
    usableMemoryGB: 151.398,
    memoryBandwidthGBps: 4800,
    denseTflops: { bf16: 989, fp16: 989, fp8: 1979, int8: 1979, fp4: null },
    scaleUpGBps: 450,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 64,
    tdpW: 700,
    idleW: 70,
    priceUsdPerHour: 3.5,
    notes: 'Same GH100 compute as H100 SXM; only memory differs.',
    sources: {
      usableMemoryGB: `${AIC}h200_sxm.yaml mem_capacity 151397597184 # 141GiB`,
      memoryGB: REF_H200_LZ,
      memoryBandwidthGBps: REF_H200_AIC,
      'denseTflops.bf16': `${REF_H200_AIC} (gpus.json: same GH100 compute as H100 SXM)`,
      'denseTflops.fp16': `${REF_H200_AIC} (fp16 = bf16 rate on Hopper)`,
      'denseTflops.fp8': `${REF_H200_LZ} (3,958 is *with sparsity*; dense = 1979)`,
      'denseTflops.int8': `${REF_H200_AIC} (gpus.json dense int8_tops 1979)`,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Hopper has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: REF_H200_AIC,
      scaleUpDomainGpus: 'HGX H200: 8 GPUs per NVSwitch domain (gpus.json scale_up.tech "NVLink 4 via NVSwitch")',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps: 'gpus.json scale_out_typical: "1x 400 Gb/s ConnectX-7 per GPU" = 50 GB/s per direction',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16" = 64 GB/s per direction',
      tdpW: REF_H200_AIC,
      idleW: IDLE_10PCT(700),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ---------------------------------------------------------------------------- NVIDIA Blackwell
  {
    id: 'b200',
    name: 'NVIDIA B200 (HGX/DGX B200, 1000 W)',
    vendor: 'NVIDIA',
    memoryType: 'HBM3e',
    scaleUpTech: 'NVLink 5 via NVSwitch (8 GPUs/HGX)',
    memoryGB: 180,
    usableMemoryGB: 193.274,
    memoryBandwidthGBps: 7700,
    denseTflops: { bf16: 2250, fp16: 2250, fp8: 4500, int8: 4500, fp4: 9000 },
    scaleUpGBps: 900,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 64,
    tdpW: 1000,
    idleW: 100,
    priceUsdPerHour: 5.0,
    notes: 'DGX B200 marketing lists 64 TB/s HBM per 8 GPUs (8 TB/s/GPU); the per-GPU datasheet 7.7 TB/s is used.',
    sources: {
      usableMemoryGB: `${AIC}b200_sxm.yaml mem_capacity 193273528320 # 180GiB`,
      memoryGB: REF_B200_VERDA,
      memoryBandwidthGBps: `${REF_B200_AIC}. gpus.json note: use 7.7 TB/s (datasheet per-GPU) rather than the DGX 64 TB/s / 8 total.`,
      'denseTflops.bf16': REF_B200_AIC,
      'denseTflops.fp16': `${REF_B200_AIC} (fp16 = bf16 rate)`,
      'denseTflops.fp8': REF_B200_VERDA,
      'denseTflops.int8': REF_B200_AIC,
      'denseTflops.fp4': REF_B200_VERDA,
      scaleUpGBps: REF_B200_VERDA,
      scaleUpDomainGpus:
        'HGX/DGX B200: 8 GPUs per NVSwitch domain (gpus.json scale_up.tech "NVLink 5 via NVSwitch (8 GPUs/HGX)")',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps:
        'gpus.json scale_out_typical: "ConnectX-7 400 Gb/s per GPU in DGX B200 (unverified here); aiconfigurator assumes 800 Gb/s CX8 (100 GB/s per GPU per direction)", given as "50-100": we take 50 GB/s (DGX B200 CX-7 400 Gb/s), the conservative end; raise to 100 for CX-8 builds.',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps:
        'gpus.json host_link "PCIe Gen5/Gen6": we take PCIe Gen5 x16 = 64 GB/s per direction because HGX B200 host CPUs (x86) are PCIe Gen5.',
      tdpW: REF_B200_AIC,
      idleW: IDLE_10PCT(1000),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'gb200',
    name: 'NVIDIA GB200 (one Blackwell GPU of GB200 NVL72)',
    vendor: 'NVIDIA',
    memoryType: 'HBM3e',
    scaleUpTech: 'NVLink 5 + NVLink Switch, 72-GPU domain',
    memoryGB: 186,
    usableMemoryGB: 198.675,
    memoryBandwidthGBps: 8000,
    denseTflops: { bf16: 2500, fp16: 2500, fp8: 5000, int8: 5000, fp4: 10000 },
    scaleUpGBps: 900,
    scaleUpDomainGpus: 72,
    scaleUpLatencyUs: 2.5,
    scaleOutGBps: 100,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 450,
    tdpW: 1200,
    idleW: 120,
    priceUsdPerHour: 6.0,
    sources: {
      usableMemoryGB: `${AIC}gb200.yaml mem_capacity 198674743296 # 189471MiB reported by nvidia-smi`,
      memoryGB: `${REF_GB200_RACK}. gpus.json memory_GB "186 (13.4-13.5 TB per 72 GPUs); nvidia-smi 189,471 MiB; TRT-LLM docs say 192GB": we take 186 GB = 13.4 TB / 72, the rack-level published capacity per GPU (192 GB is the raw stack size).`,
      memoryBandwidthGBps: REF_GB200_AIC,
      'denseTflops.bf16': REF_GB200_AIC,
      'denseTflops.fp16': `${REF_GB200_AIC} (fp16 = bf16 rate)`,
      'denseTflops.fp8': `${REF_GB200_AIC}; ${REF_GB200_RACK} (720 PF sparse per rack / 72 / 2 = 5 PF dense)`,
      'denseTflops.int8': `${REF_GB200_AIC} (gpus.json dense int8_tops 5000)`,
      'denseTflops.fp4': `${REF_GB200_AIC}; ${REF_GB200_RACK} (1,440 PF sparse per rack / 72 / 2 = 10 PF dense)`,
      scaleUpGBps: `${REF_GB200_AIC}; ${REF_GB200_RACK}`,
      scaleUpDomainGpus: `${REF_GB200_AIC} (72 GPUs/rack in one NVLink domain)`,
      scaleUpLatencyUs: LAT_NVL72,
      scaleOutGBps:
        'gpus.json scale_out_typical: "ConnectX-8 800 Gb/s per GPU (aiconfigurator inter_rack_bw 100 GB/s per GPU per direction)"',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps:
        'gpus.json host_link "NVLink-C2C to Grace CPU (900 GB/s, unverified here)": 900 GB/s bidirectional = 450 GB/s per direction. Unsure whether the 900 GB/s is per GPU or shared by the two GPUs of a GB200 superchip (then 225); Grace LPDDR5X bandwidth also bounds offload.',
      tdpW: `${REF_GB200_AIC}. gpus.json tdp_W "1200 per GPU (aiconfigurator); GB200 superchip (2 GPU+1 Grace) up to 2700 W (unverified)": we take 1200 W per GPU (excludes the Grace CPU share).`,
      idleW: IDLE_10PCT(1200),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'b300',
    name: 'NVIDIA B300 (HGX B300, Blackwell Ultra)',
    vendor: 'NVIDIA',
    memoryType: 'HBM3e',
    scaleUpTech: 'NVLink 5 via NVSwitch (8 GPUs/HGX)',
    memoryGB: 288,
    usableMemoryGB: 288.4,
    memoryBandwidthGBps: 8000,
    denseTflops: { bf16: 2500, fp16: 2500, fp8: 5000, int8: null, fp4: 15000 },
    scaleUpGBps: 900,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 100,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 64,
    tdpW: 1100,
    idleW: 110,
    priceUsdPerHour: 6.5,
    notes:
      'Not in gpus.json. Vendor (NVIDIA) figures from the GTC 2025 Blackwell Ultra announcement; per-GPU compute is the Blackwell Ultra headline and may be slightly optimistic for the air-cooled ~1100 W HGX part.',
    sources: {
      usableMemoryGB: `${AIC}b300_sxm.yaml mem_capacity 288400343040 # 275040MiB reported by nvidia-smi`,
      memoryGB:
        'Vendor figure (NVIDIA), GTC 2025 (March 2025) Blackwell Ultra / B300 announcement: 288 GB HBM3e per GPU. Not in gpus.json.',
      memoryBandwidthGBps:
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: 8 TB/s HBM3e per GPU. Not in gpus.json.',
      'denseTflops.bf16':
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: BF16 dense ~2.25-2.5 PF per GPU (unchanged from Blackwell); we take 2500 (GB200-level clocks, consistent with the 15 PF FP4 figure). Not in gpus.json.',
      'denseTflops.fp16':
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: fp16 = bf16 rate (2500 dense). Not in gpus.json.',
      'denseTflops.fp8':
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: FP8 dense ~4.5-5 PF per GPU (not raised over Blackwell; only NVFP4 got the 1.5x); we take 5000 = 15 PF FP4 / 3. Not in gpus.json.',
      'denseTflops.int8':
        'null: Blackwell Ultra cut dense INT8 tensor throughput well below FP8 and we hold no verified figure, so W8A8-int8 is modelled as bf16 math (conservative). Not in gpus.json.',
      'denseTflops.fp4':
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: ~15 PF dense NVFP4 per GPU (1.5x Blackwell). Not in gpus.json.',
      scaleUpGBps:
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra announcement: NVLink 5, 1.8 TB/s bidirectional per GPU = 900 GB/s per direction. Not in gpus.json.',
      scaleUpDomainGpus: 'HGX B300: 8 GPUs per NVSwitch domain (the 72-GPU rack version is the gb300 entry below).',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps:
        'Vendor figure (NVIDIA), GTC 2025 Blackwell Ultra systems: ConnectX-8 SuperNIC 800 Gb/s per GPU = 100 GB/s per direction. Not in gpus.json.',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: `${ASSUMED}PCIe Gen5 x16 = 64 GB/s per direction to the host CPU (B300/CX-8 support Gen6, but x86 hosts of 2025 are Gen5).`,
      tdpW: 'Vendor figure range ~1100-1400 W per Blackwell Ultra GPU (GTC 2025 Blackwell Ultra era): we take 1100 W, the air-cooled HGX B300 board power; GB300 NVL72 parts run up to ~1400 W. Not in gpus.json.',
      idleW: IDLE_10PCT(1100),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'gb300',
    name: 'NVIDIA GB300 (one Blackwell Ultra GPU of GB300 NVL72)',
    vendor: 'NVIDIA',
    memoryType: 'HBM3e (12-high)',
    scaleUpTech: 'NVLink 5 + NVLink Switch, 72-GPU domain',
    memoryGB: 288,
    usableMemoryGB: 298.014,
    memoryBandwidthGBps: 8000,
    denseTflops: { bf16: 2500, fp16: 2500, fp8: 5000, int8: null, fp4: 15000 },
    scaleUpGBps: 900,
    scaleUpDomainGpus: 72,
    scaleUpLatencyUs: 2.5,
    scaleOutGBps: 100,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 450,
    tdpW: 1400,
    idleW: 140,
    priceUsdPerHour: 7.5,
    notes:
      'Not in gpus.json. Per-GPU figures are the NVIDIA GB300 NVL72 rack figures divided by 72 (sparse headlines halved for dense). Measured kernel profiles: the aiconfigurator gb300 tables (src/core/kernels/profiles/gb300.*).',
    sources: {
      usableMemoryGB: `${AIC}gb300.yaml mem_capacity 298013687808 # 284208MiB reported by nvidia-smi`,
      memoryGB: `${REF_GB300_RACK}: 288 GB HBM3e per Blackwell Ultra GPU (8 stacks of 12-high 36 GB; rack "up to 20-21 TB" / 72 ≈ 288). Not in gpus.json.`,
      memoryBandwidthGBps: `${REF_GB300_RACK}: rack HBM bandwidth up to 576 TB/s / 72 = 8 TB/s per GPU. Not in gpus.json.`,
      'denseTflops.bf16': `${REF_GB300_RACK}: FP16/BF16 Tensor Core 360 PF per rack with sparsity / 72 / 2 = 2.5 PF dense per GPU. Not in gpus.json.`,
      'denseTflops.fp16': `${REF_GB300_RACK}: fp16 = bf16 rate (360 PF sparse per rack / 72 / 2 = 2.5 PF dense). Not in gpus.json.`,
      'denseTflops.fp8': `${REF_GB300_RACK}: FP8/FP6 Tensor Core 720 PF per rack with sparsity / 72 / 2 = 5 PF dense per GPU (not raised over GB200). Not in gpus.json.`,
      'denseTflops.int8': `null: ${REF_GB300_RACK} lists INT8 at only ~23 PF per rack (Blackwell Ultra cut INT8 tensor throughput to ~1/30 of FP8); W8A8-int8 is modelled as bf16 math, as for b300 (dtype.ts).`,
      'denseTflops.fp4': `${REF_GB300_RACK}: FP4 Tensor Core 1,440 PF per rack with sparsity / 1,080 PF dense -> 1,080 / 72 = 15 PF dense NVFP4 per GPU (1.5x GB200). Not in gpus.json.`,
      scaleUpGBps: `${REF_GB300_RACK}: NVLink 5, 130 TB/s per rack = 1.8 TB/s bidirectional per GPU = 900 GB/s per direction (same as GB200). Not in gpus.json.`,
      scaleUpDomainGpus: `${REF_GB300_RACK}: 72 Blackwell Ultra GPUs in one NVLink domain (NVLink Switch trays).`,
      scaleUpLatencyUs: LAT_NVL72,
      scaleOutGBps: `${REF_GB300_RACK}: ConnectX-8 SuperNIC 800 Gb/s per GPU = 100 GB/s per direction. Not in gpus.json.`,
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps:
        'NVLink-C2C to the Grace CPU, 900 GB/s bidirectional = 450 GB/s per direction, taken as for gb200 (gpus.json GB200 host_link "NVLink-C2C to Grace CPU (900 GB/s, unverified here)"); same caveat on whether it is shared by the superchip\'s GPUs.',
      tdpW: 'Vendor/press figure: Blackwell Ultra GPUs in GB300 NVL72 are configured up to ~1,400 W each (GTC 2025 Blackwell Ultra era; the air-cooled HGX B300 runs ~1,100 W). We take 1400 W. Not in gpus.json.',
      idleW: IDLE_10PCT(1400),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ------------------------------------------------------------------------------ NVIDIA Ampere
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 80GB SXM4',
    vendor: 'NVIDIA',
    memoryType: 'HBM2e',
    scaleUpTech: 'NVLink 3 (12 links) via NVSwitch',
    memoryGB: 80,
    usableMemoryGB: 85.899,
    memoryBandwidthGBps: 2039,
    denseTflops: { bf16: 312, fp16: 312, fp8: null, int8: 624, fp4: null },
    scaleUpGBps: 300,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 25,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 32,
    tdpW: 400,
    idleW: 40,
    priceUsdPerHour: 1.75,
    notes: 'A100 80GB PCIe: 1,935 GB/s, 300 W, same compute.',
    sources: {
      usableMemoryGB: `${AIC}a100_sxm.yaml mem_capacity 85899345920 # 80GiB`,
      memoryGB: REF_A100_AIC,
      memoryBandwidthGBps: REF_A100_AIC,
      'denseTflops.bf16': REF_A100_GK,
      'denseTflops.fp16': `${REF_A100_GK} (fp16 = bf16 rate on Ampere)`,
      'denseTflops.fp8': NULL_NOT_SUPPORTED('Ampere has no FP8 tensor cores (gpus.json fp8 null)'),
      'denseTflops.int8': REF_A100_AIC,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Ampere has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_A100_AIC}; ${REF_A100_GK}`,
      scaleUpDomainGpus:
        'HGX/DGX A100: 8 GPUs per NVSwitch domain (gpus.json scale_up.tech "NVLink 3 (12 links) via NVSwitch")',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps: REF_A100_AIC,
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen4 x16 (32 GB/s per direction)"',
      tdpW: `${REF_A100_AIC}; ${REF_A100_GK}`,
      idleW: IDLE_10PCT(400),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'a100-40gb',
    name: 'NVIDIA A100 40GB SXM4',
    vendor: 'NVIDIA',
    memoryType: 'HBM2',
    scaleUpTech: 'NVLink 3 via NVSwitch',
    memoryGB: 40,
    memoryBandwidthGBps: 1555,
    denseTflops: { bf16: 312, fp16: 312, fp8: null, int8: 624, fp4: null },
    scaleUpGBps: 300,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 25,
    scaleOutLatencyUs: 5,
    hostLinkGBps: 32,
    tdpW: 400,
    idleW: 40,
    priceUsdPerHour: 1.3,
    notes: 'A100 40GB PCIe: 250 W, PCIe only (optional NVLink bridge).',
    sources: {
      memoryGB: REF_A100_40_GK,
      memoryBandwidthGBps: `${REF_A100_40_GK}; ${REF_A100_40_PC2}`,
      'denseTflops.bf16': REF_A100_40_PC2,
      'denseTflops.fp16': `${REF_A100_40_PC2} (fp16 = bf16 rate on Ampere)`,
      'denseTflops.fp8': NULL_NOT_SUPPORTED('Ampere has no FP8 tensor cores (gpus.json fp8 null)'),
      'denseTflops.int8': REF_A100_40_PC2,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Ampere has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: 'gpus.json scale_up: NVLink 3, 600 GB/s bidirectional = 300 GB/s per direction',
      scaleUpDomainGpus: 'HGX/DGX A100: 8 GPUs per NVSwitch domain (SXM4 variant)',
      scaleUpLatencyUs: LAT_NVSWITCH,
      scaleOutGBps: 'gpus.json scale_out_typical: "200 Gb/s HDR per GPU" = 25 GB/s per direction',
      scaleOutLatencyUs: LAT_IB,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen4 x16" = 32 GB/s per direction',
      tdpW: `${REF_A100_40_GK}; ${REF_A100_40_PC2} (SXM4; the PCIe variant is 250 W)`,
      idleW: IDLE_10PCT(400),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ------------------------------------------------------------------------ NVIDIA Ada (PCIe)
  {
    id: 'l40s',
    name: 'NVIDIA L40S',
    vendor: 'NVIDIA',
    memoryType: 'GDDR6 (ECC)',
    scaleUpTech: 'none (no NVLink); PCIe Gen4 x16',
    memoryGB: 48,
    usableMemoryGB: 48.306,
    memoryBandwidthGBps: 864,
    denseTflops: { bf16: 362.05, fp16: 362.05, fp8: 733, int8: 733, fp4: null },
    scaleUpGBps: 32,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 5,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 10,
    hostLinkGBps: 32,
    tdpW: 350,
    idleW: 35,
    priceUsdPerHour: 1.0,
    sources: {
      usableMemoryGB: `${AIC}l40s.yaml mem_capacity 48305799168 # 46068 MiB`,
      memoryGB: REF_L40S_DS,
      memoryBandwidthGBps: `${REF_L40S_DS}; ${REF_L40S_AIC}`,
      'denseTflops.bf16': `${REF_L40S_DS}; ${REF_L40S_AIC}`,
      'denseTflops.fp16': `${REF_L40S_DS} (fp16 = bf16 rate with fp32 accumulate)`,
      'denseTflops.fp8': `${REF_L40S_DS}; ${REF_L40S_AIC}`,
      'denseTflops.int8': REF_L40S_AIC,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Ada has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_L40S_AIC} (no NVLink: GPU-to-GPU over PCIe Gen4 x16)`,
      scaleUpDomainGpus: `${ASSUMED}8 PCIe cards per server (common 8x L40S chassis); a PCIe fabric, not NVLink.`,
      scaleUpLatencyUs: LAT_PCIE_P2P,
      scaleOutGBps:
        'gpus.json scale_out_typical: "site dependent; aiconfigurator assumes 400 Gb/s per GPU" = 50 GB/s per direction',
      scaleOutLatencyUs: LAT_SITE_ETH,
      hostLinkGBps: `${REF_L40S_DS} (64 GB/s bidirectional = 32 per direction)`,
      tdpW: `${REF_L40S_DS}; ${REF_L40S_AIC}`,
      idleW: IDLE_10PCT(350),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'l4',
    name: 'NVIDIA L4',
    vendor: 'NVIDIA',
    memoryType: 'GDDR6',
    scaleUpTech: 'none; PCIe Gen4 x16',
    memoryGB: 24,
    memoryBandwidthGBps: 300,
    denseTflops: { bf16: 121, fp16: 121, fp8: 242, int8: 242, fp4: null },
    scaleUpGBps: 32,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 5,
    scaleOutGBps: 25,
    scaleOutLatencyUs: 10,
    hostLinkGBps: 32,
    tdpW: 72,
    idleW: 7.2,
    priceUsdPerHour: 0.7,
    sources: {
      memoryGB: REF_L4_GROK,
      memoryBandwidthGBps: REF_L4_AIC,
      'denseTflops.bf16': REF_L4_AIC,
      'denseTflops.fp16': `${REF_L4_GROK} (242 FP16 is with sparsity; dense 121)`,
      'denseTflops.fp8': REF_L4_AIC,
      'denseTflops.int8': REF_L4_AIC,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Ada has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps: 'gpus.json scale_up: "none; PCIe Gen4 x16", 32 GB/s per direction',
      scaleUpDomainGpus: `${ASSUMED}up to 8 L4 cards per server (e.g. 8-GPU cloud instances); a PCIe fabric, not NVLink.`,
      scaleUpLatencyUs: LAT_PCIE_P2P,
      scaleOutGBps:
        'gpus.json scale_out_typical: "site dependent (aiconfigurator assumes 200 Gb/s)" = 25 GB/s per direction',
      scaleOutLatencyUs: LAT_SITE_ETH,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen4 x16" = 32 GB/s per direction',
      tdpW: `${REF_L4_AIC}; ${REF_L4_GROK}`,
      idleW: IDLE_10PCT(72),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090',
    vendor: 'NVIDIA',
    memoryType: 'GDDR6X',
    scaleUpTech: 'none (no NVLink, no PCIe P2P on GeForce); PCIe Gen4 x16',
    memoryGB: 24,
    memoryBandwidthGBps: 1008,
    denseTflops: { bf16: 165.2, fp16: 165.2, fp8: 330.3, int8: 660.6, fp4: null },
    scaleUpGBps: 32,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 8,
    scaleOutGBps: 3.125,
    scaleOutLatencyUs: 20,
    hostLinkGBps: 32,
    tdpW: 450,
    idleW: 25,
    priceUsdPerHour: 0.4,
    notes:
      'GeForce tensor FP16/BF16/FP8 with FP32 accumulate run at half the FP16-accumulate rate; 165 TFLOPS is the bf16/fp16 GEMM figure with fp32 accumulate (FP16-accumulate 330.3 not used).',
    sources: {
      memoryGB: REF_4090_WAREDB,
      memoryBandwidthGBps: REF_4090_WAREDB,
      'denseTflops.bf16': REF_4090_WAREDB,
      'denseTflops.fp16': `${REF_4090_WAREDB} (fp32-accumulate rate; gpus.json fp16_with_fp16_accumulate 330.3 is not used since inference GEMMs accumulate in fp32)`,
      'denseTflops.fp8': REF_4090_WAREDB,
      'denseTflops.int8': REF_4090_WAREDB,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('Ada has no FP4 tensor cores (gpus.json fp4 null)'),
      scaleUpGBps:
        'gpus.json scale_up: "none (no NVLink); PCIe Gen4 x16", 32 GB/s per direction (nominal; without P2P real GPU-to-GPU throughput is lower)',
      scaleUpDomainGpus: `${ASSUMED}8 cards per box (typical multi-GPU 4090 inference rig); a PCIe fabric, not NVLink.`,
      scaleUpLatencyUs: LAT_PCIE_NO_P2P,
      scaleOutGBps: `${ASSUMED}25 Gb/s Ethernet per GPU = 3.125 GB/s (gpus.json scale_out_typical is null for this consumer card).`,
      scaleOutLatencyUs: LAT_COMMODITY_ETH,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen4 x16" = 32 GB/s per direction',
      tdpW: REF_4090_INCPAK,
      idleW: `${ASSUMED}~25 W: consumer card idle draw (not 10 % of TDP: desktop GPUs idle in deep power states).`,
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ------------------------------------------------------------------------------------- AMD
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X',
    vendor: 'AMD',
    memoryType: 'HBM3',
    scaleUpTech: 'Infinity Fabric (xGMI), 7 links, fully connected 8-GPU',
    memoryGB: 192,
    memoryBandwidthGBps: 5300,
    denseTflops: { bf16: 1307.4, fp16: 1307.4, fp8: 2614.9, int8: 2614.9, fp4: null },
    scaleUpGBps: 448,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 3,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 8,
    hostLinkGBps: 64,
    tdpW: 750,
    idleW: 75,
    priceUsdPerHour: 2.0,
    sources: {
      memoryGB: `${REF_MI300X_MLPERF}; ${REF_MI300X_VULTR}`,
      memoryBandwidthGBps: `${REF_MI300X_VULTR}; ${REF_MI300X_AIWIKI}`,
      'denseTflops.bf16': `gpus.json dense_tflops.bf16 1307.4. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp16': `gpus.json dense_tflops.fp16 1307.4. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp8': `gpus.json dense_tflops.fp8 2614.9. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.int8': `gpus.json dense_tflops.int8_tops 2614.9. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('CDNA3 has no FP4 matrix cores (gpus.json fp4 null)'),
      scaleUpGBps:
        'gpus.json scale_up: per_gpu_aggregate "896 bidirectional (7x128) - unverified here" = 448 GB/s per direction. Note: fully connected mesh, so one peer pair gets only 1/7 of it (64 GB/s per direction); the aggregate applies to collectives over all 8 GPUs.',
      scaleUpDomainGpus: `${REF_MI300X_MLPERF} (8-GPU xGMI platform)`,
      scaleUpLatencyUs: LAT_XGMI,
      scaleOutGBps:
        'gpus.json scale_out_typical: "1x 400 Gb/s (ConnectX-7 / Pollara 400) per GPU typical" = 50 GB/s per direction',
      scaleOutLatencyUs: LAT_ROCE,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16" = 64 GB/s per direction',
      tdpW: `${REF_MI300X_MLPERF}; ${REF_MI300X_AIWIKI}`,
      idleW: IDLE_10PCT(750),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'mi325x',
    name: 'AMD Instinct MI325X',
    vendor: 'AMD',
    memoryType: 'HBM3E',
    scaleUpTech: 'Infinity Fabric (xGMI), 8-GPU fully connected',
    memoryGB: 256,
    memoryBandwidthGBps: 6000,
    denseTflops: { bf16: 1307.4, fp16: 1307.4, fp8: 2614.9, int8: 2614.9, fp4: null },
    scaleUpGBps: 448,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 3,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 8,
    hostLinkGBps: 64,
    tdpW: 1000,
    idleW: 100,
    priceUsdPerHour: 2.5,
    sources: {
      memoryGB: REF_MI325X_VULTR,
      memoryBandwidthGBps: REF_MI325X_VULTR,
      'denseTflops.bf16': `${REF_MI325X_VULTR}. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp16': `${REF_MI325X_VULTR}. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp8': `gpus.json dense_tflops.fp8 2614.9. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.int8': `gpus.json dense_tflops.int8_tops 2614.9. ${NOTE_CDNA3_DENSE}`,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('CDNA3 has no FP4 matrix cores (gpus.json fp4 null)'),
      scaleUpGBps:
        'gpus.json scale_up: per_gpu_aggregate "896 bidirectional (same as MI300X) - unverified here" = 448 GB/s per direction (1/7 of it per peer pair).',
      scaleUpDomainGpus: 'gpus.json scale_up.tech "Infinity Fabric (xGMI), 8-GPU fully connected"',
      scaleUpLatencyUs: LAT_XGMI,
      scaleOutGBps: 'gpus.json scale_out_typical: "400 Gb/s per GPU typical" = 50 GB/s per direction',
      scaleOutLatencyUs: LAT_ROCE,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16" = 64 GB/s per direction',
      tdpW: 'gpus.json tdp_W "1000 (unverified here)": taken as 1000 W (AMD MI325X launch figure), flagged unverified.',
      idleW: IDLE_10PCT(1000),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  {
    id: 'mi355x',
    name: 'AMD Instinct MI355X',
    vendor: 'AMD',
    memoryType: 'HBM3E',
    scaleUpTech: '4th-gen Infinity Fabric, 8-GPU domain',
    memoryGB: 288,
    memoryBandwidthGBps: 8000,
    denseTflops: { bf16: 2500, fp16: 2500, fp8: 5000, int8: null, fp4: 10000 },
    scaleUpGBps: 537.6,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 3,
    scaleOutGBps: 50,
    scaleOutLatencyUs: 8,
    hostLinkGBps: 64,
    tdpW: 1400,
    idleW: 140,
    priceUsdPerHour: 3.0,
    notes: 'Dense bf16/fp8/fp4 are approximate (half of AMD sparse headlines). fp4 is MXFP4, modelled like NVFP4.',
    sources: {
      memoryGB: `${REF_MI355X_TH}; ${REF_MI355X_REG}; ${REF_MI355X_MLPERF}`,
      memoryBandwidthGBps: `${REF_MI355X_TH}; ${REF_MI355X_REG}`,
      'denseTflops.bf16': `gpus.json dense_tflops.bf16 2500 ("~2.5 PF bf16"). ${NOTE_MI355X_APPROX}`,
      'denseTflops.fp16': `gpus.json dense_tflops.fp16 2500. ${NOTE_MI355X_APPROX}`,
      'denseTflops.fp8': `${REF_MI355X_ISSCC}. ${NOTE_MI355X_APPROX}`,
      'denseTflops.int8':
        'null: gpus.json int8_tops null ("int8 unverified"). CDNA4 does have int8, but with no verified dense figure W8A8-int8 is modelled as bf16 math (conservative).',
      'denseTflops.fp4': `${REF_MI355X_REG}; ${REF_MI355X_TH} (20.1 PF sparse headline / 2). ${NOTE_MI355X_APPROX}`,
      scaleUpGBps: `${ASSUMED}gpus.json has "unverified" here. We use AMD's MI350-series peak Infinity Fabric figure as recalled (7 links x 153.6 GB/s = 1075.2 GB/s aggregate bidirectional) = 537.6 GB/s per direction; not re-verified in this session.`,
      scaleUpDomainGpus: `${REF_MI355X_MLPERF} (8 GPUs per node; gpus.json scale_up.tech "4th-gen Infinity Fabric, 8-GPU domain")`,
      scaleUpLatencyUs: LAT_XGMI,
      scaleOutGBps: `${REF_MI355X_MLPERF} (8x Pollara 400G per 8-GPU node = 50 GB/s per GPU per direction)`,
      scaleOutLatencyUs: LAT_ROCE,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16" = 64 GB/s per direction',
      tdpW: `${REF_MI355X_TH}; ${REF_MI355X_REG}`,
      idleW: IDLE_10PCT(1400),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ----------------------------------------------------------------------------------- Intel
  {
    id: 'gaudi3',
    name: 'Intel Gaudi 3 (OAM HL-325L)',
    vendor: 'Intel',
    memoryType: 'HBM2e',
    scaleUpTech: '24x 200 GbE RoCE v2 integrated NICs (21 used all-to-all inside an 8-card box, 3 for scale-out)',
    memoryGB: 128,
    memoryBandwidthGBps: 3670,
    denseTflops: { bf16: 1835, fp16: 1835, fp8: 1835, int8: null, fp4: null },
    scaleUpGBps: 525,
    scaleUpDomainGpus: 8,
    scaleUpLatencyUs: 4,
    scaleOutGBps: 75,
    scaleOutLatencyUs: 8,
    hostLinkGBps: 64,
    tdpW: 900,
    idleW: 90,
    priceUsdPerHour: 1.5,
    notes:
      'FP8 matrix rate equals BF16 on Gaudi 3. FP16 is not an MME (matrix engine) type; fp16 models are assumed served in bf16.',
    sources: {
      memoryGB: `${REF_GAUDI3_HC}; ${REF_GAUDI3_REG}`,
      memoryBandwidthGBps: REF_GAUDI3_HC,
      'denseTflops.bf16': REF_GAUDI3_HC,
      'denseTflops.fp16': `${ASSUMED}gpus.json says fp16 is "n/a on MME (vector only)"; the type requires a number, and Gaudi serving stacks run fp16 checkpoints in bf16, so fp16 is set to the bf16 MME rate (1835). Source for the rate: ${REF_GAUDI3_HC}`,
      'denseTflops.fp8': REF_GAUDI3_HC,
      'denseTflops.int8': NULL_NOT_SUPPORTED('no int8 matrix rate published (gpus.json int8_tops null)'),
      'denseTflops.fp4': NULL_NOT_SUPPORTED('no FP4 support (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_GAUDI3_HC}. 24 ports x 200 Gb/s = 600 GB/s per direction in total; in the 8-card box 21 ports (3 per peer x 7 peers) are scale-up = 525 GB/s per direction (port split: gpus.json "unverified here").`,
      scaleUpDomainGpus:
        'gpus.json scale_up.tech "24x 200 GbE RoCE v2 integrated NICs (all-to-all in 8-card HLS)": 8 cards',
      scaleUpLatencyUs: LAT_GAUDI_SCALEUP,
      scaleOutGBps:
        'gpus.json scale_out_typical: "~75 (3x200GbE) unverified" (3 ports per card used for scale-out in Intel\'s reference 8-card server): 75 GB/s per direction.',
      scaleOutLatencyUs: LAT_ROCE,
      hostLinkGBps: 'gpus.json host_link "PCIe Gen5 x16 (128 GB/s bidirectional)" = 64 GB/s per direction',
      tdpW: `${REF_GAUDI3_HC}. gpus.json gives "900 (air) / 1200 (liquid)": we take 900 W because HL-325L is the air-cooled OAM part.`,
      idleW: IDLE_10PCT(900),
      priceUsdPerHour: PRICE_BASIS,
    },
  },
  // ---------------------------------------------------------------------------------- Google
  {
    id: 'tpu-v5e',
    name: 'Google TPU v5e',
    vendor: 'Google',
    memoryType: 'HBM2',
    scaleUpTech: 'ICI, 4 ports/chip, 2D torus, 256-chip pod',
    memoryGB: 16,
    memoryBandwidthGBps: 819,
    denseTflops: { bf16: 197, fp16: 197, fp8: null, int8: 393, fp4: null },
    scaleUpGBps: 200,
    scaleUpDomainGpus: 256,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 3.125,
    scaleOutLatencyUs: 20,
    hostLinkGBps: 32,
    tdpW: 200,
    idleW: 20,
    priceUsdPerHour: 1.2,
    notes:
      'Per chip. Scale-up domain is the 256-chip ICI pod (a 2D torus, not a switch): usable only if the slice is that big.',
    sources: {
      memoryGB: REF_V5E,
      memoryBandwidthGBps: REF_V5E,
      'denseTflops.bf16': REF_V5E,
      'denseTflops.fp16': `${ASSUMED}TPUs publish no separate fp16 rate; XLA runs fp16 through the bf16 MXU path, so fp16 = bf16 (${REF_V5E})`,
      'denseTflops.fp8': NULL_NOT_SUPPORTED('no FP8 on TPU v5e (gpus.json fp8 null)'),
      'denseTflops.int8': REF_V5E,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('no FP4 on TPU v5e (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_V5E}: 400 GB/s bidirectional = 200 GB/s per direction (gpus.json also lists 1600 Gbps = 200 GB/s)`,
      scaleUpDomainGpus: `${REF_V5E}: 256 chips/pod. Honest caveat: this is the pod's ICI domain; a v5e slice (e.g. v5litepod-8) is smaller, and a 2D torus gives far chips less bandwidth than a switch.`,
      scaleUpLatencyUs: LAT_ICI,
      scaleOutGBps: `${REF_V5E}: 2 x 100 Gbps NIC per 8-chip host = 25 Gb/s = 3.125 GB/s per chip`,
      scaleOutLatencyUs: LAT_DCN,
      hostLinkGBps: `${ASSUMED}PCIe Gen4 x16-class host link, 32 GB/s per direction; Google does not publish it.`,
      tdpW: `${ASSUMED}rough estimate ~200 W per chip; Google does not publish TPU TDP (gpus.json tdp_W null: "TDP not published by Google").`,
      idleW: IDLE_10PCT(200),
      priceUsdPerHour: PRICE_TPU_BASIS,
    },
  },
  {
    id: 'tpu-v5p',
    name: 'Google TPU v5p',
    vendor: 'Google',
    memoryType: 'HBM2e',
    scaleUpTech: 'ICI, 3D torus, 8960-chip pod (max slice 6144)',
    memoryGB: 95,
    memoryBandwidthGBps: 2765,
    denseTflops: { bf16: 459, fp16: 459, fp8: null, int8: 918, fp4: null },
    scaleUpGBps: 600,
    scaleUpDomainGpus: 6144,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 6.25,
    scaleOutLatencyUs: 20,
    hostLinkGBps: 32,
    tdpW: 450,
    idleW: 45,
    priceUsdPerHour: 4.2,
    notes: 'Per chip. Scale-up domain = largest ICI slice (6144 of the 8960-chip pod); 3D torus, not a switch.',
    sources: {
      memoryGB: REF_V5P,
      memoryBandwidthGBps: REF_V5P,
      'denseTflops.bf16': REF_V5P,
      'denseTflops.fp16': `${ASSUMED}TPUs publish no separate fp16 rate; fp16 = bf16 (${REF_V5P})`,
      'denseTflops.fp8': NULL_NOT_SUPPORTED('no FP8 on TPU v5p (gpus.json fp8 null)'),
      'denseTflops.int8':
        'gpus.json int8_tops "918 (unverified here)": taken as 918 (2x bf16, as on v5e/v6e), flagged unverified.',
      'denseTflops.fp4': NULL_NOT_SUPPORTED('no FP4 on TPU v5p (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_V5P}. 4800 Gbps = 600 GB/s; Google does not state the direction. We read it as per direction, by analogy with v5e where Google's 1600 Gbps equals 200 GB/s = half of the stated 400 GB/s bidirectional. Could be 2x optimistic.`,
      scaleUpDomainGpus: `${REF_V5P} (8960 chips/pod); gpus.json: max slice 6144. We take 6144, the largest slice one workload can get (the pod's ICI domain as a user sees it). 3D torus, so far chips get less bandwidth than a switch would give.`,
      scaleUpLatencyUs: LAT_ICI,
      scaleOutGBps: `${ASSUMED}gpus.json scale_out_typical is null. Assumes the v5e host NIC ratio (2 x 100 Gbps per host) on 4-chip v5p hosts = 6.25 GB/s per chip; unverified.`,
      scaleOutLatencyUs: LAT_DCN,
      hostLinkGBps: `${ASSUMED}PCIe Gen4 x16-class host link, 32 GB/s per direction; Google does not publish it.`,
      tdpW: `${ASSUMED}rough estimate ~450 W per chip (large die, 95 GB HBM); Google does not publish TPU TDP (gpus.json tdp_W null).`,
      idleW: IDLE_10PCT(450),
      priceUsdPerHour: PRICE_TPU_BASIS,
    },
  },
  {
    id: 'tpu-v6e',
    name: 'Google TPU v6e (Trillium)',
    vendor: 'Google',
    memoryType: 'HBM',
    scaleUpTech: 'ICI, 4 ports/chip, 2D torus, 256-chip pod',
    memoryGB: 32,
    memoryBandwidthGBps: 1638,
    denseTflops: { bf16: 918, fp16: 918, fp8: null, int8: 1836, fp4: null },
    scaleUpGBps: 400,
    scaleUpDomainGpus: 256,
    scaleUpLatencyUs: 2,
    scaleOutGBps: 12.5,
    scaleOutLatencyUs: 20,
    hostLinkGBps: 32,
    tdpW: 300,
    idleW: 30,
    priceUsdPerHour: 2.7,
    notes: 'Per chip. Scale-up domain is the 256-chip ICI pod (2D torus).',
    sources: {
      memoryGB: REF_V6E,
      memoryBandwidthGBps: REF_V6E,
      'denseTflops.bf16': REF_V6E,
      'denseTflops.fp16': `${ASSUMED}TPUs publish no separate fp16 rate; fp16 = bf16 (${REF_V6E})`,
      'denseTflops.fp8': NULL_NOT_SUPPORTED('no FP8 on TPU v6e (gpus.json fp8 null)'),
      'denseTflops.int8': REF_V6E,
      'denseTflops.fp4': NULL_NOT_SUPPORTED('no FP4 on TPU v6e (gpus.json fp4 null)'),
      scaleUpGBps: `${REF_V6E}: 800 GB/s bidirectional = 400 GB/s per direction`,
      scaleUpDomainGpus: `${REF_V6E}: 256 chips/pod. Honest caveat: the pod's ICI domain; real slices are often smaller, and a 2D torus is not all-to-all.`,
      scaleUpLatencyUs: LAT_ICI,
      scaleOutGBps: `${ASSUMED}gpus.json scale_out_typical is null. Assumes ~4 x 200 Gbps NICs per 8-chip host = 12.5 GB/s per chip; unverified.`,
      scaleOutLatencyUs: LAT_DCN,
      hostLinkGBps: `${ASSUMED}PCIe Gen4 x16-class host link, 32 GB/s per direction; Google does not publish it.`,
      tdpW: `${ASSUMED}rough estimate ~300 W per chip; Google does not publish TPU TDP (gpus.json tdp_W null).`,
      idleW: IDLE_10PCT(300),
      priceUsdPerHour: PRICE_TPU_BASIS,
    },
  },
];

/** Deep-frozen so that scenario overrides can only ever copy, never mutate, a catalog entry. */
const freezeSpec = (g: GpuSpec): GpuSpec =>
  Object.freeze({ ...g, denseTflops: Object.freeze({ ...g.denseTflops }), sources: Object.freeze({ ...g.sources }) });

export const GPUS: readonly GpuSpec[] = Object.freeze(CATALOG.map(freezeSpec));

const BY_ID: ReadonlyMap<string, GpuSpec> = new Map(GPUS.map((g) => [g.id, g]));

/** Catalog lookup; undefined for an unknown id. */
export function getGpu(id: string): GpuSpec | undefined {
  return BY_ID.get(id);
}

/** The capacity memory is budgeted against, decimal GB: what the device reports, else its label. */
export function budgetCapacityGB(gpu: GpuSpec): number {
  return gpu.usableMemoryGB ?? gpu.memoryGB;
}
