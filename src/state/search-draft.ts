/**
 * The search options a person edits (the search panel), their defaults, and the repair of a persisted
 * (untrusted) draft. The draft's schema is the shared link's search schema (core/share/search-link.ts),
 * speculative-decoding choices included, so a stored session and a link accept the same values.
 */
import { z } from 'zod';
import { linkSearchSchema, SEARCH_LIST_MAX } from '../core/share/search-link.ts';
import { DEFAULT_SEARCH_OPTIONS } from '../core/search/space.ts';
import type { SearchOptions } from '../core/search/types.ts';

/** The search options a person edits (the rest keep core's defaults). */
export type SearchOptionsDraft = Pick<
  SearchOptions,
  | 'objective'
  | 'secondary'
  | 'allowTpAcrossNodes'
  | 'allowDisaggregation'
  | 'kvDtypes'
  | 'kvStrategies'
  | 'allowLossy'
  | 'allowNearLossless'
  | 'maxNumSeqs'
  | 'maxBatchedTokens'
  | 'speculative'
  | 'top'
  | 'simulateTop'
  | 'replicas'
>;

const core = DEFAULT_SEARCH_OPTIONS;

/**
 * Goodput first (requests/s that meet both SLOs), cheapest among equals: "a plan I can trust at my SLO",
 * a longer table and more simulated plans; every other knob starts at core's default.
 */
export const DEFAULT_SEARCH_DRAFT: SearchOptionsDraft = {
  objective: 'goodput',
  secondary: 'cost',
  allowTpAcrossNodes: core.allowTpAcrossNodes,
  allowDisaggregation: core.allowDisaggregation,
  kvDtypes: [...core.kvDtypes],
  kvStrategies: [...core.kvStrategies],
  allowLossy: core.allowLossy,
  allowNearLossless: core.allowNearLossless,
  maxNumSeqs: [...core.maxNumSeqs],
  maxBatchedTokens: [...core.maxBatchedTokens],
  top: 20,
  simulateTop: 8,
  replicas: core.replicas,
};

/** A persisted search draft: the link's search options (speculative settings included). */
export const searchDraftSchema = linkSearchSchema;

/** How many entries each list field keeps when a stored list is too long. */
const LIST_MAX: Readonly<Record<string, number>> = SEARCH_LIST_MAX;

/** The element schema of a list field (optional or not), or null for a scalar field. */
function listElement(field: z.ZodType): z.ZodType | null {
  const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  return inner instanceof z.ZodArray ? (inner.element as z.ZodType) : null;
}

/**
 * Repair a persisted (untrusted) options object field by field: a field the schema accepts is kept as
 * stored, a bad scalar falls back to its default, and a list keeps only its valid entries (trimmed to
 * the list's maximum length). One bad field never discards the others.
 */
export function sanitizeSearchDraft(x: unknown): SearchOptionsDraft {
  const o = x !== null && typeof x === 'object' ? (x as Record<string, unknown>) : {};
  const d: Record<string, unknown> = { ...DEFAULT_SEARCH_DRAFT };
  for (const [key, field] of Object.entries(searchDraftSchema.shape) as [string, z.ZodType][]) {
    const v = Object.hasOwn(o, key) ? o[key] : undefined;
    if (v === undefined) continue;
    const element = listElement(field);
    if (element) {
      if (Array.isArray(v)) d[key] = v.filter((e) => element.safeParse(e).success).slice(0, LIST_MAX[key]);
    } else if (field.safeParse(v).success) d[key] = v;
  }
  return d as SearchOptionsDraft;
}
