/**
 * Per-request scheduler state of a simulation run, struct of arrays (one slot per request), and the
 * counters the scheduler and the engine share: KV units in use, the launch id, requests not started.
 */
import { unitsFor, type PoolState } from './pool.ts';

// Request states.
// 0 = not arrived yet (typed arrays start at 0).
export const S_WAITING = 1;
export const S_RUNNING = 2;
export const S_TRANSFER = 3;
export const S_DONE = 4;
export const S_REJECTED = 5;

export class Sequences {
  /** Tokens known (prompt + generated) and tokens whose KV is computed. */
  readonly known: Int32Array;
  readonly computed: Int32Array;
  readonly generated: Int32Array;
  /** KV units held. */
  readonly units: Float64Array;
  readonly state: Uint8Array;
  /** 1 while the request is in a micro-batch in flight. */
  readonly inflight: Uint8Array;
  readonly swapped: Uint8Array;
  /** Swapped request: token-equivalents out, and where (1 host, 2 NVMe). */
  readonly swapTok: Float64Array;
  readonly swapTier: Uint8Array;
  /** Attention-DP group within its instance. */
  readonly group: Int32Array;
  /** Launch that last scheduled the request. */
  readonly mark: Float64Array;
  readonly lastTokenS: Float64Array;

  launchId = 0;
  /** KV units held over the whole plan. */
  usedUnits = 0;
  /** Requests arrived and not yet started. */
  queued = 0;
  /** Scratch: blocks per sequence while a stepwise leap is built. */
  leapUnits = new Float64Array(64);

  constructor(n: number) {
    this.known = new Int32Array(n);
    this.computed = new Int32Array(n);
    this.generated = new Int32Array(n);
    this.units = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.inflight = new Uint8Array(n);
    this.swapped = new Uint8Array(n);
    this.swapTok = new Float64Array(n);
    this.swapTier = new Uint8Array(n);
    this.group = new Int32Array(n);
    this.mark = new Float64Array(n).fill(-1);
    this.lastTokenS = new Float64Array(n);
  }

  /**
   * KV units request r must add to hold t tokens. Under `reserve` its whole length was allocated at
   * admission, so it never grows (and never preempts); otherwise blocks follow the tokens.
   */
  growth(p: PoolState, r: number, t: number): number {
    const want = unitsFor(p, t) - this.units[r]!;
    return p.rt.preemption === 'reserve' ? Math.max(0, want) : want;
  }
}
