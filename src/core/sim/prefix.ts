/**
 * Prefix cache of one scheduler (one attention-DP group): an LRU set of KV block hashes, the way
 * vLLM's automatic prefix caching and SGLang's radix cache keep finished requests' blocks around
 * until memory is needed. A prompt's hit is its longest run of leading block hashes that are cached
 * (a block hash covers the whole prefix up to it, so matching must stop at the first miss).
 *
 * Simplification (stated in the simulator's notes): cached blocks do not consume the KV capacity
 * the block manager accounts; the cache holds at most as many blocks as the KV cache has, and a hit
 * still allocates KV blocks for the hit tokens (only their prefill compute is skipped).
 */
export class PrefixCache {
  /** Map iteration order is insertion order: the first key is the least recently used. */
  private lru = new Map<number, true>();

  constructor(readonly capacityBlocks: number) {}

  /** Leading blocks of `hashes` present in the cache (does not touch recency). */
  match(hashes: readonly number[]): number {
    let n = 0;
    for (const h of hashes) {
      if (!this.lru.has(h)) break;
      n++;
    }
    return n;
  }

  /** Mark every block of the prompt as most recently used, inserting missing ones and evicting LRU blocks. */
  touch(hashes: readonly number[]): void {
    for (const h of hashes) {
      if (this.lru.has(h)) this.lru.delete(h);
      this.lru.set(h, true);
    }
    while (this.lru.size > this.capacityBlocks) {
      const oldest = this.lru.keys().next();
      if (oldest.done === true) break;
      this.lru.delete(oldest.value);
    }
  }

  get size(): number {
    return this.lru.size;
  }
}
