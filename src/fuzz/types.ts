/**
 * One fuzzed surface: a generator of hostile inputs, the call under test, and the error classes the
 * surface documents. Anything else thrown is a crash; a call over the time limit is a hang; a worker
 * above its heap limit is a memory failure (see harness.ts).
 *
 * To add a surface: write `surfaces/<name>.ts` exporting a `FuzzSurface`, and list it in
 * `surfaces/index.ts`. `setup` reads the seed corpus (real files) once per worker.
 */
import type { Rng } from './rng.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

export interface FuzzSurface<Input = unknown, Context = unknown> {
  name: string;
  /** One line: what is called, on what inputs. */
  description: string;
  /** Errors the surface documents as its way of refusing input (empty: it must never throw). */
  expectedErrors: readonly ErrorClass[];
  setup(): Context | Promise<Context>;
  /** Input `index` (0-based) from its own seeded stream `rng` (see rng.ts). */
  generate(rng: Rng, ctx: Context, index: number): Input;
  /** The call under test. Throw `FuzzInvariantError` for a wrong result (counted as a crash). */
  run(input: Input, ctx: Context): unknown;
  /** Short, printable form of an input for reports (≤ ~200 characters). */
  describe(input: Input): string;
  /**
   * Inputs that hit a defect owned by another area and not yet fixed on this branch: returns the
   * owner and defect, else null. The in-suite test skips them (and counts them); `npm run fuzz`
   * runs them. Delete the entry once the owner's fix is merged.
   */
  knownDefect?(input: Input, ctx: Context): string | null;
  /**
   * Per-call kill limit (ms) for a surface whose call is bounded by its own work budget above the
   * run's limit (the simulator's 1 s wall budget plus its statistics); the harness uses the larger.
   */
  callLimitMs?: number;
  /** Inputs `npm run fuzz` runs by default when 10⁴ would take far over ~5 minutes (README says why). */
  fullRuns?: number;
}

/** A result that violates the surface's contract (NaN in a figure, a thrown-away error, …). */
export class FuzzInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzInvariantError';
  }
}

/** Shortens printable input descriptions. */
export function preview(text: string, max = 160): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max
    ? `${JSON.stringify(oneLine.slice(0, max))}… (${oneLine.length.toLocaleString('en-US')} chars)`
    : JSON.stringify(oneLine);
}
