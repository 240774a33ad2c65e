/**
 * Input mutators shared by the surfaces: structural mutations of parsed JSON (replace a value with a
 * hostile one, delete or add keys, prototype keys, deep nesting) and text mutations (byte flips,
 * truncation, duplicated and deleted slices, long runs). All sizes are bounded so one input stays
 * below a few MB.
 */
import type { Rng } from './rng.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys that reach Object.prototype when used as table keys. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Numbers that break naive arithmetic: huge counts, negatives, fractions, float limits. */
const HOSTILE_NUMBERS = [
  0,
  -1,
  1,
  2,
  3,
  7,
  0.5,
  -0.5,
  1e9,
  1_000_000_000,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  1e15,
  1e21,
  1e300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  4096,
  4097,
  65_536,
  1_048_576,
  2_097_152,
  131_072,
];

/** A hostile scalar or small container. */
export function hostileValue(rng: Rng): Json {
  switch (rng.int(0, 11)) {
    case 0:
      return rng.pick(HOSTILE_NUMBERS);
    case 1:
      return -rng.pick(HOSTILE_NUMBERS);
    case 2:
      return rng.magnitude(15);
    case 3:
      return rng.pick(PROTOTYPE_NAMES);
    case 4:
      return rng.pick(['', 'NaN', 'Infinity', '1e9', '-1', 'null', 'true', '\u0000', '\ud800']);
    case 5:
      return 'x'.repeat(rng.pick([200, 201, 1000, 65_536]));
    case 6:
      return null;
    case 7:
      return rng.chance(0.5);
    case 8:
      return [];
    case 9:
      return {};
    case 10:
      return rng.chance(0.5) ? [rng.pick(PROTOTYPE_NAMES)] : deepMarker(rng.int(100, 100_000));
    default:
      return nested(rng.int(2, 200));
  }
}

const DEEP_MARKER = /"@@deep:(\d+)@@"/g;

/**
 * A placeholder for `depth` nested arrays: a real value that deep cannot go through JSON.stringify
 * (it recurses), so surfaces that fuzz text write it with `toJsonText`, which expands the marker.
 */
function deepMarker(depth: number): string {
  return `@@deep:${depth}@@`;
}

/** JSON.stringify, with every deep marker expanded to balanced `[[…]]` text of that depth. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(DEEP_MARKER, (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`);
}

/** `depth` levels of arrays/objects around a number (JSON.stringify-safe below ~1,000). */
function nested(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** An own data property, also for `__proto__` (plain assignment would set the prototype instead). */
function setOwn(o: { [key: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function isObject(v: Json): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every container in `root` with a path, for picking a mutation site (bounded walk). */
function containers(root: Json, limit = 5000): { [key: string]: Json }[] | Json[][] {
  const out: (Json[] | { [key: string]: Json })[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && out.length < limit) {
    const v = stack.pop() as Json;
    if (Array.isArray(v)) {
      out.push(v);
      for (const c of v) if (typeof c === 'object' && c !== null) stack.push(c);
    } else if (isObject(v)) {
      out.push(v);
      for (const c of Object.values(v)) if (typeof c === 'object' && c !== null) stack.push(c);
    }
  }
  return out as Json[][];
}

/** A deep copy of `value` with 1–4 structural mutations. */
export function mutateJson<T>(rng: Rng, value: T): T {
  const root = structuredClone(value) as Json;
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds; r++) {
    const sites = containers(root);
    if (sites.length === 0) break;
    const site = rng.pick(sites as (Json[] | { [key: string]: Json })[]);
    if (Array.isArray(site)) {
      const op = rng.int(0, 4);
      if (op === 0 && site.length > 0) site.splice(rng.int(0, site.length - 1), 1);
      else if (op === 1 && site.length > 0) site[rng.int(0, site.length - 1)] = hostileValue(rng);
      else if (op === 2) site.push(hostileValue(rng));
      else if (op === 3 && site.length > 0 && site.length < 5000) {
        const copies = rng.int(1, 20);
        for (let i = 0; i < copies; i++) site.push(structuredClone(site[rng.int(0, site.length - 1)] as Json));
      } else site.length = 0;
    } else {
      const keys = Object.keys(site);
      const op = rng.int(0, 4);
      if (op === 0 && keys.length > 0) delete site[rng.pick(keys)];
      else if (op <= 2 && keys.length > 0) site[rng.pick(keys)] = hostileValue(rng);
      else if (op === 3) setOwn(site, rng.pick(PROTOTYPE_NAMES), hostileValue(rng));
      else site[`x${rng.int(0, 99)}`] = hostileValue(rng);
    }
  }
  return root as T;
}

/** `text` with 1–4 text-level mutations. */
export function mutateText(rng: Rng, text: string): string {
  let t = text;
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds; r++) {
    const at = rng.int(0, t.length);
    switch (rng.int(0, 7)) {
      case 0: // flip one character
        if (t.length > 0) {
          const i = Math.min(at, t.length - 1);
          t = t.slice(0, i) + String.fromCharCode(rng.int(0, 127)) + t.slice(i + 1);
        }
        break;
      case 1: // truncate
        t = t.slice(0, at);
        break;
      case 2: // delete a slice
        t = t.slice(0, at) + t.slice(Math.min(t.length, at + rng.int(1, 200)));
        break;
      case 3: {
        // duplicate a slice (bounded growth)
        const len = rng.int(1, 2000);
        const piece = t.slice(at, at + len);
        t = t.slice(0, at) + piece.repeat(rng.int(1, 20)) + t.slice(at);
        break;
      }
      case 4: // long run of one character
        t =
          t.slice(0, at) +
          rng.pick(['[', '{', '"', '\\', ',', '0', ' ', '\n', 'N', '9']).repeat(rng.int(1, 200_000)) +
          t.slice(at);
        break;
      case 5: // hostile token
        t =
          t.slice(0, at) +
          rng.pick(['NaN', 'Infinity', '-Infinity', '1e999', '"__proto__"', '\ufeff', '\r\n', '\u2028', '\ud800']) +
          t.slice(at);
        break;
      case 6: {
        // deep nesting: unbalanced, or balanced in place of a value
        const n = rng.int(60, 100_000);
        const colon = t.indexOf(':', at);
        t =
          rng.chance(0.5) || colon < 0
            ? t.slice(0, at) + '['.repeat(n) + t.slice(at)
            : `${t.slice(0, colon + 1)}${'['.repeat(n)}${']'.repeat(n)},"x":${t.slice(colon + 1)}`;
        break;
      }
      default: // a hostile number
        t = t.slice(0, at) + String(rng.pick(HOSTILE_NUMBERS)) + t.slice(at);
    }
    if (t.length > 4_000_000) t = t.slice(0, 4_000_000);
  }
  return t;
}

/**
 * Line-level mutation of a text file (trace, benchmark report): 1–4 rounds of dropping a line,
 * repeating one up to `maxRepeat` times, swapping two, or replacing its first number or string with
 * a hostile value; CRLF line ends one time in ten.
 */
export function mutateLines(rng: Rng, text: string, maxRepeat: number): string {
  const lines = text.split('\n');
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds && lines.length > 0; r++) {
    const i = rng.int(0, lines.length - 1);
    switch (rng.int(0, 3)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, ...Array.from({ length: rng.int(1, maxRepeat) }, () => lines[i]!));
        break;
      case 2: {
        const j = rng.int(0, lines.length - 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
      }
      default: {
        const v = JSON.stringify(hostileValue(rng)) ?? 'null';
        lines[i] = lines[i]!.replace(/-?\d+(\.\d+)?|"[^"]*"/, v);
      }
    }
  }
  return lines.join(rng.chance(0.1) ? '\r\n' : '\n');
}

/** Random text: ASCII, JSON-ish punctuation, or arbitrary UTF-16 units. */
export function randomText(rng: Rng, maxLength = 4000): string {
  const n = rng.int(0, maxLength);
  const alphabet = rng.pick(['ascii', 'json', 'utf16']);
  const chars: string[] = [];
  for (let i = 0; i < n; i++) {
    if (alphabet === 'ascii') chars.push(String.fromCharCode(rng.int(0, 127)));
    else if (alphabet === 'json')
      chars.push(rng.pick(['{', '}', '[', ']', '"', ':', ',', '1', 'e', '-', 'a', ' ', '\\', 'n']));
    else chars.push(String.fromCharCode(rng.int(0, 0xffff)));
  }
  return chars.join('');
}

/** A random JSON value of bounded size and depth. */
export function randomJson(rng: Rng, depth = 4): Json {
  if (depth <= 0 || rng.chance(0.4)) return hostileValue(rng);
  if (rng.chance(0.5)) return Array.from({ length: rng.int(0, 6) }, () => randomJson(rng, depth - 1));
  const o: { [key: string]: Json } = {};
  const n = rng.int(0, 6);
  for (let i = 0; i < n; i++)
    setOwn(o, rng.chance(0.2) ? rng.pick(PROTOTYPE_NAMES) : `k${rng.int(0, 30)}`, randomJson(rng, depth - 1));
  return o;
}
