/**
 * Shareable-link codec: `s<version>.<base64url(deflate-raw(JSON))>`.
 *
 * Generic over the payload: the caller supplies the current version, the migration steps and
 * the validator (e.g. a zod schema's safeParse), so this module knows nothing about Scenario.
 *
 * Runs in Node 20+ and browsers (CompressionStream, DecompressionStream, btoa, atob,
 * TextEncoder/TextDecoder). `decodeLink` treats its input as hostile and never throws.
 *
 * Encoding and decoding share one nesting limit (MAX_JSON_DEPTH, core/json): a link whose payload
 * (or validated value) nests deeper is refused at decode, so every link that decodes re-encodes.
 */
import {
  MAX_JSON_DEPTH,
  parseUntrustedJson,
  stringifyBounded,
  UntrustedJsonError,
  valueDepth,
} from '../json/untrusted.ts';

/** Result of a validator: the same shape as a zod `safeParse` mapped to a message. */
export type ValidateResult<T> = { ok: true; value: T } | { ok: false; error: string };
export type Validator<T> = (json: unknown) => ValidateResult<T>;
/** `migrations[v]` takes a version-`v` payload to version `v + 1`. */
export type Migrations = Record<number, (old: unknown) => unknown>;

export interface DecodeOptions<T> {
  currentVersion: number;
  migrations: Migrations;
  validate: Validator<T>;
}

export type DecodeResult<T> = { ok: true; value: T; migratedFrom: number | null } | { ok: false; error: string };

/** Longest fragment (the part after '#') we look at. */
export const MAX_FRAGMENT_LENGTH = 64 * 1024;
/** Longest pasted input (fragment plus a URL prefix) before we even look for the '#'. */
export const MAX_INPUT_LENGTH = MAX_FRAGMENT_LENGTH + 8 * 1024;
/** Cap on decompressed bytes; decompression stops as soon as it is exceeded (zip-bomb safe). */
export const MAX_DECOMPRESSED_BYTES = 2 * 1024 * 1024;
/** Link versions are 0..999 (`\d{1,3}` in the format). */
export const MAX_LINK_VERSION = 999;

const FRAGMENT_RE = /^s\d{1,3}\.[A-Za-z0-9_-]+$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]*$/;
const CHUNK = 32 * 1024;

// ---------------------------------------------------------------- base64url

/** Bytes → base64url without padding. Builds the binary string in 32 KiB chunks. */
export function bytesToBase64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) → bytes, or `null` if the text is not valid base64url. */
export function base64urlToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64URL_RE.test(text.replace(/=+$/, '')) || text.length % 4 === 1) return null;
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  let binary: string;
  try {
    binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

// ---------------------------------------------------------------- streams

async function readAll(
  readable: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<{ ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; tooLarge: true }> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes: out };
}

/** Push `input` through a transform and collect at most `maxBytes` of output. */
async function pipeBytes(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array<ArrayBuffer>,
  maxBytes: number,
): Promise<{ ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; tooLarge: true }> {
  const writer = stream.writable.getWriter();
  // Do not await the writes: with backpressure they only settle once the output is read.
  // Their rejections (corrupt input, or our own cancel) surface through the reader instead.
  writer.write(input).catch(() => undefined);
  writer.close().catch(() => undefined);
  return readAll(stream.readable, maxBytes);
}

async function deflateRaw(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const r = await pipeBytes(new CompressionStream('deflate-raw'), bytes, Number.POSITIVE_INFINITY);
  if (!r.ok) throw new Error('unreachable: compression has no size cap');
  return r.bytes;
}

// ---------------------------------------------------------------- encode

/**
 * Encode `payload` as `s<version>.<base64url(deflate-raw(JSON))>`.
 * Rejects (the only throwing path in this module) if `version` is not an integer in 0..999 or
 * the payload cannot be serialised to JSON (undefined, BigInt, nesting past MAX_JSON_DEPTH).
 */
export async function encodeLink(payload: unknown, version: number): Promise<string> {
  if (!Number.isInteger(version) || version < 0 || version > MAX_LINK_VERSION) {
    throw new RangeError(`link version must be an integer 0..${MAX_LINK_VERSION}, got ${version}`);
  }
  const json = stringifyBounded(payload, 'link payload');
  if (json === undefined) throw new TypeError('payload is not JSON-serialisable');
  const compressed = await deflateRaw(new TextEncoder().encode(json));
  return `s${version}.${bytesToBase64url(compressed)}`;
}

// ---------------------------------------------------------------- decode

/** Take the fragment out of `#frag`, `https://…/#frag` or a bare `frag`. */
export function extractFragment(input: string): string {
  const text = input.trim();
  const hash = text.indexOf('#');
  return hash >= 0 ? text.slice(hash + 1) : text;
}

const tooDeep = `link data nests deeper than ${MAX_JSON_DEPTH} levels: a ParaKV link never does, so it was not opened`;

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return 'unknown error';
  }
}

/**
 * Decode a link produced by {@link encodeLink}. Never throws: every failure is
 * `{ ok: false, error }` with a message a person can act on.
 */
export async function decodeLink<T>(fragment: string, opts: DecodeOptions<T>): Promise<DecodeResult<T>> {
  try {
    return await decodeUnsafe(fragment, opts);
  } catch (e) {
    return fail(`could not open link: ${describe(e)}`);
  }
}

async function decodeUnsafe<T>(input: unknown, opts: DecodeOptions<T>): Promise<DecodeResult<T>> {
  // 1. Cheap checks before any work.
  if (typeof input !== 'string') return fail('not a ParaKV link: expected text');
  if (input.length > MAX_INPUT_LENGTH) {
    return fail(`link is too long (${input.length} characters; the limit is ${MAX_FRAGMENT_LENGTH})`);
  }
  const frag = extractFragment(input);
  if (frag.length > MAX_FRAGMENT_LENGTH) {
    return fail(`link is too long (${frag.length} characters; the limit is ${MAX_FRAGMENT_LENGTH})`);
  }
  if (frag.length === 0) return fail('empty link: there is nothing after the #');
  if (!FRAGMENT_RE.test(frag)) {
    if (/^s\d{1,3}\.?$/.test(frag)) return fail('truncated link: the data after the version is missing');
    return fail('not a ParaKV link (expected "#s<version>.<data>")');
  }

  const dot = frag.indexOf('.');
  const version = Number(frag.slice(1, dot));
  const data = frag.slice(dot + 1);

  // 2. Version gate before decompression: a newer link cannot be read anyway.
  if (version > opts.currentVersion) {
    return fail(`link made by a newer ParaKV (v${version}); this build reads up to v${opts.currentVersion}`);
  }

  // 3. base64url → deflate-raw → UTF-8 → JSON.
  const bytes = base64urlToBytes(data);
  if (bytes === null) return fail('truncated or corrupt link: the data is not valid base64url');

  let inflated: Awaited<ReturnType<typeof pipeBytes>>;
  try {
    inflated = await pipeBytes(new DecompressionStream('deflate-raw'), bytes, MAX_DECOMPRESSED_BYTES);
  } catch {
    return fail('truncated or corrupt link: the compressed data is incomplete or damaged');
  }
  if (!inflated.ok) {
    return fail(`link data is too large (over ${MAX_DECOMPRESSED_BYTES / (1024 * 1024)} MiB when decompressed)`);
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes);
  } catch {
    return fail('corrupt link data: not valid UTF-8 text');
  }
  let json: unknown;
  try {
    json = parseUntrustedJson(text, { what: 'link data', maxChars: MAX_DECOMPRESSED_BYTES });
  } catch (e) {
    if (e instanceof UntrustedJsonError && e.problem === 'depth') return fail(tooDeep);
    return fail('corrupt link data: not valid JSON');
  }

  // 4. Migrate one step at a time, then validate.
  let value = json;
  for (let v = version; v < opts.currentVersion; v += 1) {
    const step = Object.hasOwn(opts.migrations, v) ? opts.migrations[v] : undefined;
    if (typeof step !== 'function') {
      return fail(`link is from v${version}, but this build has no migration from v${v} to v${v + 1}`);
    }
    try {
      value = step(value);
    } catch (e) {
      return fail(`could not upgrade link from v${v} to v${v + 1}: ${describe(e)}`);
    }
  }

  let checked: ValidateResult<T>;
  try {
    checked = opts.validate(value);
  } catch (e) {
    return fail(`invalid scenario: ${describe(e)}`);
  }
  if (!checked.ok) return fail(`invalid scenario: ${checked.error}`);
  // A migration or validator may add levels: refuse what could not be encoded again.
  if (valueDepth(checked.value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return fail(tooDeep);
  return { ok: true, value: checked.value, migratedFrom: version === opts.currentVersion ? null : version };
}
