/**
 * Seeded random numbers for the fuzz suite. Input `i` of a surface is generated from its own
 * stream (`inputRng(seed, surface, i)`), so any single input can be regenerated from
 * (seed, surface, index) alone: a hang in a worker is reported, and replayed, by its index.
 */

/** mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2³², plenty for input generation. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Integer spread over orders of magnitude: 0 … 10^maxExp, with small values as likely as huge ones. */
  magnitude(maxExp = 12): number {
    return Math.floor(10 ** (this.next() * maxExp));
  }
}

/** FNV-1a over a string: stable 32-bit surface ids for seeding. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The generator stream of input `index` of `surface` under run seed `seed`. */
export function inputRng(seed: number, surface: string, index: number): Rng {
  const mixed = Math.imul(fnv1a(surface) ^ (seed >>> 0), 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b);
  const r = new Rng(mixed >>> 0);
  r.next(); // decorrelate neighbouring indices
  return r;
}
