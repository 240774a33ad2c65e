/** The simulator's event queue: a binary min-heap keyed by (time, class, insertion order). */

// Event kinds and classes (same-time order: arrivals and transfers before instance wake-ups).
export const EV_ARRIVAL = 0;
export const EV_XFER = 1;
export const EV_WAKE = 2;

/** Binary min-heap of events keyed by (time, class, sequence), struct-of-arrays. */
export class EventHeap {
  private t = new Float64Array(256);
  private cls = new Int32Array(256);
  private seq = new Float64Array(256);
  private kind = new Int32Array(256);
  private a = new Int32Array(256);
  private b = new Int32Array(256);
  size = 0;
  private counter = 0;

  private grow(): void {
    const n = this.t.length * 2;
    const ft = new Float64Array(n);
    ft.set(this.t);
    this.t = ft;
    const fs = new Float64Array(n);
    fs.set(this.seq);
    this.seq = fs;
    for (const k of ['cls', 'kind', 'a', 'b'] as const) {
      const x = new Int32Array(n);
      x.set(this[k]);
      this[k] = x;
    }
  }

  /** Whether an event keyed (t, cls, seq) pops before entry j: time, then class, then insertion order. */
  private precedes(t: number, cls: number, seq: number, j: number): boolean {
    const tj = this.t[j]!;
    if (t !== tj) return t < tj;
    const cj = this.cls[j]!;
    if (cls !== cj) return cls < cj;
    return seq < this.seq[j]!;
  }

  private less(i: number, j: number): boolean {
    return this.precedes(this.t[i]!, this.cls[i]!, this.seq[i]!, j);
  }

  push(t: number, cls: number, kind: number, a: number, b: number): void {
    if (this.size === this.t.length) this.grow();
    const seq = this.counter++;
    let i = this.size++;
    // Sift-up with a hole: parents that order after the new event move down, then it lands (the same
    // layout as swapping it up; with unique keys any layout pops in the same order anyway).
    // Terminates: i halves each pass (≤ log2(size) passes).
    while (i > 0) {
      const p = (i - 1) >> 1;
      // Keys are unique, so "p does not pop after the new event" is "the new event does not precede p".
      if (!this.precedes(t, cls, seq, p)) break;
      this.move(p, i);
      i = p;
    }
    this.t[i] = t;
    this.cls[i] = cls;
    this.seq[i] = seq;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Copy entry `from` to slot `to`. */
  private move(from: number, to: number): void {
    this.t[to] = this.t[from]!;
    this.cls[to] = this.cls[from]!;
    this.seq[to] = this.seq[from]!;
    this.kind[to] = this.kind[from]!;
    this.a[to] = this.a[from]!;
    this.b[to] = this.b[from]!;
  }

  topT(): number {
    return this.size > 0 ? this.t[0]! : Infinity;
  }
  topCls(): number {
    return this.size > 0 ? this.cls[0]! : -1;
  }

  /** Pop the top into `out` = [t, kind, a, b]. */
  pop(out: Float64Array): void {
    out[0] = this.t[0]!;
    out[1] = this.kind[0]!;
    out[2] = this.a[0]!;
    out[3] = this.b[0]!;
    const last = --this.size;
    if (last === 0) return;
    // Sift the last entry down from the root with a hole: smaller children move up, then it lands.
    const t = this.t[last]!;
    const c = this.cls[last]!;
    const q = this.seq[last]!;
    let i = 0;
    // Terminates: i at least doubles each pass and the loop breaks once it has no child (sift-down).
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const m = r < last && this.less(r, l) ? r : l;
      if (this.precedes(t, c, q, m)) break;
      this.move(m, i);
      i = m;
    }
    if (i !== last) this.move(last, i);
  }
}
