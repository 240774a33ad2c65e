import { describe, expect, it } from 'vitest';
import {
  compressedTransferBytes,
  localSeqs,
  partialOutputBytes,
  pooledSeqs,
  ringPrefillSendBytes,
} from './distributed.ts';
import {
  prefillComputedTokens,
  ragLoadBytes,
  seqsWithSharedPrefix,
  shareFidelity,
  sharedPrefixTokens,
} from './share.ts';
import { kvStrategySchema } from './types.ts';

describe('sharing and reuse', () => {
  const share = kvStrategySchema.parse({
    share: { prefixTokens: 2048, ragChunkReuse: { chunkTokens: 4096, recomputeFraction: 0.15 } },
  }).share!;

  it('a shared prefix is stored once: ⌊(free − shared) / unique⌋', () => {
    expect(sharedPrefixTokens(2048, 1000)).toBe(1000);
    expect(seqsWithSharedPrefix(100, 20, 8)).toBe(10);
    expect(seqsWithSharedPrefix(10, 20, 8)).toBe(0);
  });

  it('prefill computes prompt − prefix − reused chunks·(1 − recompute) (CacheBlend, 15 % recompute)', () => {
    // 8192-token prompt: 2048 shared, 4096 from chunks of which 15 % recomputed, 2048 new.
    expect(prefillComputedTokens(share, 8192)).toBeCloseTo(2048 + 0.15 * 4096, 9);
    expect(prefillComputedTokens(undefined, 8192)).toBe(8192);
    expect(ragLoadBytes(share, 8192, 131_072)).toBe(4096 * 131_072);
    // A short prompt: chunks limited to what follows the prefix.
    expect(prefillComputedTokens(share, 3000)).toBeCloseTo(0.15 * 952, 9);
    expect(shareFidelity(share)).toBe('approximate');
    expect(shareFidelity({ ...share, ragChunkReuse: undefined })).toBe('exact');
  });
});

describe('KV across devices', () => {
  it('ring attention sends (cp − 1)/cp of the context per GPU; decode combines fp32 partial outputs + LSE', () => {
    expect(ringPrefillSendBytes(131_072, 4, 4096)).toBe(0.75 * 131_072 * 4096);
    expect(partialOutputBytes(32, 128)).toBe(32 * 129 * 4);
  });

  it('DistAttention pools free memory: ⌊n·free/seq⌋ ≥ n·⌊free/seq⌋', () => {
    // 8 instances with 53.7 GB free and 40 GB sequences: 8 alone, 10 pooled.
    expect(localSeqs(53.7e9, 40e9, 8)).toBe(8);
    expect(pooledSeqs(53.7e9, 40e9, 8)).toBe(10);
  });

  it('CacheGen divides bytes on the wire by its ratio', () => {
    expect(compressedTransferBytes(4e9, 4)).toBe(1e9);
  });
});
