/**
 * KV-cache strategies (issue 6): schema and per-family formulas, below cost/. Composing them on a
 * deployment (footprint, engine hook, effect, capacity curve, ranking) is core/kvplan. See README.md.
 */
export * from './types.ts';
export * from './quant.ts';
export * from './evict.ts';
export * from './offload.ts';
export * from './share.ts';
export * from './paging.ts';
export * from './distributed.ts';
