/** One micro-batch in flight: the sequences of one launch, or a run of identical decode steps (a leap). */
import type { Inst } from './pool.ts';

export class MicroBatch {
  inst!: Inst;
  startS = 0;
  endS = 0;
  busyS = 0;
  steps = 1;
  count = 0;
  ids = new Int32Array(64);
  toks = new Int32Array(64);
  prefillTokens = 0;
  decodeSeqs = 0;
  // Leap (run of identical decode steps) parameters: step j costs a + b·(k1 + n(j−1)) + bw·(kw1 + nBelow(j−1)).
  a = 0;
  b = 0;
  bw = 0;
  k1 = 0;
  kw1 = 0;
  nBelow = 0;
  /**
   * Stepwise leap (KV strategies, whose blocks and step costs are not affine in the context): the
   * cumulative duration of steps 1..j at index j − 1 (null for an affine leap).
   */
  ends: Float64Array | null = null;
  endsBuf = new Float64Array(0);

  push(r: number, n: number): void {
    if (this.count === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const toks = new Int32Array(this.toks.length * 2);
      toks.set(this.toks);
      this.toks = toks;
    }
    this.ids[this.count] = r;
    this.toks[this.count] = n;
    this.count++;
  }

  /** Duration of leap step j (1-based). */
  stepS(j: number): number {
    const e = this.ends;
    if (e !== null) return e[j - 1]! - (j > 1 ? e[j - 2]! : 0);
    return this.a + this.b * (this.k1 + this.count * (j - 1)) + this.bw * (this.kw1 + this.nBelow * (j - 1));
  }

  /** Σ of steps 1..j in closed form (arithmetic series). */
  cumS(j: number): number {
    if (this.ends !== null) return this.ends[j - 1]!;
    const tri = (j * (j - 1)) / 2;
    return j * this.a + this.b * (j * this.k1 + this.count * tri) + this.bw * (j * this.kw1 + this.nBelow * tri);
  }

  /** Smallest j in [1, steps] whose end (startS + cumS(j)) is at or after t; `steps` if none. */
  firstStepEndingAtOrAfter(t: number): number {
    let lo = 1;
    let hi = this.steps;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.startS + this.cumS(mid) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
