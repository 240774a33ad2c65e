/**
 * Untrusted config.json text → a bounded config object: Python Infinity/NaN literals, size and depth
 * limits, and the typed field reader `Cfg` whose every integer is range-checked (CONFIG_INT_LIMITS).
 */
import { ownEntry, parseUntrustedJson, UntrustedJsonError } from '../../json/untrusted.ts';

/** Thrown for any config that cannot be imported exactly. `field` is the config key at fault. */
export class ModelImportError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ModelImportError';
    this.field = field;
  }
}

export interface HfImportMeta {
  id: string;
  name?: string;
  hfId?: string;
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `${v}`;
  return typeof v;
}

/** Typed reader over one config object; field paths in errors include the nesting prefix. */
export class Cfg {
  constructor(
    readonly obj: Obj,
    readonly prefix: string,
  ) {}

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  /** Present and not null. */
  has(key: string): boolean {
    const v = this.obj[key];
    return v !== undefined && v !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  /** Required integer >= min (default 1). */
  int(key: string, what: string, min = 1): number {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      throw new ModelImportError(this.path(key), `missing; expected ${intExpectation(what, min)}`);
    }
    return this.checkInt(key, v, what, min);
  }

  /** Optional integer >= min: `fallback` when absent or null. */
  optInt<T extends number | null>(key: string, what: string, fallback: T, min = 1): number | T {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    return this.checkInt(key, v, what, min);
  }

  private checkInt(key: string, v: unknown, what: string, min: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isInteger(v) || v < min) {
      throw new ModelImportError(this.path(key), `expected ${intExpectation(what, min)}, got ${describe(v)}`);
    }
    const max = configIntLimit(key);
    if (v > max) {
      throw new ModelImportError(
        this.path(key),
        `${fmtInt(v)} exceeds ${fmtInt(max)}, the largest accepted ${what}; no real model comes near it`,
      );
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean')
      throw new ModelImportError(this.path(key), `expected true or false, got ${describe(v)}`);
    return v;
  }

  optString(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new ModelImportError(this.path(key), `expected a string, got ${describe(v)}`);
    return v;
  }

  intList(key: string, what: string, maxExclusive: number): number[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new ModelImportError(this.path(key), `expected an array of ${what}, got ${describe(v)}`);
    if (v.length > maxExclusive) {
      throw new ModelImportError(
        this.path(key),
        `has ${fmtInt(v.length)} entries; expected at most ${fmtInt(maxExclusive)} (one per ${what} at most)`,
      );
    }
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= maxExclusive) {
        throw new ModelImportError(
          `${this.path(key)}[${i}]`,
          `expected ${what} (integer in 0..${maxExclusive - 1}), got ${describe(x)}`,
        );
      }
      return x;
    });
  }
}

/**
 * Upper bound of every integer the importer reads, checked before any array is built or loop runs
 * (a `num_hidden_layers` of 10⁹ would otherwise allocate 10⁹ layer records and exhaust memory).
 * Each bound is well above the largest value in the real configs of data/reference/hf-configs
 * (in brackets) so that no real model is refused, and small enough that the derived arrays and
 * loops stay tiny.
 */
const CONFIG_INT_LIMITS: Readonly<Record<string, number>> = {
  num_hidden_layers: 4096, // [126]
  hidden_size: 131_072, // [16,384]
  num_attention_heads: 4096, // [128]
  num_key_value_heads: 4096, // [128]
  head_dim: 8192, // [512]
  intermediate_size: 1_048_576, // [53,248]
  intermediate_size_mlp: 1_048_576, // [16,384]
  moe_intermediate_size: 1_048_576, // [5,120]
  shared_expert_intermediate_size: 1_048_576, // [1,024]
  shared_intermediate_size: 1_048_576, // [3,072]
  vocab_size: 16_777_216, // [262,144]
  max_position_embeddings: 1_073_741_824, // [10,485,760]
  sliding_window: 1_073_741_824, // [32,768]
  attention_chunk_size: 1_073_741_824, // [8,192]
  max_window_layers: 4096, // [94], a layer index
  num_local_experts: 65_536, // [256]
  num_experts: 65_536, // [896]
  n_routed_experts: 65_536, // [512]
  num_experts_per_tok: 65_536, // [22]; also <= the expert count
  experts_per_token: 65_536, // [4]
  n_shared_experts: 4096, // [1]
  decoder_sparse_step: 4096, // [1], a layer interval
  interleave_moe_layer_step: 4096, // [2]
  moe_layer_freq: 4096, // [1]
  first_k_dense_replace: 4096, // [3]; also <= num_hidden_layers
  num_nextn_predict_layers: 4096, // [3]
  num_mtp_modules: 4096, // [7]
  kv_lora_rank: 131_072, // [512]
  q_lora_rank: 131_072, // [2,048]
  qk_nope_head_dim: 8192, // [192]
  qk_rope_head_dim: 8192, // [64]
  v_head_dim: 8192, // [256]
};
/** Bound for an integer field missing from CONFIG_INT_LIMITS (none today; kept so a new reader is bounded). */
const DEFAULT_CONFIG_INT_LIMIT = 1_073_741_824;

function configIntLimit(key: string): number {
  return ownEntry(CONFIG_INT_LIMITS, key) ?? DEFAULT_CONFIG_INT_LIMIT;
}

/** Longest config.json text accepted (the largest real one in hf-configs is 89 kB). */
export const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

export const fmtInt = (n: number): string => n.toLocaleString('en-US');

function intExpectation(what: string, min: number): string {
  if (min === 1) return `a positive integer (${what})`;
  if (min === 0) return `a non-negative integer (${what})`;
  return `an integer >= ${min} (${what})`;
}

/**
 * Rewrites the bare `Infinity`, `-Infinity` and `NaN` tokens that Python's json module writes
 * (outside strings) into JSON: `1e999` (parses as Infinity) and `null`. One pass over the text,
 * collecting slices (no per-character string concatenation); returns the text itself when there is
 * nothing to rewrite.
 */
function rewritePythonTokens(text: string): string {
  const parts: string[] = [];
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x49 /* I */ && text.startsWith('Infinity', i)) {
      parts.push(text.slice(copiedTo, i), '1e999');
      i += 'Infinity'.length - 1;
      copiedTo = i + 1;
    } else if (c === 0x4e /* N */ && text.startsWith('NaN', i)) {
      parts.push(text.slice(copiedTo, i), 'null');
      i += 'NaN'.length - 1;
      copiedTo = i + 1;
    }
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(copiedTo));
  return parts.join('');
}

/**
 * Parse pasted config.json text. Accepts the bare `Infinity`, `-Infinity` and `NaN` tokens that
 * Python's json module writes (seen in real Nemotron-H configs); they become 1e999/-1e999/null.
 * Size (MAX_CONFIG_CHARS) and nesting depth are checked before parsing (parseUntrustedJson), and
 * prototype keys are dropped. Throws `ModelImportError` (field 'config') for text that is not JSON.
 */
export function parseHfConfigText(text: string): unknown {
  if (text.length > MAX_CONFIG_CHARS) {
    throw new ModelImportError(
      'config',
      `the text is ${fmtInt(text.length)} characters; a config.json has at most ${fmtInt(MAX_CONFIG_CHARS)}: paste only config.json`,
    );
  }
  try {
    return parseUntrustedJson(rewritePythonTokens(text), { what: 'config.json', maxChars: MAX_CONFIG_CHARS * 2 });
  } catch (e) {
    if (!(e instanceof UntrustedJsonError)) throw e;
    throw new ModelImportError('config', `${e.message}; expected the text of a config.json`);
  }
}
