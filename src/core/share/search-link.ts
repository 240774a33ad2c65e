/**
 * The search part of a shared link (v2, ./scenario-link.ts): the options a person edits in the
 * app's search panel, so the recipient's search ranks the same candidates the same way. Validated
 * with zod like the scenario; every message names the option in words.
 *
 * Bounds match what the search core accepts (core/search/space.ts); the app's persisted search draft
 * (state/search-draft.ts) is this schema, so a link can hold nothing the app could not have produced.
 *
 * `speculative` (the speculative-decoding settings to try, CLI `--speculative off,mtp:1@0.8`) is
 * optional: links written before it existed keep opening, with the scenario's own setting.
 */
import { z } from 'zod';
import { kvPreset } from '../kv/presets.ts';
import { kvStrategySchema, type KvStrategyInput } from '../kv/types.ts';
import { speculativeSchema } from '../scenario/schema.ts';
import { OBJECTIVES } from '../search/objectives.ts';
import type { Objective } from '../search/types.ts';

/** The most entries each list option may hold (the app's persisted draft trims to the same lengths). */
export const SEARCH_LIST_MAX = {
  kvDtypes: 8,
  kvStrategies: 32,
  maxNumSeqs: 16,
  maxBatchedTokens: 16,
  speculative: 16,
} as const;

const objective = (what: string) =>
  z.enum(OBJECTIVES as [Objective, ...Objective[]], { error: `${what} must be one of ${OBJECTIVES.join(', ')}` });

const intList = (what: string, lo: number, hi: number, max: number) =>
  z
    .array(
      z
        .number({ error: `${what} must be whole numbers` })
        .int({ error: `${what} must be whole numbers` })
        .min(lo, { error: `${what} must be at least ${lo}` })
        .max(hi, { error: `${what} must be at most ${hi}` }),
      { error: `${what} must be a list of numbers` },
    )
    .max(max, { error: `${what} may list at most ${max} values` });

/** A KV strategy to try: a preset name core knows, or a strategy object the scenario schema accepts (kept as given). */
const kvChoice = z.custom<string | KvStrategyInput>(
  (v) => (typeof v === 'string' ? kvPreset(v) !== null : kvStrategySchema.safeParse(v).success),
  { error: 'KV strategies to try must be preset names (e.g. fp8, kivi2) or valid strategy objects' },
);

const SPEC_SHAPE = '"off" or { method, draftTokens, acceptanceRate? }';

/**
 * One speculative setting to try: "off" or a runtime.speculative object (the scenario schema's rules).
 * An object's own problem (e.g. draftTokens out of range) is reported, under the option's name.
 */
const specChoice = z.union([z.literal('off'), speculativeSchema], {
  error: (iss) => {
    const objectIssues = iss.code === 'invalid_union' ? iss.errors[1] : undefined;
    const inner = typeof iss.input === 'object' && iss.input !== null ? objectIssues?.[0]?.message : undefined;
    return `speculative settings to try must each be ${SPEC_SHAPE}${inner ? ` (${inner})` : ''}`;
  },
});

export const linkSearchSchema = z.object({
  objective: objective('the objective'),
  secondary: objective('the secondary objective'),
  allowTpAcrossNodes: z.boolean({ error: '"TP across nodes" must be true or false' }),
  allowDisaggregation: z.boolean({ error: 'the prefill/decode (P/D) toggle must be true or false' }),
  kvDtypes: z
    .array(z.string().regex(/^[a-z0-9]{2,6}$/, { error: 'KV cache precisions must be names such as fp8 or bf16' }), {
      error: 'KV cache precisions must be a list of names',
    })
    .max(SEARCH_LIST_MAX.kvDtypes, {
      error: `KV cache precisions may list at most ${SEARCH_LIST_MAX.kvDtypes} values`,
    }),
  kvStrategies: z.array(kvChoice, { error: 'KV strategies to try must be a list' }).max(SEARCH_LIST_MAX.kvStrategies, {
    error: `KV strategies to try may list at most ${SEARCH_LIST_MAX.kvStrategies} entries`,
  }),
  allowLossy: z.boolean({ error: '"allow lossy KV strategies" must be true or false' }),
  allowNearLossless: z.boolean({ error: '"allow near-lossless KV strategies" must be true or false' }).optional(),
  maxNumSeqs: intList('batch sizes (max sequences)', 1, 65_536, SEARCH_LIST_MAX.maxNumSeqs),
  maxBatchedTokens: intList('token budgets (max batched tokens)', 16, 1_048_576, SEARCH_LIST_MAX.maxBatchedTokens),
  top: z
    .number({ error: 'plans to show must be a number' })
    .int({ error: 'plans to show must be a whole number' })
    .min(1, { error: 'plans to show must be at least 1' })
    .max(200, { error: 'plans to show must be at most 200' }),
  simulateTop: z
    .number({ error: 'plans to simulate must be a number' })
    .int({ error: 'plans to simulate must be a whole number' })
    .min(0, { error: 'plans to simulate must be at least 0' })
    .max(64, { error: 'plans to simulate must be at most 64' }),
  replicas: z.enum(['all', 'max'], { error: 'replicas must be "all" or "max"' }),
  speculative: z
    .array(specChoice, { error: `speculative settings to try must be a list of ${SPEC_SHAPE}` })
    .max(SEARCH_LIST_MAX.speculative, {
      error: `speculative settings to try may list at most ${SEARCH_LIST_MAX.speculative} entries`,
    })
    .optional(),
});

export type LinkSearchOptions = z.output<typeof linkSearchSchema>;

/** Validate a link's search part; the first problem, in words. */
export function parseLinkSearch(json: unknown): { ok: true; value: LinkSearchOptions } | { ok: false; error: string } {
  const r = linkSearchSchema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const key = issue?.path.length === 1 ? String(issue.path[0]) : null;
  if (key !== null && json !== null && typeof json === 'object' && !Object.hasOwn(json, key))
    return { ok: false, error: `the option "${key}" is missing` };
  return { ok: false, error: issue?.message ?? 'invalid search settings' };
}
