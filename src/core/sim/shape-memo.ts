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
  let h = 0x811c9dc5;
  for (let w = 0; w < KEY_WORDS; w++) h = Math.imul(h ^ (keys[at + w]! | 0), 0x01000193);
  return h ^ (h >>> 15);
}

interface Table {
  slots: number;
  keys: Float64Array;
  used: Uint8Array;
  /** Per slot: the pp stage times, then p2pS, then overheadS. */
  vals: Float64Array;
  pp: number;
}

/**
 * An emptied table a finished run handed back (`release`), taken by the next memo of the same pp: a plan
 * search simulates candidate after candidate, and fresh tables of a few hundred KB per run cost page faults
 * and garbage collections. Nothing carries over but the emptied arrays.
 */
let spare: Table | null = null;

export class ShapeMemo {
  private slots: number;
  private keys: Float64Array;
  private used: Uint8Array;
  private vals: Float64Array;
  private readonly probe = new Float64Array(KEY_WORDS);
  private entries = 0;
  /** Slot the last miss of `get` ended on (where `set` stores). */
  private slot = 0;
  private released = false;

  constructor(private readonly pp: number) {
    const t = spare !== null && spare.pp === pp ? spare : null;
    if (t !== null) spare = null;
    this.slots = t?.slots ?? FIRST_SLOTS;
    this.keys = t?.keys ?? new Float64Array(FIRST_SLOTS * KEY_WORDS);
    this.used = t?.used ?? new Uint8Array(FIRST_SLOTS);
    this.vals = t?.vals ?? new Float64Array(FIRST_SLOTS * (pp + 2));
  }

  /** Empty the table and hand its arrays to the next memo; this one must not be used afterwards. */
  release(): void {
    this.used.fill(0);
    this.entries = 0;
    if (spare === null || spare.slots < this.slots)
      spare = { slots: this.slots, keys: this.keys, used: this.used, vals: this.vals, pp: this.pp };
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
    const i = this.find(q, 0);
    if (this.used[i] === 0) {
      this.slot = i;
      return false;
    }
    const pp = this.pp;
    const v = i * (pp + 2);
    for (let st = 0; st < pp; st++) out.stageS[st] = this.vals[v + st]!;
    out.p2pS = this.vals[v + pp]!;
    out.overheadS = this.vals[v + pp + 1]!;
    return true;
  }

  /** Store `t` for the shape of the last missed `get`. */
  set(t: StepTimes): void {
    if (this.released) return;
    if (2 * (this.entries + 1) > this.slots) {
      if (this.slots < MAX_SLOTS) this.grow();
      else {
        this.used.fill(0);
        this.entries = 0;
      }
      this.slot = this.find(this.probe, 0);
    }
    this.put(this.slot, this.probe, 0, t.stageS, t.p2pS, t.overheadS);
  }

  /** The slot holding key `src[at..]`, or the empty slot where it belongs. */
  private find(src: Float64Array, at: number): number {
    const mask = this.slots - 1;
    let i = hashKey(src, at) & mask;
    // Terminates: at most half the slots are used, so probing meets an empty one.
    while (this.used[i] === 1) {
      const base = i * KEY_WORDS;
      let w = 0;
      while (w < KEY_WORDS && this.keys[base + w] === src[at + w]) w++;
      if (w === KEY_WORDS) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  private put(
    i: number,
    src: Float64Array,
    at: number,
    stageS: ArrayLike<number>,
    p2pS: number,
    overheadS: number,
  ): void {
    for (let w = 0; w < KEY_WORDS; w++) this.keys[i * KEY_WORDS + w] = src[at + w]!;
    const pp = this.pp;
    const v = i * (pp + 2);
    for (let st = 0; st < pp; st++) this.vals[v + st] = stageS[st]!;
    this.vals[v + pp] = p2pS;
    this.vals[v + pp + 1] = overheadS;
    this.used[i] = 1;
    this.entries++;
  }

  private grow(): void {
    const { keys, used, vals, slots, pp } = this;
    this.slots = slots * 2;
    this.keys = new Float64Array(this.slots * KEY_WORDS);
    this.used = new Uint8Array(this.slots);
    this.vals = new Float64Array(this.slots * (pp + 2));
    this.entries = 0;
    for (let j = 0; j < slots; j++) {
      if (used[j] === 0) continue;
      const v = j * (pp + 2);
      const i = this.find(keys, j * KEY_WORDS);
      this.put(i, keys, j * KEY_WORDS, vals.subarray(v, v + pp), vals[v + pp]!, vals[v + pp + 1]!);
    }
  }
}
