/**
 * KV across devices.
 *
 * - Context parallelism / ring attention — Liu et al., "Ring Attention with Blockwise Transformers for
 *   Near-Infinite Context" (2023); Brandon et al., "Striped Attention" (2023): one sequence's KV is split
 *   over `cp` instances. Each holds L/cp tokens; prefill passes every KV block once around the ring
 *   ((cp − 1)/cp · L tokens sent per GPU, overlapped with the blockwise attention); decode computes a
 *   partial attention on each shard and combines the partial outputs with their log-sum-exp
 *   (one fp32 vector of vHeadDim + 1 per query head per layer per sequence).
 * - DistAttention — Lin et al., "Infinite-LLM: Efficient LLM Service for Long Context with DistAttention
 *   and Distributed KVCache" (2024): a sequence's KV may live in other instances' spare HBM; the attention
 *   on a remote shard runs where the KV is and returns partial outputs. The cluster's free KV memory is
 *   pooled: ⌊Σ free / seq⌋ sequences instead of dp·⌊free / seq⌋. Per layer a spanning sequence sends its
 *   query (bf16) and gets back a partial output + log-sum-exp (fp32).
 * - CacheGen — Liu et al., "CacheGen: KV Cache Compression and Streaming for Fast Large Language Model
 *   Serving" (SIGCOMM 2024): KV encoded into a compact bitstream (quantization + arithmetic coding) for
 *   transfer — 3.7-4.3× less bandwidth in the paper; lossy. Applied here to KV that crosses a network or
 *   host link once per request (prefill→decode hand-off in disaggregation, multi-turn/RAG reloads), not
 *   to per-step streaming.
 */
import type { Fidelity, KvDistributed } from './types.ts';

export const DISTRIBUTED_SOURCES = {
  cp: 'Ring Attention (Liu et al., 2023): context parallelism over a ring of devices',
  dist: 'Infinite-LLM / DistAttention (Lin et al., 2024): KV pooled across instances',
  cachegen: 'CacheGen (Liu et al., SIGCOMM 2024): compressed KV streaming (3.7-4.3× less bandwidth)',
};

/** Ring-attention prefill: KV bytes each GPU sends around the ring, (cp − 1)/cp · L · bytes/token. */
export function ringPrefillSendBytes(contextTokens: number, cp: number, bytesPerToken: number): number {
  return ((cp - 1) / cp) * contextTokens * bytesPerToken;
}

/** Partial-output combine per sequence per layer on one GPU: fp32 (vHeadDim + 1) per query head. */
export function partialOutputBytes(qHeadsPerGpu: number, vHeadDim: number): number {
  return qHeadsPerGpu * (vHeadDim + 1) * 4;
}

/** DistAttention exchange per spanning sequence per layer: bf16 query out, fp32 partial output + LSE back. */
export function distAttentionExchangeBytes(qHeadsPerGpu: number, headDim: number, vHeadDim: number): number {
  return qHeadsPerGpu * headDim * 2 + partialOutputBytes(qHeadsPerGpu, vHeadDim);
}

/** Sequences when each of `instances` instances holds only whole sequences: n · ⌊free / seq⌋. */
export function localSeqs(freeBytesPerInstance: number, seqBytes: number, instances: number): number {
  if (seqBytes <= 0 || freeBytesPerInstance <= 0) return 0;
  return instances * Math.floor(freeBytesPerInstance / seqBytes);
}

/** DistAttention: sequences when the instances' free KV memory is pooled: ⌊n · free / seq⌋. */
export function pooledSeqs(freeBytesPerInstance: number, seqBytes: number, instances: number): number {
  if (seqBytes <= 0 || freeBytesPerInstance <= 0) return 0;
  return Math.floor((instances * freeBytesPerInstance) / seqBytes);
}

/** CacheGen: bytes on the wire after compression, bytes / ratio. */
export function compressedTransferBytes(bytes: number, ratio: number): number {
  return bytes / ratio;
}

export function distributedFidelity(d: KvDistributed): Fidelity {
  return d.transferCompression > 1 ? 'approximate' : 'exact';
}

export function describeDistributed(d: KvDistributed): string {
  const parts: string[] = [];
  if (d.contextParallel > 1)
    parts.push(
      `Context parallel ×${d.contextParallel} (ring attention): lossless; each instance holds 1/${d.contextParallel} of every sequence, ×${d.contextParallel} GPUs`,
    );
  if (d.distAttention) parts.push('DistAttention: lossless; KV memory pooled across replicas');
  if (d.transferCompression > 1)
    parts.push(
      `CacheGen ${d.transferCompression}× transfer compression: approximate; KV hand-offs and reloads ${d.transferCompression}× smaller on the wire`,
    );
  return parts.length > 0 ? parts.join('; ') : 'Single instance KV: lossless';
}
