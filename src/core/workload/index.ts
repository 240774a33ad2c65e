/** Workload: request lists from synthetic distributions or real traces, plus their statistics. */
export * from './types.ts';
export * from './rng.ts';
export * from './schema.ts';
export * from './generate.ts';
export * from './traces.ts';
export * from './summary.ts';
export * from './clamp.ts';
