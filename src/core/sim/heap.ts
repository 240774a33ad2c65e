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

  private less(i: number, j: number): boolean {
    const ti = this.t[i]!;
    const tj = this.t[j]!;
    if (ti !== tj) return ti < tj;
    const ci = this.cls[i]!;
    const cj = this.cls[j]!;
    if (ci !== cj) return ci < cj;
    return this.seq[i]! < this.seq[j]!;
  }

  private swap(i: number, j: number): void {
    let x: number = this.t[i]!;
    this.t[i] = this.t[j]!;
    this.t[j] = x;
    x = this.seq[i]!;
    this.seq[i] = this.seq[j]!;
    this.seq[j] = x;
    x = this.cls[i]!;
    this.cls[i] = this.cls[j]!;
    this.cls[j] = x;
    x = this.kind[i]!;
    this.kind[i] = this.kind[j]!;
    this.kind[j] = x;
    x = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = x;
    x = this.b[i]!;
    this.b[i] = this.b[j]!;
    this.b[j] = x;
  }

  push(t: number, cls: number, kind: number, a: number, b: number): void {
    if (this.size === this.t.length) this.grow();
    let i = this.size++;
    this.t[i] = t;
    this.cls[i] = cls;
    this.seq[i] = this.counter++;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    // Terminates: i halves each pass (sift-up, ≤ log2(size) passes).
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
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
    if (last > 0) {
      this.t[0] = this.t[last]!;
      this.cls[0] = this.cls[last]!;
      this.seq[0] = this.seq[last]!;
      this.kind[0] = this.kind[last]!;
      this.a[0] = this.a[last]!;
      this.b[0] = this.b[last]!;
      let i = 0;
      // Terminates: i at least doubles each pass and the loop breaks once it has no child (sift-down).
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
  }
}
