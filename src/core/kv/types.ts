/**
 * KV-cache strategies as data: one schema per family, composed into a `KvStrategy`
 * `{ quant?, evict?, offload?, share?, paging?, distributed? }`. The scenario will carry it as
 * `runtime.kvStrategy` (wired elsewhere); this module only exports the schema and the types.
 *
 * Every number is bounded and every error names its field (`runtime.kvStrategy.quant.groupSize must
 * be at most 1024`), matching the scenario schema's conventions. Family defaults that depend on another
 * field (KIVI's group size 32 and 128-token residual window, the eviction policy's default target for
 * evicted tokens) are left `undefined` here and resolved by the family modules, so a round-tripped
 * strategy stays as short as the user wrote it.
 *
 * Each component also carries its `kind`, so the families form a discriminated union
 * (`kvComponentSchema`) for editors that list components; inside the composed object `kind` defaults
 * to the slot's family and may be omitted.
 */
import { z } from 'zod';
import { boolField, enumField, intField, numField } from '../scenario/fields.ts';

export const KV_QUANT_DTYPES = ['bf16', 'fp8', 'int8', 'int4', 'kivi2'] as const;
export type KvQuantDtype = (typeof KV_QUANT_DTYPES)[number];

export const EVICT_POLICIES = ['h2o', 'sink-window', 'per-head', 'topk-pages'] as const;
export type EvictPolicy = (typeof EVICT_POLICIES)[number];

/** Where tokens outside the budget go: discarded, parked in host DRAM, or kept in HBM (only reads shrink). */
export const EVICTED_TO = ['drop', 'host', 'hbm'] as const;
export type EvictedTo = (typeof EVICTED_TO)[number];

export const PAGING_SCHEMES = ['paged', 'vattention'] as const;
export type PagingScheme = (typeof PAGING_SCHEMES)[number];

/** Upper bound on any token count in a strategy (2M tokens, beyond the 1M chart range). */
export const MAX_KV_TOKENS = 2_097_152;

const int = intField;
const num = numField;
const bool = boolField;
const oneOf = enumField;

/** Build the schemas with field names under `prefix` (default: where the scenario will hold it). */
export function makeKvSchemas(prefix = 'runtime.kvStrategy') {
  const f = (s: string) => `${prefix}.${s}`;

  const quant = z
    .object({
      kind: z.literal('quant', { error: f('quant.kind must be "quant"') }).default('quant'),
      dtype: oneOf(f('quant.dtype'), KV_QUANT_DTYPES),
      /** Elements sharing one fp16 scale+zero (int8/int4/kivi2). Default: 32 for kivi2/int4 (KIVI), 128 for int8. */
      groupSize: int(f('quant.groupSize'), 8, 1024).optional(),
      /** Most recent tokens kept in full precision (KIVI's residual). Default: 128 for kivi2, else 0. */
      residualTokens: int(f('quant.residualTokens'), 0, 65_536).optional(),
      /** GEAR: low-rank (rank r) approximation of the quantization error plus a sparse outlier matrix. */
      gear: z
        .object({
          rank: int(f('quant.gear.rank'), 1, 128),
          sparsityPct: num(f('quant.gear.sparsityPct'), 0, 20),
        })
        .strict()
        .optional(),
    })
    .strict()
    .refine((q) => !(q.gear && q.dtype === 'bf16'), {
      path: ['gear'],
      message: `${f('quant.gear')}: GEAR corrects a quantized KV; pick fp8, int8, int4 or kivi2 as quant.dtype`,
    });

  const evict = z
    .object({
      kind: z.literal('evict', { error: f('evict.kind must be "evict"') }).default('evict'),
      policy: oneOf(f('evict.policy'), EVICT_POLICIES),
      /** Tokens kept per sequence (per non-full head). With budgetFraction too, the smaller wins. */
      budgetTokens: int(f('evict.budgetTokens'), 1, MAX_KV_TOKENS).optional(),
      /** Fraction of the context kept (H2O's 20 % = 0.2). */
      budgetFraction: num(f('evict.budgetFraction'), 0.001, 1).optional(),
      /** Attention-sink tokens always kept (StreamingLLM keeps 4). */
      sinkTokens: int(f('evict.sinkTokens'), 0, 4096).default(4),
      /** Recent-window tokens always kept (part of the budget for h2o/topk-pages). */
      recentTokens: int(f('evict.recentTokens'), 0, MAX_KV_TOKENS).default(0),
      /** Heads that keep every token (RazorAttention retrieval heads, FlexiCache unstable heads). */
      fullHeadsFraction: num(f('evict.fullHeadsFraction'), 0, 1).default(0),
      /** Tokens per selectable page (topk-pages) — Quest/LServe/FlexiCache use the paged-KV block. */
      pageSize: int(f('evict.pageSize'), 1, 1024).default(16),
      /** Bytes read per step to score/select, as a fraction of the full-context bf16 KV. Default per policy. */
      selectionOverhead: num(f('evict.selectionOverhead'), 0, 1).optional(),
      /** Where out-of-budget tokens go. Default: drop (h2o, sink-window, per-head), host (topk-pages, ShadowKV/FlexiCache). */
      evictedTo: oneOf(f('evict.evictedTo'), EVICTED_TO).optional(),
      /**
       * With evictedTo=host: fraction of the selected budget newly promoted and fetched from host per decode
       * step. Assumed 2 % (FlexiCache's stable heads rerank periodically and promote few pages); not a paper figure.
       */
      refetchFraction: num(f('evict.refetchFraction'), 0, 1).default(0.02),
    })
    .strict()
    .superRefine((e, ctx) => {
      const hasBudget = e.budgetTokens !== undefined || e.budgetFraction !== undefined;
      if ((e.policy === 'h2o' || e.policy === 'topk-pages') && !hasBudget) {
        ctx.addIssue({
          code: 'custom',
          path: ['budgetTokens'],
          message: `${f('evict.budgetTokens')}: ${e.policy} needs budgetTokens or budgetFraction`,
        });
      }
      if (
        (e.policy === 'sink-window' || e.policy === 'per-head') &&
        !hasBudget &&
        e.sinkTokens + e.recentTokens === 0
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['recentTokens'],
          message: `${f('evict.recentTokens')}: ${e.policy} needs recentTokens (or a budget) above 0`,
        });
      }
      if (e.policy === 'per-head' && e.fullHeadsFraction === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['fullHeadsFraction'],
          message: `${f('evict.fullHeadsFraction')}: per-head needs a fraction of full heads above 0 (RazorAttention keeps ~15 %)`,
        });
      }
    });

  const offload = z
    .object({
      kind: z.literal('offload', { error: f('offload.kind must be "offload"') }).default('offload'),
      /** Host DRAM set aside for KV, per GPU, GB. */
      hostGB: num(f('offload.hostGB'), 0, 16_384).default(0),
      /** NVMe set aside for KV, per GPU, GB. */
      ssdGB: num(f('offload.ssdGB'), 0, 1_000_000).default(0),
      /** Overrides the GPU's host link (PCIe Gen4 ≈ 32, Gen5 ≈ 64, NVLink-C2C ≈ 450 GB/s per direction). */
      hostLinkGBps: num(f('offload.hostLinkGBps'), 0.1, 10_000).optional(),
      /** NVMe read bandwidth per GPU, GB/s (one Gen4 drive ≈ 7, Gen5 ≈ 14). */
      ssdGBps: num(f('offload.ssdGBps'), 0.1, 1000).default(7),
      /** Layer-wise prefetch: layer i+1's KV streams in while layer i computes. */
      prefetch: bool(f('offload.prefetch')).default(true),
      /** Multi-turn reuse: a session's KV stays in host/SSD between turns (CachedAttention, Continuum TTL). */
      multiTurnReuse: z
        .object({
          ttlS: num(f('offload.multiTurnReuse.ttlS'), 0, 604_800),
          /** Fraction of a request's prompt tokens found in the cache. */
          hitRate: num(f('offload.multiTurnReuse.hitRate'), 0, 1),
        })
        .strict()
        .optional(),
    })
    .strict();

  const share = z
    .object({
      kind: z.literal('share', { error: f('share.kind must be "share"') }).default('share'),
      /** Tokens of a prefix every concurrent sequence shares (system prompt; BatchLLM's global prefix). */
      prefixTokens: int(f('share.prefixTokens'), 0, MAX_KV_TOKENS).default(0),
      /** RAG chunk reuse out of prefix position (CacheBlend, Cache-Craft). */
      ragChunkReuse: z
        .object({
          /** Prompt tokens per request that come from cached chunks. */
          chunkTokens: int(f('share.ragChunkReuse.chunkTokens'), 1, MAX_KV_TOKENS),
          /** Fraction of reused tokens recomputed to restore cross-attention (CacheBlend ≈ 0.15). */
          recomputeFraction: num(f('share.ragChunkReuse.recomputeFraction'), 0, 1).default(0.15),
        })
        .strict()
        .optional(),
    })
    .strict();

  const paging = z
    .object({
      kind: z.literal('paging', { error: f('paging.kind must be "paging"') }).default('paging'),
      scheme: oneOf(f('paging.scheme'), PAGING_SCHEMES).default('paged'),
      /** PagedAttention block, tokens. Default: the runtime's kvBlockSize. */
      blockSize: int(f('paging.blockSize'), 1, 1024).optional(),
      /** vAttention physical page, KiB (2048 = CUDA 2 MiB pages; 64-256 with the paper's driver change). */
      pageKiB: int(f('paging.pageKiB'), 4, 65_536).default(2048),
    })
    .strict();

  const distributed = z
    .object({
      kind: z.literal('distributed', { error: f('distributed.kind must be "distributed"') }).default('distributed'),
      /** Context parallelism (ring attention): one sequence's KV split over this many instances. */
      contextParallel: int(f('distributed.contextParallel'), 1, 1024).default(1),
      /** Infinite-LLM's DistAttention: KV memory pooled over the dp replicas. */
      distAttention: bool(f('distributed.distAttention')).default(false),
      /** CacheGen: KV bytes on the wire ÷ this ratio for disaggregation and context loading. */
      transferCompression: num(f('distributed.transferCompression'), 1, 100).default(1),
    })
    .strict();

  const component = z.discriminatedUnion('kind', [quant, evict, offload, share, paging, distributed], {
    error: `${prefix}: component kind must be one of quant, evict, offload, share, paging, distributed`,
  });

  const strategy = z
    .object({
      label: z
        .string({ error: f('label must be a string') })
        .max(80, { error: f('label must be at most 80 characters') })
        .optional(),
      quant: quant.optional(),
      evict: evict.optional(),
      offload: offload.optional(),
      share: share.optional(),
      paging: paging.optional(),
      distributed: distributed.optional(),
    })
    .strict();

  return { quant, evict, offload, share, paging, distributed, component, strategy };
}

const schemas = makeKvSchemas();

export const kvQuantSchema = schemas.quant;
export const kvEvictSchema = schemas.evict;
export const kvOffloadSchema = schemas.offload;
export const kvShareSchema = schemas.share;
export const kvPagingSchema = schemas.paging;
export const kvDistributedSchema = schemas.distributed;
/** One family's settings, discriminated by `kind`. */
export const kvComponentSchema = schemas.component;
/** The composed strategy the scenario holds as `runtime.kvStrategy`. */
export const kvStrategySchema = schemas.strategy;

export type KvQuant = z.output<typeof kvQuantSchema>;
export type KvEvict = z.output<typeof kvEvictSchema>;
export type KvOffload = z.output<typeof kvOffloadSchema>;
export type KvShare = z.output<typeof kvShareSchema>;
export type KvPaging = z.output<typeof kvPagingSchema>;
export type KvDistributed = z.output<typeof kvDistributedSchema>;
export type KvComponent = z.output<typeof kvComponentSchema>;
export type KvStrategy = z.output<typeof kvStrategySchema>;
export type KvStrategyInput = z.input<typeof kvStrategySchema>;
export type KvComponentInput = z.input<typeof kvComponentSchema>;
export type KvQuantInput = z.input<typeof kvQuantSchema>;
export type KvEvictInput = z.input<typeof kvEvictSchema>;
export type KvOffloadInput = z.input<typeof kvOffloadSchema>;
export type KvShareInput = z.input<typeof kvShareSchema>;
export type KvPagingInput = z.input<typeof kvPagingSchema>;
export type KvDistributedInput = z.input<typeof kvDistributedSchema>;

export type KvFamily = KvComponent['kind'];

/** Slot of the composed strategy that holds each family. */
export const FAMILY_SLOTS = [
  'quant',
  'evict',
  'offload',
  'share',
  'paging',
  'distributed',
] as const satisfies readonly KvFamily[];

/**
 * Compose components into one strategy (each family at most once). Throws naming the duplicate;
 * the result is parsed, so defaults are filled in.
 */
export function composeKvStrategy(
  components: readonly (KvComponentInput & { kind: KvFamily })[],
  label?: string,
): KvStrategy {
  const out: Record<string, unknown> = {};
  if (label !== undefined) out.label = label;
  for (const c of components) {
    if (out[c.kind] !== undefined)
      throw new Error(`runtime.kvStrategy.${c.kind}: a strategy holds each family once (got two ${c.kind} components)`);
    out[c.kind] = c;
  }
  return kvStrategySchema.parse(out);
}

/** Parse a strategy (throws a ZodError whose messages name the field). */
export function parseKvStrategy(input: unknown): KvStrategy {
  return kvStrategySchema.parse(input);
}

/**
 * How faithful a strategy is to full-precision attention:
 * - exact: bit-for-bit the same attention (bf16 KV, paging, prefix sharing, offload, context parallelism);
 * - near-lossless: lossy in principle but deployed by default engines with negligible accuracy change
 *   (fp8/int8 KV with scales);
 * - approximate: changes outputs measurably on some tasks (2-4 bit KV, eviction, sparse attention,
 *   RAG chunk reuse with partial recompute, lossy transfer compression).
 */
export type Fidelity = 'exact' | 'near-lossless' | 'approximate';

export const FIDELITY_ORDER: Record<Fidelity, number> = { exact: 0, 'near-lossless': 1, approximate: 2 };

export function worstFidelity(a: Fidelity, b: Fidelity): Fidelity {
  return FIDELITY_ORDER[a] >= FIDELITY_ORDER[b] ? a : b;
}
