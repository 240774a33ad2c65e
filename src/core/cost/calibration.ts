/**
 * Achievable-efficiency constants of the roofline cost model. ONE set for every model and GPU: no
 * per-row fudge. Each constant says what it is and where its value comes from; bench/CALIBRATION.md
 * records how they were checked against the public measurement sets.
 */
export const CALIBRATION = {
  /**
   * Fraction of dense tensor-core peak a large GEMM reaches. cuBLAS/CUTLASS bf16 GEMMs on H100 SXM
   * reach ~700-760 of 989 TFLOPS (NVIDIA "H100 GEMM" cuBLAS 12 benchmarks; APEX's profiled H100
   * gemm tables reach ~0.7-0.75 of peak at m,k,n ≥ 4096). fp8/fp4 kernels land lower relative to peak.
   */
  gemmPeakFraction: { bf16: 0.75, fp8: 0.65, fp4: 0.55 },
  /**
   * Tokens (GEMM M) at which a GEMM reaches half its large-M efficiency: small-M GEMMs waste tile
   * rows (64/128-row tiles) and cannot fill all SMs. eff(M) = peakFraction · M / (M + gemmHalfM).
   */
  gemmHalfM: 48,
  /**
   * Fraction of HBM datasheet bandwidth a streaming kernel sustains (STREAM-like copy on H100 SXM
   * measures ~2.9-3.0 TB/s of 3.35 TB/s; MI300X ~4.0-4.3 of 5.3 TB/s).
   */
  hbmFraction: 0.82,
  /** FlashAttention-2/3 forward reaches ~50-60 % of bf16 peak on H100 with causal masking (FA3 paper, Shah et al. 2024). */
  attentionPrefillPeakFraction: 0.5,
  /** Paged decode attention reads KV at ~70 % of HBM bandwidth (vLLM/FlashInfer decode kernels, long contexts). */
  attentionDecodeHbmFraction: 0.7,
  /** NCCL ring/tree bus bandwidth as a fraction of the link's per-direction bandwidth (nccl-tests on DGX H100: ~360-390 of 450 GB/s). */
  collectiveBusFraction: 0.8,
  /** Kernel launches per decoder layer (qkv, rope, attention, o, 2 norms, gate_up, act, down, 2 residual/all-reduce) ~12; MoE adds router/topk/permute ~6. */
  kernelsPerDenseLayer: 12,
  kernelsPerMoeLayer: 18,
  /** Per-kernel launch gap, µs: eager PyTorch launch ≈ 5 µs; replayed from a CUDA graph ≈ 1.5 µs of GPU-side gap. */
  launchUsEager: 5,
  launchUsGraph: 1.5,
  /** CUDA graphs are captured for decode batches up to this many sequences (vLLM default max capture size 512). */
  cudaGraphMaxBatch: 512,
  /**
   * Fixed per-iteration host overhead, ms: scheduler, input preparation, sampling bookkeeping,
   * detokenisation hand-off. vLLM V1 / TRT-LLM PyTorch backend measure ~1-3 ms per step on small models.
   */
  iterationOverheadMs: 1.5,
  /**
   * Host time per running sequence per step, µs, on top of iterationOverheadMs: each scheduler builds inputs,
   * updates, stop-checks and streams every running request each step. ENGINE-FACTS §6 [AIC-FPM]: vLLM decode at
   * bs 256 (MiniMax-M2.7 TP4+EP) runs 31.3 ms per step synchronous vs 26.5 ms async, 4.8 ms of exposed host time:
   * (4.8 − 1.5) ms / 256 = 12.9 µs. The only per-sequence figure in the facts; used for every engine's loop.
   */
  hostUsPerRunningSeq: 12.9,
  /** Average expert load skew beyond the statistical imbalance (non-uniform routing without EPLB). */
  moeRoutingSkew: 1.1,
  /** Board power when busy as a fraction of TDP: LLM inference rarely holds TDP (ML.ENERGY measurements, ~60-80 %). */
  busyPowerFractionOfTdp: 0.75,
} as const;
