/** Every fuzzed surface, by name. One file per surface; add new ones here. */
import type { FuzzSurface } from '../types.ts';
import { benchSurface } from './bench.ts';
import { estimatorSurface } from './estimator.ts';
import { hfSurface } from './hf.ts';
import { kvSurface } from './kv.ts';
import { linkSurface } from './link.ts';
import { savedSurface } from './saved.ts';
import { scenarioSurface } from './scenario.ts';
import { searchSurface } from './search.ts';
import { simulatorSurface } from './simulator.ts';
import { tracesSurface } from './traces.ts';

export const SURFACES: readonly FuzzSurface<never, never>[] = [
  hfSurface,
  scenarioSurface,
  linkSurface,
  savedSurface,
  tracesSurface,
  benchSurface,
  kvSurface,
  estimatorSurface,
  simulatorSurface,
  searchSurface,
] as unknown as readonly FuzzSurface<never, never>[];

export function surfaceByName(name: string): FuzzSurface<unknown, unknown> {
  const s = SURFACES.find((x) => x.name === name);
  if (!s) throw new Error(`unknown fuzz surface "${name}"; known: ${SURFACES.map((x) => x.name).join(', ')}`);
  return s as unknown as FuzzSurface<unknown, unknown>;
}
