/**
 * Built-in model catalog. Every entry is produced by running `fromHfConfig` over the cited raw
 * config in `configs.ts`, so the catalog and user-imported configs share one code path.
 */
import { CATALOG_CONFIGS } from './configs.ts';
import { fromHfConfig } from './hf.ts';
import type { ModelSpec } from './types.ts';

function build(): ModelSpec[] {
  return CATALOG_CONFIGS.map((entry) => {
    const spec = fromHfConfig(entry.config, { id: entry.id, name: entry.name, hfId: entry.hfId });
    return { ...spec, family: entry.family, source: entry.source };
  });
}

export const MODELS: readonly ModelSpec[] = Object.freeze(build());

export const MODEL_IDS: readonly string[] = Object.freeze(MODELS.map((m) => m.id));

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

/** Catalog lookup by id (case-insensitive); undefined when unknown. */
export function getModel(id: string): ModelSpec | undefined {
  return BY_ID.get(id.toLowerCase());
}
