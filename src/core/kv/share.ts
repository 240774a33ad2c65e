/**
 * Sharing and reuse of KV across requests.
 *
 * - Prefix sharing: a prefix common to every concurrent sequence (system prompt, few-shot block, a batch
 *   job's global prefix) is stored once per scheduler group and not prefilled again. vLLM automatic prefix
 *   caching / SGLang RadixAttention do it on the fly; BatchLLM (Zheng et al., 2024) identifies global
 *   prefixes up front and schedules their sharers together so the shared KV lives only as long as needed.
 *   Exact: the shared KV is the same KV.
 * - RAG chunk reuse out of prefix position — CacheBlend (Yao et al., EuroSys 2025), Cache-Craft (Agarwal
 *   et al., SIGMOD 2025): retrieved chunks' KV is precomputed and reused wherever the chunk lands in the
 *   prompt; a `recomputeFraction` of its tokens (CacheBlend ≈ 15 %) is recomputed to restore
 *   cross-attention with the preceding text. Approximate unless everything is recomputed.
 */
import type { Fidelity, KvShare } from './types.ts';

export const SHARE_SOURCES = {
  prefix:
    'Prefix sharing: vLLM automatic prefix caching / SGLang RadixAttention; BatchLLM (Zheng et al., 2024) global prefix sharing',
  rag: 'CacheBlend (Yao et al., EuroSys 2025) and Cache-Craft (Agarwal et al., SIGMOD 2025): chunk KV reuse with selective recompute',
};

/** Tokens of a sequence that belong to the shared prefix: min(prefix, L). */
export function sharedPrefixTokens(prefixTokens: number, contextTokens: number): number {
  return Math.min(prefixTokens, contextTokens);
}

/** Sequences that fit when `sharedBytes` are stored once and each sequence adds `uniqueBytesPerSeq`. */
export function seqsWithSharedPrefix(freeBytes: number, sharedBytes: number, uniqueBytesPerSeq: number): number {
  const room = freeBytes - sharedBytes;
  if (room <= 0 || uniqueBytesPerSeq <= 0) return 0;
  return Math.floor(room / uniqueBytesPerSeq);
}

/** Prompt tokens served from reused RAG chunks (after the shared prefix): min(chunkTokens, prompt − prefix). */
export function ragReusedTokens(share: KvShare, promptTokens: number): number {
  if (!share.ragChunkReuse) return 0;
  return Math.min(
    share.ragChunkReuse.chunkTokens,
    Math.max(0, promptTokens - sharedPrefixTokens(share.prefixTokens, promptTokens)),
  );
}

/**
 * Prompt tokens that still need prefill compute: prompt − shared prefix − reused chunk tokens·(1 − recompute).
 * (Attention over the reused KV is still computed; it is counted with the new tokens' prefill.)
 */
export function prefillComputedTokens(share: KvShare | undefined, promptTokens: number): number {
  if (!share) return promptTokens;
  const prefix = sharedPrefixTokens(share.prefixTokens, promptTokens);
  const rag = ragReusedTokens(share, promptTokens);
  const recompute = share.ragChunkReuse?.recomputeFraction ?? 1;
  return promptTokens - prefix - rag * (1 - recompute);
}

/** Chunk KV bytes loaded per request (from wherever the chunk cache lives): reused tokens × bytes/token. */
export function ragLoadBytes(share: KvShare | undefined, promptTokens: number, bytesPerToken: number): number {
  if (!share) return 0;
  return ragReusedTokens(share, promptTokens) * bytesPerToken;
}

export function shareFidelity(share: KvShare): Fidelity {
  return share.ragChunkReuse && share.ragChunkReuse.recomputeFraction < 1 ? 'approximate' : 'exact';
}

const fmtTokens = (t: number) => (t >= 1024 && t % 1024 === 0 ? `${t / 1024}K` : String(t));

export function describeShare(share: KvShare): string {
  const parts: string[] = [];
  if (share.prefixTokens > 0)
    parts.push(
      `Prefix sharing (${fmtTokens(share.prefixTokens)}-token prefix): lossless; stored once per scheduler, not prefilled again`,
    );
  if (share.ragChunkReuse) {
    const r = share.ragChunkReuse;
    parts.push(
      `RAG chunk reuse (${fmtTokens(r.chunkTokens)} chunk tokens, ${Math.round(r.recomputeFraction * 100)}% recomputed): ${r.recomputeFraction < 1 ? 'approximate' : 'lossless'}; ${Math.round((1 - r.recomputeFraction) * 100)}% of chunk prefill skipped`,
    );
  }
  return parts.length > 0 ? parts.join('; ') : 'No sharing: lossless';
}
