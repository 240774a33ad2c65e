/**
 * JSON from outside the program (a pasted config, a link payload, a saved library, a file given to
 * the CLI): size and nesting depth are checked on the text before `JSON.parse` runs, and prototype
 * keys are never read as data. `stringifyBounded` refuses values deeper than the same limit, so
 * anything `parseUntrustedJson` accepts can be written back (JSON.stringify recurses, and a value
 * nested 10⁵ deep overflows the stack).
 */

/** Nesting deeper than this is refused. Real scenarios, configs and libraries stay below 12. */
export const MAX_JSON_DEPTH = 64;

/** Keys that would reach Object.prototype if copied into an object: dropped while parsing. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why the input was refused: over the size cap, nested too deep, or not JSON at all. */
export type UntrustedJsonProblem = 'size' | 'depth' | 'syntax';

export class UntrustedJsonError extends Error {
  constructor(
    message: string,
    readonly problem: UntrustedJsonProblem = 'syntax',
  ) {
    super(message);
    this.name = 'UntrustedJsonError';
  }
}

export interface JsonLimits {
  /** What the text is, for the error ("the scenario file", "config.json"). */
  what: string;
  /** Longest accepted text, in UTF-16 code units (≈ bytes for JSON). */
  maxChars: number;
  maxDepth?: number;
}

const fmtMB = (chars: number): string => `${(chars / 1e6).toFixed(chars < 1e6 ? 3 : 1)} MB`;

/**
 * The deepest nesting of `[` / `{` in JSON text, ignoring brackets inside strings. One pass, no
 * recursion; stops as soon as `limit` is passed (returns limit + 1).
 */
export function jsonTextDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Drops prototype keys wherever they appear (a JSON.parse reviver). */
function dropPrototypeKeys(key: string, value: unknown): unknown {
  return PROTOTYPE_KEYS.has(key) ? undefined : value;
}

/**
 * JSON.parse's complaint without the text it quotes (V8 writes `Unexpected token 'r', "root:x:0:0"...
 * is not valid JSON`): an error about a file must not echo the file.
 */
export function syntaxErrorWithoutText(message: string): string {
  const quoted = message.search(/, ".*$/s);
  return quoted >= 0 ? message.slice(0, quoted).replace(/ '.*'$/s, '') : message;
}

/** Checks size and depth, then parses; throws UntrustedJsonError naming `what` and the limit. */
export function parseUntrustedJson(text: string, limits: JsonLimits): unknown {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  if (text.length > limits.maxChars) {
    throw new UntrustedJsonError(
      `${limits.what} is ${fmtMB(text.length)}; the limit is ${fmtMB(limits.maxChars)}: use a smaller file`,
      'size',
    );
  }
  if (jsonTextDepth(text, maxDepth) > maxDepth) {
    throw new UntrustedJsonError(
      `${limits.what} nests deeper than ${maxDepth} levels: it cannot be a valid input`,
      'depth',
    );
  }
  try {
    return JSON.parse(text, dropPrototypeKeys);
  } catch (e) {
    throw new UntrustedJsonError(`${limits.what} is not valid JSON: ${syntaxErrorWithoutText((e as Error).message)}`);
  }
}

/** The nesting depth of a value (arrays and plain objects), iteratively; stops past `limit`. */
export function valueDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) {
      deepest = d;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

/** JSON.stringify for values that came from outside: refuses nesting past MAX_JSON_DEPTH instead of overflowing. */
export function stringifyBounded(value: unknown, what: string, maxDepth = MAX_JSON_DEPTH): string {
  if (valueDepth(value, maxDepth) > maxDepth) {
    throw new UntrustedJsonError(`${what} nests deeper than ${maxDepth} levels and cannot be saved`, 'depth');
  }
  return JSON.stringify(value);
}

/** `obj[key]` for a lookup table keyed by untrusted text: own properties only ("constructor" is not a key). */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
