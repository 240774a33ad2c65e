/**
 * Saved-scenarios library: a pure model over an injected key/value storage.
 *
 * The browser passes `localStorage`; tests pass a Map-backed fake. Nothing here throws: storage
 * failures (quota, storage disabled) come back as `{ ok: false, error }` and leave what was
 * stored before untouched. Entries that cannot be read are never dropped silently: they are
 * moved aside to `parakv.saved.corrupt.<timestamp>` and reported.
 *
 * Stored under {@link LIBRARY_KEY} as `{ version: 1, items: SavedScenario[] }`. The scenario
 * inside each item is opaque here; the caller's `validate` (which may run scenario migrations)
 * decides whether it is readable.
 *
 * Reading and writing share one nesting limit (MAX_JSON_DEPTH, core/json): the stored text is
 * refused past it before parsing, and a value that would be written past it is refused before
 * JSON.stringify runs (which would overflow the stack), so whatever loads can be saved again.
 */
import {
  MAX_JSON_DEPTH,
  parseUntrustedJson,
  stringifyBounded,
  UntrustedJsonError,
  valueDepth,
} from '../json/untrusted.ts';
import type { Migrations, Validator } from './codec';

/** The subset of the Web Storage API we use. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type SavedScenario<T> = { id: string; name: string; savedAt: string /* ISO 8601 */; scenario: T };
export type SavedMeta = Omit<SavedScenario<unknown>, 'scenario'>;

export type Result<V> = { ok: true; value: V } | { ok: false; error: string };

/** A problem found while loading or importing. `index` is the item's position, null for the whole blob. */
export interface LibraryIssue {
  index: number | null;
  error: string;
  /** Storage key the unreadable data was moved to; null if it was left in place (or not stored). */
  movedTo: string | null;
}

export interface LibraryOptions {
  /** Clock, for tests. */
  now?: () => Date;
  /** Id source, for tests. Uniqueness against existing ids is still enforced. */
  newId?: () => string;
  /** Envelope migrations: `migrations[v]` takes a v envelope to v+1. */
  migrations?: Migrations;
}

export const LIBRARY_KEY = 'parakv.saved.v1';
export const CORRUPT_KEY_PREFIX = 'parakv.saved.corrupt.';
export const LIBRARY_VERSION = 1;
/** Envelope migrations for future library versions (none yet: v1 is the first). */
export const LIBRARY_MIGRATIONS: Migrations = {};
export const MAX_NAME_LENGTH = 200;
export const MAX_IMPORT_LENGTH = 16 * 1024 * 1024;
/** Longest stored library text we parse (UTF-16 units); browsers give a site about 5 M. */
export const MAX_STORED_LENGTH = 16 * 1024 * 1024;
/** The envelope `{ version, items: [ … ] }` holds each item two levels down. */
export const MAX_ITEM_DEPTH = MAX_JSON_DEPTH - 2;
/** An item `{ id, name, savedAt, scenario }` holds the scenario one level down. */
export const MAX_SCENARIO_DEPTH = MAX_ITEM_DEPTH - 1;
/** Probes for a free corrupt key in one call before giving up (a storage that reports every key taken). */
const MAX_ASIDE_PROBES = 100_000;
/** Longest name quoted in an error message. */
const MAX_LABEL_LENGTH = 80;
export const EXPORT_FORMAT = 'parakv-library';

const DEFAULT_NAME = 'Untitled scenario';

// ---------------------------------------------------------------- helpers

let idCounter = 0;

/** A unique-enough id: crypto.randomUUID when available, else timestamp + counter + random. */
export function makeId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  idCounter = (idCounter + 1) % 1_000_000;
  return `s-${Date.now().toString(36)}-${idCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function uniqueId(existing: ReadonlySet<string>, opts: LibraryOptions | undefined): string {
  const gen = opts?.newId ?? makeId;
  for (let i = 0; i < 100; i += 1) {
    const id = gen();
    if (!existing.has(id)) return id;
  }
  // The injected generator keeps colliding: fall back to a suffix. Terminates: the candidates
  // `${base}-1`, `${base}-2`, … are distinct and at most existing.size of them are taken.
  let n = 1;
  const base = gen();
  while (existing.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}

function nowIso(opts: LibraryOptions | undefined): string {
  return (opts?.now?.() ?? new Date()).toISOString();
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return 'unknown error';
  }
}

function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

function writeError(e: unknown, what: string): string {
  if (isQuotaError(e)) {
    return `Browser storage is full: could not ${what}. Export your scenarios (Export library) and delete some to free space.`;
  }
  return `Browser storage is unavailable: could not ${what} (${describe(e)}). Export your scenarios to keep a copy.`;
}

/** The first `max` UTF-16 units of `s`, never ending in half a surrogate pair, trailing spaces trimmed. */
function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const last = s.charCodeAt(max - 1);
  const cut = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return s.slice(0, cut).trimEnd();
}

function cleanName(name: unknown): string {
  const s = typeof name === 'string' ? name.trim() : '';
  return truncate(s.length > 0 ? s : DEFAULT_NAME, MAX_NAME_LENGTH);
}

/**
 * "base (copy)" for n = 1, "base (copy n)" after: the base is shortened so the whole name fits in
 * MAX_NAME_LENGTH with the suffix intact (cutting the suffix would make every copy the same name).
 */
function copyName(base: string, n: number): string {
  const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
  return truncate(base, MAX_NAME_LENGTH - suffix.length) + suffix;
}

/** ` ("name")` for an error message, shortened. */
function labelOf(item: unknown): string {
  return isRecord(item) && typeof item.name === 'string' ? ` ("${truncate(item.name, MAX_LABEL_LENGTH)}")` : '';
}

/** Why `item` cannot be stored, or null: nesting past the shared limit (JSON.stringify would overflow). */
function depthProblem(item: unknown): string | null {
  return valueDepth(item, MAX_ITEM_DEPTH) > MAX_ITEM_DEPTH
    ? `the scenario nests deeper than ${MAX_SCENARIO_DEPTH} levels (a real scenario stays below 12), so it cannot be stored`
    : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why an item's metadata is unusable, or null if id/name/savedAt are fine. */
function metaProblem(item: unknown): string | null {
  if (!isRecord(item)) return 'not an object';
  if (typeof item.id !== 'string' || item.id.length === 0) return 'missing id';
  if (typeof item.name !== 'string') return 'missing name';
  if (typeof item.savedAt !== 'string' || Number.isNaN(Date.parse(item.savedAt))) return 'missing or invalid savedAt';
  if (!('scenario' in item)) return 'missing scenario';
  return null;
}

function runValidate<T>(validate: Validator<T>, json: unknown): Result<T> {
  try {
    const r = validate(json);
    return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
}

function safeGet(storage: KeyValueStorage, key: string): Result<string | null> {
  try {
    return { ok: true, value: storage.getItem(key) };
  } catch (e) {
    return { ok: false, error: `Browser storage is unavailable: could not read saved scenarios (${describe(e)}).` };
  }
}

function safeSet(storage: KeyValueStorage, key: string, value: string, what: string): Result<null> {
  try {
    storage.setItem(key, value);
    return { ok: true, value: null };
  } catch (e) {
    return { ok: false, error: writeError(e, what) };
  }
}

/**
 * Free `parakv.saved.corrupt.<stamp>[-n]` keys for one operation. Suffixes are probed in increasing
 * order and never probed twice while the stamp stays the same, so setting k entries aside costs
 * k probes plus one per key already taken, not k²/2 (a clock that does not tick between entries
 * gives them all the same stamp). Each call stops after MAX_ASIDE_PROBES probes.
 */
class AsideKeys {
  private stamp = Number.NaN;
  private n = 0;
  constructor(
    private readonly storage: KeyValueStorage,
    private readonly opts: LibraryOptions | undefined,
  ) {}

  next(): Result<string> {
    const stamp = (this.opts?.now?.() ?? new Date()).getTime();
    if (stamp !== this.stamp) {
      this.stamp = stamp;
      this.n = 0;
    }
    for (let probe = 0; probe < MAX_ASIDE_PROBES; probe += 1) {
      const key = this.n === 0 ? `${CORRUPT_KEY_PREFIX}${stamp}` : `${CORRUPT_KEY_PREFIX}${stamp}-${this.n}`;
      this.n += 1;
      const existing = safeGet(this.storage, key);
      if (!existing.ok) return existing;
      if (existing.value === null) return { ok: true, value: key };
    }
    return { ok: false, error: `no free storage key after ${MAX_ASIDE_PROBES} tries` };
  }
}

/** Store `payload` under a fresh corrupt key; returns the key or an error. */
function moveAside(storage: KeyValueStorage, payload: unknown, keys: AsideKeys): Result<string> {
  let text: string;
  try {
    text = stringifyBounded(payload, 'the unreadable saved scenario');
  } catch (e) {
    return { ok: false, error: describe(e) };
  }
  const key = keys.next();
  if (!key.ok) return key;
  const w = safeSet(storage, key.value, text, 'set aside an unreadable saved scenario');
  return w.ok ? key : w;
}

// ---------------------------------------------------------------- raw envelope

type Raw =
  | { kind: 'empty' }
  | { kind: 'ok'; items: unknown[] }
  /** Written by a newer ParaKV: read nothing, write nothing. */
  | { kind: 'newer'; version: number }
  /** Unreadable blob. */
  | { kind: 'corrupt'; text: string; error: string }
  | { kind: 'unavailable'; error: string };

function readRaw(storage: KeyValueStorage, opts: LibraryOptions | undefined): Raw {
  const got = safeGet(storage, LIBRARY_KEY);
  if (!got.ok) return { kind: 'unavailable', error: got.error };
  const text = got.value;
  if (text === null) return { kind: 'empty' };
  let json: unknown;
  try {
    json = parseUntrustedJson(text, { what: 'saved library', maxChars: MAX_STORED_LENGTH });
  } catch (e) {
    const problem = e instanceof UntrustedJsonError ? e.problem : 'syntax';
    return { kind: 'corrupt', text, error: problem === 'syntax' ? 'saved library is not valid JSON' : describe(e) };
  }
  if (!isRecord(json) || typeof json.version !== 'number' || !Number.isInteger(json.version)) {
    return { kind: 'corrupt', text, error: 'saved library has no version' };
  }
  if (json.version > LIBRARY_VERSION) return { kind: 'newer', version: json.version };
  let env: unknown = json;
  const migrations = opts?.migrations ?? LIBRARY_MIGRATIONS;
  for (let v = json.version; v < LIBRARY_VERSION; v += 1) {
    const step = Object.hasOwn(migrations, v) ? migrations[v] : undefined;
    if (typeof step !== 'function') {
      return {
        kind: 'corrupt',
        text,
        error: `saved library is v${json.version} and cannot be upgraded (no migration from v${v})`,
      };
    }
    try {
      env = step(env);
    } catch (e) {
      return { kind: 'corrupt', text, error: `saved library could not be upgraded from v${v}: ${describe(e)}` };
    }
  }
  if (!isRecord(env) || !Array.isArray(env.items)) {
    return { kind: 'corrupt', text, error: 'saved library has no item list' };
  }
  return { kind: 'ok', items: env.items };
}

function newerError(version: number): string {
  return `Saved scenarios were written by a newer ParaKV (library v${version}); this build reads up to v${LIBRARY_VERSION}. Nothing was changed.`;
}

/**
 * Read the raw item list for a mutation. A corrupt blob is moved aside first (so writing a
 * fresh list never destroys it); a newer-version blob blocks all writes.
 */
function itemsForWrite(storage: KeyValueStorage, opts: LibraryOptions | undefined): Result<unknown[]> {
  const raw = readRaw(storage, opts);
  switch (raw.kind) {
    case 'empty':
      return { ok: true, value: [] };
    case 'ok':
      return { ok: true, value: raw.items };
    case 'newer':
      return { ok: false, error: newerError(raw.version) };
    case 'unavailable':
      return { ok: false, error: raw.error };
    case 'corrupt': {
      const payload = { error: raw.error, movedAt: nowIso(opts), raw: raw.text };
      const moved = moveAside(storage, payload, new AsideKeys(storage, opts));
      return moved.ok ? { ok: true, value: [] } : moved;
    }
  }
}

function writeItems(storage: KeyValueStorage, items: unknown[], what: string): Result<null> {
  let text: string;
  try {
    text = stringifyBounded({ version: LIBRARY_VERSION, items }, 'the saved-scenario list');
  } catch (e) {
    return { ok: false, error: `Could not ${what}: ${describe(e)}.` };
  }
  return safeSet(storage, LIBRARY_KEY, text, what);
}

function idsOf(items: unknown[]): Set<string> {
  const ids = new Set<string>();
  for (const it of items) if (isRecord(it) && typeof it.id === 'string') ids.add(it.id);
  return ids;
}

function findIndex(items: unknown[], id: string): number {
  return items.findIndex((it) => isRecord(it) && it.id === id);
}

// ---------------------------------------------------------------- public API

/**
 * Load the library. Unreadable entries (bad metadata or a scenario the validator rejects) are
 * moved to `parakv.saved.corrupt.<timestamp>` keys and reported in `errors`; the remaining
 * list is written back. If setting an entry aside fails, it is left in place and reported.
 */
export function loadLibrary<T>(
  storage: KeyValueStorage,
  validate: Validator<T>,
  opts?: LibraryOptions,
): { items: SavedScenario<T>[]; errors: LibraryIssue[] } {
  const raw = readRaw(storage, opts);
  switch (raw.kind) {
    case 'empty':
      return { items: [], errors: [] };
    case 'newer':
      return { items: [], errors: [{ index: null, error: newerError(raw.version), movedTo: null }] };
    case 'unavailable':
      return { items: [], errors: [{ index: null, error: raw.error, movedTo: null }] };
    case 'corrupt': {
      const payload = { error: raw.error, movedAt: nowIso(opts), raw: raw.text };
      const moved = moveAside(storage, payload, new AsideKeys(storage, opts));
      if (!moved.ok) {
        return {
          items: [],
          errors: [{ index: null, error: `${raw.error}; it was left in place (${moved.error})`, movedTo: null }],
        };
      }
      try {
        storage.removeItem(LIBRARY_KEY);
      } catch {
        // The copy is safe under the corrupt key; a later save moves the blob aside again.
      }
      return {
        items: [],
        errors: [
          { index: null, error: `${raw.error}; the unreadable data was moved to ${moved.value}`, movedTo: moved.value },
        ],
      };
    }
    case 'ok':
      break;
  }

  const items: SavedScenario<T>[] = [];
  const errors: LibraryIssue[] = [];
  const keep: unknown[] = [];
  const aside = new AsideKeys(storage, opts);
  let movedAny = false;
  raw.items.forEach((item, index) => {
    const problem = metaProblem(item);
    let why: string | null = problem;
    let scenario: T | undefined;
    if (problem === null) {
      const rec = item as Record<string, unknown>;
      const checked = runValidate(validate, rec.scenario);
      if (checked.ok) scenario = checked.value;
      else why = `invalid scenario: ${checked.error}`;
    }
    if (why === null) {
      const rec = item as Record<string, unknown>;
      items.push({
        id: rec.id as string,
        name: rec.name as string,
        savedAt: rec.savedAt as string,
        scenario: scenario as T,
      });
      keep.push(item);
      return;
    }
    const label = labelOf(item);
    const moved = moveAside(storage, { error: why, movedAt: nowIso(opts), index, entry: item }, aside);
    if (moved.ok) {
      movedAny = true;
      errors.push({
        index,
        error: `Saved scenario #${index + 1}${label} could not be read (${why}); it was moved to ${moved.value}`,
        movedTo: moved.value,
      });
    } else {
      keep.push(item);
      errors.push({
        index,
        error: `Saved scenario #${index + 1}${label} could not be read (${why}); it was left in place (${moved.error})`,
        movedTo: null,
      });
    }
  });
  if (movedAny) {
    const w = writeItems(storage, keep, 'tidy the saved-scenario list');
    if (!w.ok) errors.push({ index: null, error: w.error, movedTo: null });
  }
  return { items, errors };
}

/** Append a new saved scenario. On a storage failure the previous list is left intact. */
export function saveScenario<T>(
  storage: KeyValueStorage,
  name: string,
  scenario: T,
  opts?: LibraryOptions,
): Result<SavedScenario<T>> {
  const deep = depthProblem({ scenario });
  if (deep !== null) return { ok: false, error: `Could not save "${cleanName(name)}": ${deep}.` };
  const current = itemsForWrite(storage, opts);
  if (!current.ok) return current;
  const item: SavedScenario<T> = {
    id: uniqueId(idsOf(current.value), opts),
    name: cleanName(name),
    savedAt: nowIso(opts),
    scenario,
  };
  const w = writeItems(storage, [...current.value, item], `save "${item.name}"`);
  return w.ok ? { ok: true, value: item } : w;
}

/** Add several scenarios at once (e.g. after an import); ids that clash are replaced. */
export function addScenarios<T>(
  storage: KeyValueStorage,
  incoming: readonly SavedScenario<T>[],
  opts?: LibraryOptions,
): Result<SavedScenario<T>[]> {
  for (const [i, it] of incoming.entries()) {
    const deep = depthProblem(it);
    if (deep !== null) return { ok: false, error: `Could not import: scenario ${i + 1}${labelOf(it)}: ${deep}.` };
  }
  const current = itemsForWrite(storage, opts);
  if (!current.ok) return current;
  const ids = idsOf(current.value);
  const added = incoming.map((it) => {
    const id = ids.has(it.id) || it.id.length === 0 ? uniqueId(ids, opts) : it.id;
    ids.add(id);
    return { ...it, id, name: cleanName(it.name) };
  });
  const w = writeItems(storage, [...current.value, ...added], `import ${added.length} scenario(s)`);
  return w.ok ? { ok: true, value: added } : w;
}

export function renameScenario(
  storage: KeyValueStorage,
  id: string,
  name: string,
  opts?: LibraryOptions,
): Result<SavedMeta> {
  const current = itemsForWrite(storage, opts);
  if (!current.ok) return current;
  const i = findIndex(current.value, id);
  const old = current.value[i];
  if (i < 0 || !isRecord(old)) return { ok: false, error: 'That saved scenario no longer exists.' };
  const renamed = { ...old, name: cleanName(name) };
  const next = current.value.slice();
  next[i] = renamed;
  const w = writeItems(storage, next, `rename to "${renamed.name}"`);
  return w.ok ? { ok: true, value: { id, name: renamed.name, savedAt: String(old.savedAt) } } : w;
}

/** Copy a saved scenario as "X (copy)" (or "X (copy 2)", … if taken), placed right after it. */
export function duplicateScenario(storage: KeyValueStorage, id: string, opts?: LibraryOptions): Result<SavedMeta> {
  const current = itemsForWrite(storage, opts);
  if (!current.ok) return current;
  const i = findIndex(current.value, id);
  const old = current.value[i];
  if (i < 0 || !isRecord(old)) return { ok: false, error: 'That saved scenario no longer exists.' };
  const names = new Set(current.value.map((it) => (isRecord(it) ? it.name : undefined)));
  const base = typeof old.name === 'string' && old.name.trim().length > 0 ? old.name.trim() : DEFAULT_NAME;
  // Termination: copyName(base, n) for n = 1, 2, … are pairwise distinct (each ends in its own
  // " (copy n)", which truncation never cuts), and at most names.size of them are taken, so one of
  // the first names.size + 1 is free: the loop runs at most names.size times.
  let name = copyName(base, 1);
  for (let n = 2; names.has(name) && n <= names.size + 1; n += 1) name = copyName(base, n);
  if (names.has(name))
    return { ok: false, error: `Could not find a free name for a copy of "${truncate(base, MAX_LABEL_LENGTH)}".` };
  const copy = { ...old, id: uniqueId(idsOf(current.value), opts), name, savedAt: nowIso(opts) };
  const next = [...current.value.slice(0, i + 1), copy, ...current.value.slice(i + 1)];
  const w = writeItems(storage, next, `duplicate "${truncate(base, MAX_LABEL_LENGTH)}"`);
  return w.ok ? { ok: true, value: { id: copy.id, name: copy.name, savedAt: copy.savedAt } } : w;
}

export function deleteScenario(storage: KeyValueStorage, id: string, opts?: LibraryOptions): Result<null> {
  const current = itemsForWrite(storage, opts);
  if (!current.ok) return current;
  const i = findIndex(current.value, id);
  if (i < 0) return { ok: false, error: 'That saved scenario no longer exists.' };
  const w = writeItems(
    storage,
    current.value.filter((_, j) => j !== i),
    'delete the scenario',
  );
  return w.ok ? { ok: true, value: null } : w;
}

// ---------------------------------------------------------------- export / import

/** Pretty JSON for a downloadable backup file. */
export function exportLibraryJson<T>(items: readonly SavedScenario<T>[], opts?: Pick<LibraryOptions, 'now'>): string {
  return JSON.stringify({ format: EXPORT_FORMAT, version: LIBRARY_VERSION, exportedAt: nowIso(opts), items }, null, 2);
}

/**
 * Parse a backup file (our export, the raw storage envelope, or a bare array of items).
 * Good items are returned; each bad one is reported by its index. Does not touch storage:
 * pass the result to {@link addScenarios}.
 */
export function importLibraryJson<T>(
  text: string,
  validate: Validator<T>,
  opts?: LibraryOptions,
): { items: SavedScenario<T>[]; errors: LibraryIssue[] } {
  const whole = (error: string) => ({ items: [], errors: [{ index: null, error, movedTo: null }] });
  if (typeof text !== 'string') return whole('Import failed: expected the text of a ParaKV library file.');
  if (text.length > MAX_IMPORT_LENGTH)
    return whole(`Import failed: the file is too large (limit ${MAX_IMPORT_LENGTH / (1024 * 1024)} MiB).`);
  let json: unknown;
  try {
    json = parseUntrustedJson(text, { what: 'the file', maxChars: MAX_IMPORT_LENGTH });
  } catch (e) {
    const problem = e instanceof UntrustedJsonError ? e.problem : 'syntax';
    return whole(
      problem === 'syntax' ? 'Import failed: the file is not valid JSON.' : `Import failed: ${describe(e)}.`,
    );
  }
  let list: unknown;
  if (Array.isArray(json)) list = json;
  else if (isRecord(json)) {
    if (typeof json.version === 'number' && json.version > LIBRARY_VERSION) {
      return whole(
        `Import failed: the file was written by a newer ParaKV (library v${json.version}); this build reads up to v${LIBRARY_VERSION}.`,
      );
    }
    list = json.items;
  }
  if (!Array.isArray(list)) return whole('Import failed: not a ParaKV library file (no "items" list).');

  const items: SavedScenario<T>[] = [];
  const errors: LibraryIssue[] = [];
  const ids = new Set<string>();
  list.forEach((item, index) => {
    if (!isRecord(item)) {
      errors.push({ index, error: `Item ${index + 1}: not an object`, movedTo: null });
      return;
    }
    if (!('scenario' in item)) {
      errors.push({ index, error: `Item ${index + 1}: missing scenario`, movedTo: null });
      return;
    }
    const checked = runValidate(validate, item.scenario);
    const label = labelOf(item);
    if (!checked.ok) {
      errors.push({ index, error: `Item ${index + 1}${label}: invalid scenario: ${checked.error}`, movedTo: null });
      return;
    }
    const id = typeof item.id === 'string' && item.id.length > 0 && !ids.has(item.id) ? item.id : uniqueId(ids, opts);
    ids.add(id);
    const savedAt =
      typeof item.savedAt === 'string' && !Number.isNaN(Date.parse(item.savedAt)) ? item.savedAt : nowIso(opts);
    items.push({ id, name: cleanName(item.name), savedAt, scenario: checked.value });
  });
  return { items, errors };
}
