/**
 * zod field builders shared by every schema: each error names the field and what is allowed, and
 * every number is bounded (a hostile link cannot ask for 10^9 GPUs).
 */
import { z } from 'zod';

/** A whole number in [min, max]. */
export const intField = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .min(min, { error: `${name} must be at least ${min}` })
    .max(max, { error: `${name} must be at most ${max}` });

/** A finite number in [min, max] (NaN and ±Infinity are rejected by name). */
export const numField = (name: string, min: number, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .refine(Number.isFinite, { error: `${name} must be finite` })
    .pipe(
      z
        .number()
        .min(min, { error: `${name} must be at least ${min}` })
        .max(max, { error: `${name} must be at most ${max}` }),
    );

export const boolField = (name: string) => z.boolean({ error: `${name} must be true or false` });

export const enumField = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { error: `${name} must be one of ${values.join(', ')}` });
