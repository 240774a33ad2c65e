/**
 * zod schemas for the workload parts of a scenario. Every number is bounded, and every message
 * names the field and its allowed range, so a bad share link or a hand-edited scenario reports
 * e.g. "uniform.max must be an integer in [1, 2097152]" instead of a bare "Invalid input".
 * The parsed types are exactly `LengthDist` / `Arrival` from types.ts (checked in generate.test.ts).
 */
import { z } from 'zod';
import { MAX_TOKENS } from './types.ts';

export const MAX_RATE_PER_SEC = 1e5;
export const MAX_CV = 20;
export const MAX_USERS = 100_000;
export const MAX_EMPIRICAL_VALUES = 200_000;
export const MAX_LOGNORMAL_SIGMA = 5;

interface NumOpts {
  int?: boolean;
  /** Lower bound excluded: (lo, hi]. */
  openLo?: boolean;
}

/** A finite number in [lo, hi] (or (lo, hi]) whose every failure message names `field` and the range. */
function boundedNumber(field: string, lo: number, hi: number, opts: NumOpts = {}) {
  const what = opts.int === true ? 'an integer' : 'a number';
  const range = `${opts.openLo === true ? '(' : '['}${lo}, ${hi}]`;
  const msg = `${field} must be ${what} in ${range}`;
  let s = z.number({ error: msg });
  if (opts.int === true) s = s.int({ error: msg });
  s = opts.openLo === true ? s.gt(lo, { error: msg }) : s.gte(lo, { error: msg });
  return s.lte(hi, { error: msg });
}

const tokens = (field: string) => boundedNumber(field, 1, MAX_TOKENS, { int: true });

const fixedSchema = z.object({ kind: z.literal('fixed'), tokens: tokens('fixed.tokens') });

const uniformSchema = z
  .object({ kind: z.literal('uniform'), min: tokens('uniform.min'), max: tokens('uniform.max') })
  .refine((d) => d.min <= d.max, { error: 'uniform.min must be ≤ uniform.max', path: ['max'] });

const normalSchema = z
  .object({
    kind: z.literal('normal'),
    mean: boundedNumber('normal.mean', 1, MAX_TOKENS),
    std: boundedNumber('normal.std', 0, MAX_TOKENS),
    min: tokens('normal.min').optional(),
    max: tokens('normal.max').optional(),
  })
  .refine((d) => d.min === undefined || d.max === undefined || d.min <= d.max, {
    error: 'normal.min must be ≤ normal.max',
    path: ['max'],
  });

const lognormalSchema = z
  .object({
    kind: z.literal('lognormal'),
    median: boundedNumber('lognormal.median', 1, MAX_TOKENS),
    sigma: boundedNumber('lognormal.sigma', 0, MAX_LOGNORMAL_SIGMA),
    min: tokens('lognormal.min').optional(),
    max: tokens('lognormal.max').optional(),
  })
  .refine((d) => d.min === undefined || d.max === undefined || d.min <= d.max, {
    error: 'lognormal.min must be ≤ lognormal.max',
    path: ['max'],
  });

const empiricalSchema = z.object({
  kind: z.literal('empirical'),
  values: z
    .array(tokens('empirical.values[i]'), { error: 'empirical.values must be an array of token counts' })
    .min(1, { error: `empirical.values must have between 1 and ${MAX_EMPIRICAL_VALUES} entries` })
    .max(MAX_EMPIRICAL_VALUES, { error: `empirical.values must have between 1 and ${MAX_EMPIRICAL_VALUES} entries` }),
});

export const lengthDistSchema = z.discriminatedUnion(
  'kind',
  [fixedSchema, uniformSchema, normalSchema, lognormalSchema, empiricalSchema],
  {
    error: "length distribution kind must be one of 'fixed', 'uniform', 'normal', 'lognormal', 'empirical'",
  },
);

const rate = (field: string) => boundedNumber(field, 0, MAX_RATE_PER_SEC, { openLo: true });

export const arrivalSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('offline') }),
    z.object({ kind: z.literal('poisson'), ratePerSec: rate('poisson.ratePerSec') }),
    z.object({
      kind: z.literal('gamma'),
      ratePerSec: rate('gamma.ratePerSec'),
      cv: boundedNumber('gamma.cv', 0, MAX_CV, { openLo: true }),
    }),
    z.object({
      kind: z.literal('concurrency'),
      users: boundedNumber('concurrency.users', 1, MAX_USERS, { int: true }),
    }),
  ],
  { error: "arrival kind must be one of 'offline', 'poisson', 'gamma', 'concurrency'" },
);

/** First issue of a failed parse as one line: "path: message". */
export function formatZodError(err: z.ZodError): string {
  const first = err.issues[0];
  if (first === undefined) return 'invalid value';
  const path = first.path.map(String).join('.');
  return path.length > 0 ? `${path}: ${first.message}` : first.message;
}
