import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { resolveDeployment } from './deployment.ts';
import { uniformShape } from './batch.ts';
import { iterationCost } from './iteration.ts';
import { CALIBRATION } from './calibration.ts';

function dep70b(tp: number, dtype: 'bf16' | 'fp8' = 'bf16', overlapScheduling = false) {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-70b',
    precision: { weights: dtype, activations: dtype, kvCache: dtype },
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    plan: { tp },
    // Sync scheduling (vLLM ≤0.11) unless asked: the hand-worked totals below include the host time.
    runtime: { overlapScheduling },
  });
  if (!p.ok) throw new Error(p.errors.join());
  return resolveDeployment(p.scenario);
}

describe('decode step, Llama-3.1-70B TP8 on H100 SXM, bf16, 1 sequence at 1024 tokens of context', () => {
  // Hand-worked. Llama-3.1-70B: h=8192, 64 q heads, 8 kv heads, d=128, FFN 28672, 80 layers, vocab 128256.
  // Per GPU at TP8: 8 q heads, 1 kv head.
  const h = 8192;
  const bw = 3350e9 * CALIBRATION.hbmFraction; // achievable HBM B/s
  const qkvBytes = h * (8 + 2 * 1) * 128 * 2; // 20.97 MB of bf16 weights
  const oBytes = 8 * 128 * h * 2; //            16.78 MB
  const gateUpBytes = h * ((2 * 28672) / 8) * 2; // 117.4 MB
  const downBytes = (28672 / 8) * h * 2; //      58.7 MB
  // One token moves negligible activations (M=1): weight reads dominate every GEMM.
  const layerWeightS = (qkvBytes + oBytes + gateUpBytes + downBytes) / bw;
  // Attention reads 1025 cached tokens × (K+V) × 1 kv head × 128 × 2 B at the decode-kernel bandwidth.
  const attnS = (1025 * 2 * 128 * 2) / (3350e9 * CALIBRATION.attentionDecodeHbmFraction);
  // Two ring all-reduces of 1×8192 bf16 (16 KB) over 8 GPUs on NVLink (450 GB/s, 2 µs latency):
  // α = 2 µs·(1+log2 8) = 8 µs; β-term = 2·7/8·16384 B / (0.8·450e9) ≈ 0.08 µs.
  const arS = 8e-6 + (2 * (7 / 8) * h * 2) / (0.8 * 450e9);
  const lmHeadS = (h * (128256 / 8) * 2) / bw;
  const launchS = 80 * CALIBRATION.kernelsPerDenseLayer * CALIBRATION.launchUsGraph * 1e-6; // CUDA graph replay
  const hostS = CALIBRATION.iterationOverheadMs / 1e3;
  const expectedS = 80 * (layerWeightS + attnS + 2 * arS) + lmHeadS + launchS + hostS;

  it('matches the hand-worked total within 3% (norms/embedding/sampling are the small remainder)', () => {
    const dep = dep70b(8);
    const cost = iterationCost(dep, uniformShape(1, 1024, 1, true, null));
    // 80 layers × 213.9 MB = 17.11 GB of weights / 2.747 TB/s = 6.23 ms; LM head 0.26 GB = 0.10 ms;
    // 160 all-reduces × 8.08 µs = 1.29 ms; KV reads 0.02 ms; 960 graph launches × 1.5 µs = 1.44 ms; host 1.5 ms.
    expect(expectedS * 1e3).toBeCloseTo(10.58, 1);
    expect(cost.timeS).toBeGreaterThan(expectedS);
    expect(cost.timeS / expectedS).toBeLessThan(1.03);
  });

  it('hides the host time behind the GPU work under overlap / async scheduling', () => {
    const sync = iterationCost(dep70b(8), uniformShape(1, 1024, 1, true, null));
    const overlap = iterationCost(dep70b(8, 'bf16', true), uniformShape(1, 1024, 1, true, null));
    // The GPU work (~9 ms) is longer than the host step (1.5 ms + 12.9 µs for the one sequence), so all of it hides.
    const hostMs = CALIBRATION.iterationOverheadMs + CALIBRATION.hostUsPerRunningSeq / 1e3;
    expect((sync.timeS - overlap.timeS) * 1e3).toBeCloseTo(hostMs, 6);
  });

  it('host time grows by hostUsPerRunningSeq per running sequence of each scheduler (ENGINE-FACTS §6 [AIC-FPM])', () => {
    const step = (seqs: number) =>
      iterationCost(dep70b(8), uniformShape(seqs, 1024, 1, true, null), true).ops!.find((o) => o.kind === 'overhead')!
        .timeS;
    // Launch gaps are the same for both batches (CUDA graphs cover up to 512); the host part grows 255 × 12.9 µs.
    expect((step(256) - step(1)) * 1e6).toBeCloseTo(255 * CALIBRATION.hostUsPerRunningSeq, 6);
    // At bs 256 the host step is the 4.8 ms the source measured exposed (sync 31.3 vs async 26.5 ms).
    const launchS = step(1) - (CALIBRATION.iterationOverheadMs + CALIBRATION.hostUsPerRunningSeq / 1e3) / 1e3;
    expect((step(256) - launchS) * 1e3).toBeCloseTo(4.8, 2);
  });

  it('hides eager launches behind long kernels and shows them only when the CPU issues slower than the GPU runs', () => {
    const overhead = (seqs: number, tokensPerSeq: number) => {
      const dep = dep70b(8, 'bf16', true); // overlap: the host part hides behind the GPU, leaving the launches
      const ops = iterationCost(dep, uniformShape(seqs, 0, tokensPerSeq, true, null), true).ops!;
      return ops.find((o) => o.kind === 'overhead')!.timeS;
    };
    const kernels = 80 * CALIBRATION.kernelsPerDenseLayer;
    // One 4,096-token prompt: ~60 ms of GEMMs against 960 × 5 µs = 4.8 ms of launches, so only the gaps remain.
    expect(overhead(1, 4096) * 1e6).toBeCloseTo(kernels * CALIBRATION.launchUsGraph, 3);
    // A 2-token eager step runs ~9 ms of weight reads; 4.8 ms of launches still hide behind it (gaps only).
    expect(overhead(1, 2) * 1e6).toBeCloseTo(kernels * CALIBRATION.launchUsGraph, 3);
    // Llama-3.1-8B over 8 GPUs: 2 GB of weights per GPU (~0.8 ms) against 32 × 12 × 5 µs = 1.9 ms of launches.
    const p = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
      plan: { tp: 8 },
      runtime: { overlapScheduling: true },
    });
    if (!p.ok) throw new Error(p.errors.join());
    const small = iterationCost(resolveDeployment(p.scenario), uniformShape(1, 0, 2, true, null), true);
    const gpuS = small.stageTimesS[0]!;
    const launchesS = (32 * CALIBRATION.kernelsPerDenseLayer * CALIBRATION.launchUsEager) / 1e6;
    expect(gpuS).toBeLessThan(launchesS);
    // Overlap hides the host step (1.5 ms + one sequence) only up to the GPU time; the rest shows too.
    const hostS = (CALIBRATION.iterationOverheadMs + CALIBRATION.hostUsPerRunningSeq / 1e3) / 1e3;
    expect(small.overheadS).toBeCloseTo(launchesS - gpuS + Math.max(0, hostS - gpuS), 9);
  });

  it('reports GQA-correct QKV shape and a memory-bound decode', () => {
    const ops = iterationCost(dep70b(8), uniformShape(1, 1024, 1, true, null), true).ops!;
    const qkv = ops.find((o) => o.name === 'qkv proj')!;
    expect(qkv.shape).toBe('M=1 K=8192 N=1280'); // (8 q + 2·1 kv heads)·128, not 3·8·128
    expect(qkv.bound).toBe('memory');
    expect(qkv.count).toBe(80);
  });

  it('decode attention cost grows with context (APEX ignores this)', () => {
    const dep = dep70b(8);
    const short = iterationCost(dep, uniformShape(64, 512, 1, true, null), true).ops!.find(
      (o) => o.name === 'attention decode',
    )!;
    const long = iterationCost(dep, uniformShape(64, 8192, 1, true, null), true).ops!.find(
      (o) => o.name === 'attention decode',
    )!;
    expect(long.bytes / short.bytes).toBeCloseTo(8193 / 513, 3);
  });

  it('fp8 weights halve the weight bytes but keep the same FLOPs', () => {
    const shape = uniformShape(1, 1024, 1, true, null);
    const a = iterationCost(dep70b(8, 'bf16'), shape, true).ops!.find((o) => o.name === 'mlp gate_up')!;
    const b = iterationCost(dep70b(8, 'fp8'), shape, true).ops!.find((o) => o.name === 'mlp gate_up')!;
    expect(b.flops).toBe(a.flops);
    expect(b.bytes).toBeLessThan(a.bytes * 0.51);
  });

  it('a large prefill is compute-bound and TP8 beats TP4 on latency', () => {
    const shape = uniformShape(1, 0, 8192, true, null);
    const t8 = iterationCost(dep70b(8), shape, true);
    const t4 = iterationCost(dep70b(4), shape, true);
    expect(t8.ops!.find((o) => o.name === 'mlp gate_up')!.bound).toBe('compute');
    expect(t8.timeS).toBeLessThan(t4.timeS);
  });
});
