/**
 * Seeded PRNG for workload generation: xoshiro128** (Blackman & Vigna) seeded through splitmix32.
 *
 * Why hand-rolled maths: "same seed → same requests" must hold in Node, in Chrome workers and in
 * other browsers. The generator core uses only 32-bit integer ops (`Math.imul`, shifts), which are
 * exact everywhere. `Math.log`/`Math.exp`/`Math.sin` are NOT specified bit-exactly by ECMAScript
 * (engines may differ in the last ulp), so the samplers below use `detLog`/`detExp`, written with
 * IEEE-754 + − × ÷ and `Math.sqrt` only (all correctly rounded), and the polar normal method (no
 * trig). Every sample is therefore bit-identical across engines and platforms.
 */

/** A seeded random stream. All methods advance the same underlying state. */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number;
  /** Uniform integer in [min, max] (both inclusive; integers with max ≥ min). */
  int(min: number, max: number): number;
  /** Standard normal N(0, 1) (Marsaglia polar method). */
  normal(): number;
  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number;
  /** Gamma(shape, scale): mean shape·scale, variance shape·scale² (Marsaglia–Tsang). */
  gamma(shape: number, scale: number): number;
  /** exp(N(mu, sigma²)): median e^mu. */
  lognormal(mu: number, sigma: number): number;
}

// ---------------------------------------------------------------------------------------------
// Seeding

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little- vs big-endian only swaps which word is "lo"; both words are mixed, so the seed → stream
// mapping is the same on either (all JS platforms in practice are little-endian anyway).
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes a seed (any finite number; −0 ≡ 0; 1 and 1.0 are the same number) and a stream index
 * into a 32-bit value. Distinct seeds map to distinct streams except for 32-bit hash collisions.
 */
export function hashSeed(seed: number, stream = 0): number {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new RangeError(`seed must be a finite number, got ${String(seed)}`);
  }
  f64[0] = seed === 0 ? 0 : seed;
  const lo = (LITTLE_ENDIAN ? u32[0] : u32[1]) ?? 0;
  const hi = (LITTLE_ENDIAN ? u32[1] : u32[0]) ?? 0;
  let h = fmix32(lo ^ 0x9e3779b9);
  h = fmix32(h ^ hi);
  h = fmix32(h ^ Math.imul(stream >>> 0, 0x27d4eb2f) ^ 0x165667b1);
  return h;
}

/** splitmix32 step: returns [output, newState]. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let t = s ^ (s >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  t ^= t >>> 15;
  return [t >>> 0, s];
}

// ---------------------------------------------------------------------------------------------
// Deterministic elementary functions (IEEE + − × ÷ and sqrt only)

const LN2_HI = 6.9314718036912381649e-1; // upper bits of ln 2 (exact product with small ints)
const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const SQRT1_2 = 0.7071067811865476;

/** Natural log, bit-identical on every engine (≤ ~2 ulp from the true value). */
export function detLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: normalise subnormals
    e = -54;
  }
  f64[0] = x;
  const hiIdx = LITTLE_ENDIAN ? 1 : 0;
  const hiWord = u32[hiIdx] ?? 0;
  e += ((hiWord >>> 20) & 0x7ff) - 1023;
  // Force the exponent field to 1023, leaving the mantissa: m in [1, 2).
  u32[hiIdx] = (hiWord & 0x800fffff) | 0x3ff00000;
  let m = f64[0] ?? 1;
  if (m > 2 * SQRT1_2) {
    m *= 0.5;
    e += 1;
  }
  // m in [√½, √2): log m = 2·atanh(s), s = (m−1)/(m+1), |s| ≤ 0.1716, s² ≤ 0.0295.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  // Horner over 1 + s²/3 + s⁴/5 + … + s²²/23 (truncation < 1e-19 relative).
  let p = 1 / 23;
  for (let k = 21; k >= 1; k -= 2) p = p * s2 + 1 / k;
  const logm = 2 * s * p;
  return e * LN2_HI + (logm + e * LN2_LO);
}

const POW2_1023 = 8.98846567431158e307;
const POW2_M1022 = 2.2250738585072014e-308;

function pow2(k: number): number {
  // 2^k for integer k in [-1022, 1023], built from the exponent bits.
  const hiIdx = LITTLE_ENDIAN ? 1 : 0;
  u32[LITTLE_ENDIAN ? 0 : 1] = 0;
  u32[hiIdx] = ((k + 1023) << 20) >>> 0;
  return f64[0] ?? 1;
}

/** e^x, bit-identical on every engine (≤ ~2 ulp from the true value). */
export function detExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x / 0.6931471805599453);
  // r = x − k·ln2 in two pieces (Cody–Waite), |r| ≤ ~0.347.
  const r = x - k * LN2_HI - k * LN2_LO;
  // Taylor series to r^17/17! (truncation < 1e-21 relative).
  let p = 1;
  for (let n = 17; n >= 1; n--) p = 1 + (p * r) / n;
  let kk = k;
  let y = p;
  while (kk > 1023) {
    y *= POW2_1023;
    kk -= 1023;
  }
  while (kk < -1022) {
    y *= POW2_M1022;
    kk += 1022;
  }
  return y * pow2(kk);
}

// ---------------------------------------------------------------------------------------------
// xoshiro128**

/** Raw xoshiro128** on an explicit 4-word state (exported for reference-vector tests). */
export function xoshiro128ss(state: Uint32Array): () => number {
  return () => {
    const s0 = state[0] ?? 0;
    const s1 = state[1] ?? 0;
    const s2 = state[2] ?? 0;
    const s3 = state[3] ?? 0;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    state[1] = s1 ^ n2;
    state[0] = s0 ^ n3;
    state[2] = n2 ^ t;
    state[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  };
}

/**
 * Creates a stream from a seed and an optional stream index (independent sub-streams for the same
 * seed, e.g. one for input lengths, one for output lengths, one for arrivals).
 */
export function createRng(seed: number, stream = 0): Rng {
  let sm = hashSeed(seed, stream);
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [out, next] = splitmix32(sm);
    state[i] = out;
    sm = next;
  }
  if (state.every((w) => w === 0)) state[0] = 1; // all-zero state is a fixed point
  const u = xoshiro128ss(state);

  const next = (): number => {
    const a = u() >>> 5; // 27 bits
    const b = u() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  };

  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    for (;;) {
      const v1 = 2 * next() - 1;
      const v2 = 2 * next() - 1;
      const s = v1 * v1 + v2 * v2;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * detLog(s)) / s);
      spare = v2 * f;
      return v1 * f;
    }
  };

  const gammaUnit = (shape: number): number => {
    if (shape < 1) {
      // Boost: Gamma(a) = Gamma(a+1) · U^(1/a), computed in log space.
      const g = gammaUnit(shape + 1);
      const lu = detLog(1 - next()); // 1 − next() ∈ (0, 1]
      return g * detExp(lu / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const uu = next();
      const x2 = x * x;
      if (uu < 1 - 0.0331 * x2 * x2) return d * v;
      if (detLog(uu) < 0.5 * x2 + d * (1 - v + detLog(v))) return d * v;
    }
  };

  return {
    next,
    nextUint32: u,
    int(min: number, max: number): number {
      return min + Math.floor(next() * (max - min + 1));
    },
    normal,
    exponential(rate: number): number {
      return -detLog(1 - next()) / rate;
    },
    gamma(shape: number, scale: number): number {
      if (!(shape > 0) || !(scale > 0))
        throw new RangeError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
      return gammaUnit(shape) * scale;
    },
    lognormal(mu: number, sigma: number): number {
      return detExp(mu + sigma * normal());
    },
  };
}
