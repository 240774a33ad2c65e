/**
 * A bounded exact-key cache of step times per BatchShape, for StepCoster.costAcc. iterationCost is a pure
 * function of (deployment, shape) and a run repeats shapes (equal prompt lengths, chunk tails, decode batches
 * whose strategy read sums stop moving), so a hit returns the very numbers a fresh evaluation would.
 * Keys are the shape's numbers themselves in a flat open-addressing table (linear probing), compared with
 * ===: formatting them as a string key cost more than the iterationCost calls it saved.
 */
import type { BatchShape } from '../cost/batch.ts';

/** One step's cost as the simulator uses it (stepcost.ts fills it; here so the memo needs no import back). */
export interface StepTimes {
  /** Compute + communication per pipeline stage, seconds. */
  stageS: Float64Array;
  p2pS: number;
  overheadS: number;
}

/** Numbers per key: the eleven BatchShape sums StepCoster.add fills (decodeOnly as 0/1) and the five KvDecodeSums. */
const KEY_WORDS = 16;
/** Slots at first and at most (powers of two); the table doubles when half full and is cleared at the cap (a cache, not a record). */
const FIRST_SLOTS = 2048;
const MAX_SLOTS = 8192;

/**
 * FNV-1a over the key's numbers truncated to 32-bit integers (x | 0): equal keys hash alike, and keys that
 * differ only in a fraction merely share a chain (slots compare every number exactly). Reading each double's
 * bits instead cost a third of a lookup.
 */
function hashKey(keys: Float64Array, at: number): number {
  // An int32 (imul and ^ keep it one), so it compares equal to itself stored in an Int32Array.
  let h = 0x811c9dc5;
  for (let w = 0; w < KEY_WORDS; w++) h = Math.imul(h ^ (keys[at + w]! | 0), 0x01000193);
  return h ^ (h >>> 15);
}

interface Table {
  slots: number;
  index: Int32Array;
  hashes: Int32Array;
  keys: Float64Array;
  /** Per entry: the pp stage times, then p2pS, then overheadS. */
  vals: Float64Array;
  pp: number;
}

/**
 * An emptied table a finished run handed back (`release`), taken by the next memo of the same pp: a plan
 * search simulates candidate after candidate, and fresh tables of a few hundred KB per run cost page faults
 * and garbage collections. Nothing carries over but the emptied arrays.
 */
let spare: Table | null = null;

/**
 * Layout: the slots (open addressing, linear probing) hold only an entry number + 1 (0 = empty) and the key's
 * hash; the keys and times sit in entry order in dense arrays. A probe then walks a few KB of slot words and
 * compares keys only where the hash matches, and a store appends: the keys of 2,048 slots inline were 256 KB
 * read and written at random, a cache miss or more per lookup.
 */
export class ShapeMemo {
  private slots: number;
  /** Per slot: entry number + 1, or 0 when empty. */
  private index: Int32Array;
  /** Per slot: hashKey of its entry (compared before the key words). */
  private hashes: Int32Array;
  /** Per entry (at most slots / 2): KEY_WORDS key numbers, and pp + 2 times. */
  private keys: Float64Array;
  private vals: Float64Array;
  private readonly probe = new Float64Array(KEY_WORDS);
  private entries = 0;
  /** Slot and hash the last miss of `get` ended on (where `set` stores). */
  private slot = 0;
  private hash = 0;
  private released = false;

  constructor(private readonly pp: number) {
    const t = spare !== null && spare.pp === pp ? spare : null;
    if (t !== null) spare = null;
    this.slots = t?.slots ?? FIRST_SLOTS;
    this.index = t?.index ?? new Int32Array(FIRST_SLOTS);
    this.hashes = t?.hashes ?? new Int32Array(FIRST_SLOTS);
    this.keys = t?.keys ?? new Float64Array((FIRST_SLOTS / 2) * KEY_WORDS);
    this.vals = t?.vals ?? new Float64Array((FIRST_SLOTS / 2) * (pp + 2));
  }

  /** Empty the table and hand its arrays to the next memo; this one must not be used afterwards. */
  release(): void {
    this.index.fill(0);
    this.entries = 0;
    if (spare === null || spare.slots < this.slots)
      spare = {
        slots: this.slots,
        index: this.index,
        hashes: this.hashes,
        keys: this.keys,
        vals: this.vals,
        pp: this.pp,
      };
    // Detached: a use after release finds nothing and stores nothing a later memo could see.
    this.released = true;
  }

  /** Copy the cached times of `s` into `out` and return true, or return false (then `set` stores them). */
  get(s: BatchShape, out: StepTimes): boolean {
    if (this.released) return false;
    const q = this.probe;
    q[0] = s.tokens;
    q[1] = s.seqs;
    q[2] = s.logitTokens;
    q[3] = s.attnPairs;
    q[4] = s.attnPairsWindow;
    q[5] = s.kvReadTokens;
    q[6] = s.kvReadTokensWindow;
    q[7] = s.decodeKvReadTokens;
    q[8] = s.decodeKvReadTokensWindow;
    q[9] = s.decodeSeqs;
    q[10] = s.decodeOnly ? 1 : 0;
    const k = s.kvDecode;
    q[11] = k !== undefined ? k.eq : -1;
    q[12] = k !== undefined ? k.eqWindow : -1;
    q[13] = k !== undefined ? k.extraFlops : -1;
    q[14] = k !== undefined ? k.extraFlopsWindow : -1;
    q[15] = k !== undefined ? k.h2dBytes : -1;
    const h = hashKey(q, 0);
    const i = this.find(q, h);
    const e = this.index[i]!;
    if (e === 0) {
      this.slot = i;
      this.hash = h;
      return false;
    }
    const pp = this.pp;
    const v = (e - 1) * (pp + 2);
    const vals = this.vals;
    for (let st = 0; st < pp; st++) out.stageS[st] = vals[v + st]!;
    out.p2pS = vals[v + pp]!;
    out.overheadS = vals[v + pp + 1]!;
    return true;
  }

  /** Store `t` for the shape of the last missed `get`. */
  set(t: StepTimes): void {
    if (this.released) return;
    if (2 * (this.entries + 1) > this.slots) {
      if (this.slots < MAX_SLOTS) this.grow();
      else {
        this.index.fill(0);
        this.entries = 0;
      }
      this.slot = this.find(this.probe, this.hash);
    }
    const e = this.entries++;
    const keys = this.keys;
    const q = this.probe;
    const base = e * KEY_WORDS;
    for (let w = 0; w < KEY_WORDS; w++) keys[base + w] = q[w]!;
    const pp = this.pp;
    const v = e * (pp + 2);
    const vals = this.vals;
    for (let st = 0; st < pp; st++) vals[v + st] = t.stageS[st]!;
    vals[v + pp] = t.p2pS;
    vals[v + pp + 1] = t.overheadS;
    this.index[this.slot] = e + 1;
    this.hashes[this.slot] = this.hash;
  }

  /** The slot holding key `src` (hash h), or the empty slot where it belongs. */
  private find(src: Float64Array, h: number): number {
    const mask = this.slots - 1;
    const index = this.index;
    const hashes = this.hashes;
    const keys = this.keys;
    let i = h & mask;
    // Terminates: at most half the slots are used, so probing meets an empty one.
    for (;;) {
      const e = index[i]!;
      if (e === 0) return i;
      if (hashes[i] === h) {
        const base = (e - 1) * KEY_WORDS;
        let w = 0;
        while (w < KEY_WORDS && keys[base + w] === src[w]) w++;
        if (w === KEY_WORDS) return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** Twice the slots (and room for their entries); the entries keep their numbers, the slots are rebuilt. */
  private grow(): void {
    const { keys, vals, entries, pp } = this;
    this.slots *= 2;
    this.index = new Int32Array(this.slots);
    this.hashes = new Int32Array(this.slots);
    this.keys = new Float64Array((this.slots / 2) * KEY_WORDS);
    this.keys.set(keys.subarray(0, entries * KEY_WORDS));
    this.vals = new Float64Array((this.slots / 2) * (pp + 2));
    this.vals.set(vals.subarray(0, entries * (pp + 2)));
    const mask = this.slots - 1;
    for (let e = 0; e < entries; e++) {
      const h = hashKey(this.keys, e * KEY_WORDS);
      let i = h & mask;
      // Distinct keys: no entry matches another, so the first empty slot is its place.
      while (this.index[i] !== 0) i = (i + 1) & mask;
      this.index[i] = e + 1;
      this.hashes[i] = h;
    }
  }
}
