/**
 * KV memory management: how allocation granularity wastes memory per sequence.
 *
 * - PagedAttention — Kwon et al., "Efficient Memory Management for Large Language Model Serving with
 *   PagedAttention" (vLLM, SOSP 2023): KV lives in fixed blocks of `blockSize` tokens; only a sequence's
 *   last block is partly filled. With the fill uniform over 0…B−1 tokens, the expected waste per
 *   sequence is (B − 1)/2 tokens (per layer, at the stored precision).
 * - vAttention — Prabhu et al., "vAttention: Dynamic Memory Management for Serving LLMs without
 *   PagedAttention" (ASPLOS 2025): KV stays in contiguous virtual memory, one buffer per layer for K and
 *   one for V on each GPU, backed on demand by physical pages (2 MiB CUDA pages; 64-256 KiB with the
 *   paper's driver extension). No block tables, but memory grows a page at a time, so on average half a
 *   page per buffer is mapped ahead of use: (pageTokens − 1)/2 tokens, pageTokens = page / (bytes per
 *   token of one buffer).
 * - MLA models: engines fix the block size. FlashMLA (DeepSeek, 2025) pages the latent cache in
 *   64-token blocks; the AMD MI325X study ("Architecture-Aware LLM Inference Optimization on AMD
 *   Instinct GPUs", 2025, vLLM 0.14 + AITER) reports MLA models need block size 1 and cannot use KV-cache
 *   offloading there, while GQA models can.
 */
import type { GpuSpec } from '../hardware/types.ts';
import type { ModelSpec } from '../model/types.ts';
import type { KvPaging } from './types.ts';

export const PAGING_SOURCES = {
  paged: 'PagedAttention (Kwon et al., SOSP 2023): block-granular KV, last block partly filled',
  vattention: 'vAttention (Prabhu et al., ASPLOS 2025): contiguous virtual KV, page-granular physical growth',
  flashmla: 'FlashMLA (DeepSeek, 2025): paged latent KV with 64-token blocks',
  amdMla: 'AMD MI325X study (2025, vLLM 0.14 + AITER): MLA needs block size 1 and cannot offload KV',
};

/** PagedAttention: expected partly-filled-block waste per sequence, (B − 1)/2 tokens. */
export function pagedWasteTokens(blockSize: number): number {
  return (blockSize - 1) / 2;
}

/** vAttention: tokens one physical page of a K (or V) buffer holds: ⌊page bytes / buffer bytes per token⌋ (≥ 1). */
export function vattentionPageTokens(pageBytes: number, bufferBytesPerToken: number): number {
  if (bufferBytesPerToken <= 0) return 1;
  return Math.max(1, Math.floor(pageBytes / bufferBytesPerToken));
}

/** vAttention: expected memory mapped ahead of use per sequence, (pageTokens − 1)/2 tokens. */
export function vattentionWasteTokens(pageTokens: number): number {
  return (pageTokens - 1) / 2;
}

/** Per-GPU K (or V) buffer bytes per token of one layer: K and V are separate buffers for GQA, one latent for MLA. */
export function vattentionBufferBytesPerToken(model: ModelSpec, gpuLayerBytesPerToken: number): number {
  return model.attention.kind === 'mla' ? gpuLayerBytesPerToken : gpuLayerBytesPerToken / 2;
}

export interface MlaConstraint {
  engine: string;
  requiredBlockSize: number;
  offloadSupported: boolean;
  source: string;
}

/** The block-size / offload constraint an MLA model meets on this GPU's serving stack (null for GQA). */
export function mlaEngineConstraint(model: ModelSpec, gpu: GpuSpec): MlaConstraint | null {
  if (model.attention.kind !== 'mla') return null;
  if (gpu.vendor === 'AMD')
    return {
      engine: 'vLLM on ROCm (AITER MLA)',
      requiredBlockSize: 1,
      offloadSupported: false,
      source: PAGING_SOURCES.amdMla,
    };
  return { engine: 'FlashMLA', requiredBlockSize: 64, offloadSupported: true, source: PAGING_SOURCES.flashmla };
}

export interface ResolvedPaging {
  scheme: KvPaging['scheme'];
  blockSize: number;
  /** vAttention only: tokens per physical page of one buffer. */
  pageTokens: number | null;
  /** Expected tokens of allocated-but-unused KV per sequence (per layer). */
  wasteTokens: number;
  warnings: string[];
  sources: string[];
}

/**
 * Resolve the paging scheme: default PagedAttention at the runtime's block size; an MLA model's
 * engine-required block size overrides the requested one (with a warning).
 */
export function resolvePaging(
  p: KvPaging | undefined,
  runtimeBlockSize: number,
  model: ModelSpec,
  gpu: GpuSpec,
  gpuLayerBytesPerToken: number,
): ResolvedPaging {
  const scheme = p?.scheme ?? 'paged';
  const warnings: string[] = [];
  const sources: string[] = [];
  let blockSize = p?.blockSize ?? runtimeBlockSize;
  const mla = mlaEngineConstraint(model, gpu);
  if (scheme === 'paged' && mla && blockSize !== mla.requiredBlockSize) {
    warnings.push(
      `${model.name} uses MLA: ${mla.engine} needs KV block size ${mla.requiredBlockSize}, not ${blockSize}; costed at ${mla.requiredBlockSize}.`,
    );
    blockSize = mla.requiredBlockSize;
    sources.push(mla.source);
  }
  if (scheme === 'vattention') {
    const pageBytes = (p?.pageKiB ?? 2048) * 1024;
    const pageTokens = vattentionPageTokens(pageBytes, vattentionBufferBytesPerToken(model, gpuLayerBytesPerToken));
    sources.push(PAGING_SOURCES.vattention);
    return { scheme, blockSize, pageTokens, wasteTokens: vattentionWasteTokens(pageTokens), warnings, sources };
  }
  sources.push(PAGING_SOURCES.paged);
  return { scheme, blockSize, pageTokens: null, wasteTokens: pagedWasteTokens(blockSize), warnings, sources };
}

export function describePaging(r: ResolvedPaging, pageKiB: number): string {
  if (r.scheme === 'vattention') {
    return `vAttention (${pageKiB >= 1024 ? `${pageKiB / 1024} MiB` : `${pageKiB} KiB`} pages): lossless; contiguous KV, grows ${r.pageTokens ?? 1} tokens at a time (~${Math.round(r.wasteTokens)} tokens mapped ahead per sequence)`;
  }
  return `PagedAttention (${r.blockSize}-token blocks): lossless; ${r.wasteTokens.toFixed(1)} tokens wasted per sequence on average`;
}
