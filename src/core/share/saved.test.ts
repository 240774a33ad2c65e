import { beforeEach, describe, expect, it } from 'vitest';
import type { Validator } from './codec';
import {
  CORRUPT_KEY_PREFIX,
  LIBRARY_KEY,
  MAX_NAME_LENGTH,
  MAX_SCENARIO_DEPTH,
  addScenarios,
  deleteScenario,
  duplicateScenario,
  exportLibraryJson,
  importLibraryJson,
  loadLibrary,
  renameScenario,
  saveScenario,
  type KeyValueStorage,
  type LibraryOptions,
} from './saved';

type Fake = { gpus: number };
const validate: Validator<Fake> = (json) =>
  typeof json === 'object' && json !== null && typeof (json as Fake).gpus === 'number'
    ? { ok: true, value: { gpus: (json as Fake).gpus } }
    : { ok: false, error: 'gpus: expected a number' };

/** Map-backed Web Storage fake; `full` makes every setItem throw like a browser over quota. */
class FakeStorage implements KeyValueStorage {
  map = new Map<string, string>();
  full = false;
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  keys(prefix: string) {
    return [...this.map.keys()].filter((k) => k.startsWith(prefix));
  }
}

let storage: FakeStorage;
let opts: LibraryOptions;
beforeEach(() => {
  storage = new FakeStorage();
  let n = 0;
  let t = Date.parse('2025-01-01T00:00:00Z');
  opts = { newId: () => `id${++n}`, now: () => new Date((t += 1000)) };
});

const names = () => loadLibrary(storage, validate).items.map((i) => i.name);

describe('saved library', () => {
  it('starts empty', () => {
    expect(loadLibrary(storage, validate)).toEqual({ items: [], errors: [] });
  });

  it('saves, renames, duplicates and deletes', () => {
    const a = saveScenario(storage, '  Baseline  ', { gpus: 8 }, opts);
    const b = saveScenario(storage, 'Big', { gpus: 64 }, opts);
    expect(a).toEqual({
      ok: true,
      value: { id: 'id1', name: 'Baseline', savedAt: '2025-01-01T00:00:01.000Z', scenario: { gpus: 8 } },
    });
    expect(b.ok).toBe(true);
    expect(JSON.parse(storage.getItem(LIBRARY_KEY)!)).toMatchObject({
      version: 1,
      items: [{ id: 'id1' }, { id: 'id2' }],
    });

    expect(renameScenario(storage, 'id2', 'Huge', opts)).toMatchObject({
      ok: true,
      value: { id: 'id2', name: 'Huge' },
    });
    expect(names()).toEqual(['Baseline', 'Huge']);

    const d = duplicateScenario(storage, 'id1', opts);
    expect(d).toMatchObject({ ok: true, value: { name: 'Baseline (copy)' } });
    expect(names()).toEqual(['Baseline', 'Baseline (copy)', 'Huge']);
    expect(duplicateScenario(storage, 'id1', opts)).toMatchObject({ ok: true, value: { name: 'Baseline (copy 2)' } });
    const lib = loadLibrary(storage, validate).items;
    expect(new Set(lib.map((i) => i.id)).size).toBe(lib.length);
    expect(lib[1]!.scenario).toEqual({ gpus: 8 });

    expect(deleteScenario(storage, 'id1', opts)).toEqual({ ok: true, value: null });
    expect(names()).toEqual(['Baseline (copy 2)', 'Baseline (copy)', 'Huge']);
    expect(deleteScenario(storage, 'nope', opts)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no longer exists/),
    });
    expect(renameScenario(storage, 'nope', 'x', opts).ok).toBe(false);
    expect(duplicateScenario(storage, 'nope', opts).ok).toBe(false);
  });

  it('names blank scenarios and caps long names', () => {
    saveScenario(storage, '   ', { gpus: 1 }, opts);
    saveScenario(storage, 'x'.repeat(500), { gpus: 1 }, opts);
    const [blank, long] = names();
    expect(blank).toBe('Untitled scenario');
    expect(long).toHaveLength(200);
  });

  it('generates unique ids without an injected generator', () => {
    for (let i = 0; i < 20; i += 1) expect(saveScenario(storage, `s${i}`, { gpus: i }).ok).toBe(true);
    const ids = loadLibrary(storage, validate).items.map((i) => i.id);
    expect(new Set(ids).size).toBe(20);
  });

  it('moves a corrupt entry aside under the corrupt key and reports it', () => {
    saveScenario(storage, 'Good', { gpus: 8 }, opts);
    const env = JSON.parse(storage.getItem(LIBRARY_KEY)!);
    env.items.push({ id: 'bad', name: 'Broken', savedAt: '2025-01-01T00:00:00Z', scenario: { gpus: 'eight' } });
    env.items.push(42);
    storage.setItem(LIBRARY_KEY, JSON.stringify(env));

    const r = loadLibrary(storage, validate, opts);
    expect(r.items.map((i) => i.name)).toEqual(['Good']);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatchObject({
      index: 1,
      error: expect.stringMatching(/"Broken".*invalid scenario: gpus: expected a number/),
    });
    expect(r.errors[1]).toMatchObject({ index: 2, error: expect.stringMatching(/not an object/) });
    const keys = storage.keys(CORRUPT_KEY_PREFIX);
    expect(keys).toHaveLength(2);
    expect(r.errors.map((e) => e.movedTo).sort()).toEqual(keys.sort());
    // The data is preserved, not dropped.
    const kept = JSON.parse(storage.getItem(r.errors[0]!.movedTo!)!);
    expect(kept.entry).toEqual({
      id: 'bad',
      name: 'Broken',
      savedAt: '2025-01-01T00:00:00Z',
      scenario: { gpus: 'eight' },
    });
    // The library is tidied, so the next load is clean.
    expect(loadLibrary(storage, validate)).toMatchObject({ items: [{ name: 'Good' }], errors: [] });
  });

  it('moves an unreadable library blob aside, and saving afterwards keeps it', () => {
    storage.setItem(LIBRARY_KEY, '{"version":1,"items":[{"id":"a",');
    const r = loadLibrary(storage, validate, opts);
    expect(r.items).toEqual([]);
    expect(r.errors).toEqual([
      {
        index: null,
        error: expect.stringMatching(/not valid JSON.*moved to parakv\.saved\.corrupt\./),
        movedTo: expect.any(String),
      },
    ]);
    expect(JSON.parse(storage.getItem(r.errors[0]!.movedTo!)!).raw).toBe('{"version":1,"items":[{"id":"a",');

    // Corrupt again, then save without loading first: the blob is set aside, not overwritten.
    storage.setItem(LIBRARY_KEY, 'garbage');
    expect(saveScenario(storage, 'New', { gpus: 1 }, opts).ok).toBe(true);
    expect(names()).toEqual(['New']);
    const raws = storage.keys(CORRUPT_KEY_PREFIX).map((k) => JSON.parse(storage.getItem(k)!).raw);
    expect(raws).toContain('garbage');
  });

  it('leaves the previous list intact when storage is full', () => {
    saveScenario(storage, 'Keep me', { gpus: 8 }, opts);
    const before = storage.getItem(LIBRARY_KEY);
    storage.full = true;
    const r = saveScenario(storage, 'Too much', { gpus: 9 }, opts);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^Browser storage is full: .*[Ee]xport your scenarios/);
    expect(renameScenario(storage, 'id1', 'x', opts).ok).toBe(false);
    expect(duplicateScenario(storage, 'id1', opts).ok).toBe(false);
    expect(deleteScenario(storage, 'id1', opts).ok).toBe(false);
    expect(storage.getItem(LIBRARY_KEY)).toBe(before);
    expect(names()).toEqual(['Keep me']);
  });

  it('reports other storage failures without throwing', () => {
    const broken: KeyValueStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem: () => undefined,
    };
    expect(loadLibrary(broken, validate).errors[0]?.error).toMatch(/unavailable/);
    expect(saveScenario(broken, 'x', { gpus: 1 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unavailable/),
    });
  });

  it('refuses to touch a library written by a newer build', () => {
    const newer = JSON.stringify({ version: 2, items: [{ whatever: true }] });
    storage.setItem(LIBRARY_KEY, newer);
    expect(loadLibrary(storage, validate).errors[0]?.error).toMatch(/newer ParaKV/);
    expect(saveScenario(storage, 'x', { gpus: 1 }, opts).ok).toBe(false);
    expect(storage.getItem(LIBRARY_KEY)).toBe(newer);
    expect(storage.keys(CORRUPT_KEY_PREFIX)).toEqual([]);
  });

  it('runs envelope migrations from the hook', () => {
    storage.setItem(
      LIBRARY_KEY,
      JSON.stringify({
        version: 0,
        list: [{ id: 'a', name: 'Old', savedAt: '2024-01-01T00:00:00Z', scenario: { gpus: 2 } }],
      }),
    );
    const migrations = { 0: (old: unknown) => ({ version: 1, items: (old as { list: unknown[] }).list }) };
    expect(loadLibrary(storage, validate, { ...opts, migrations })).toMatchObject({
      items: [{ id: 'a', name: 'Old' }],
      errors: [],
    });
  });
});

describe('export / import', () => {
  it('round-trips through export and import, then adds with fresh ids on clash', () => {
    saveScenario(storage, 'A', { gpus: 1 }, opts);
    saveScenario(storage, 'B', { gpus: 2 }, opts);
    const { items } = loadLibrary(storage, validate);
    const text = exportLibraryJson(items, opts);
    expect(JSON.parse(text)).toMatchObject({ format: 'parakv-library', version: 1 });
    const imported = importLibraryJson(text, validate, opts);
    expect(imported).toEqual({ items, errors: [] });

    const added = addScenarios(storage, imported.items, opts);
    expect(added.ok).toBe(true);
    const all = loadLibrary(storage, validate).items;
    expect(all.map((i) => i.name)).toEqual(['A', 'B', 'A', 'B']);
    expect(new Set(all.map((i) => i.id)).size).toBe(4);
  });

  it('reports bad items by index and keeps the good ones', () => {
    const text = JSON.stringify({
      version: 1,
      items: [
        { id: 'a', name: 'Fine', savedAt: '2025-02-02T00:00:00Z', scenario: { gpus: 4 } },
        { id: 'b', name: 'Bad', savedAt: '2025-02-02T00:00:00Z', scenario: { gpus: null } },
        'nonsense',
        { name: 'No id', scenario: { gpus: 1 } },
        { id: 'e', name: 'No scenario' },
      ],
    });
    const r = importLibraryJson(text, validate, opts);
    expect(r.items.map((i) => i.name)).toEqual(['Fine', 'No id']);
    expect(r.items[1]!.id).toMatch(/^id\d+$/);
    expect(r.errors.map((e) => e.index)).toEqual([1, 2, 4]);
    expect(r.errors[0]!.error).toBe('Item 2 ("Bad"): invalid scenario: gpus: expected a number');
  });

  it('accepts a bare array and rejects non-library files', () => {
    expect(importLibraryJson('[{"name":"x","scenario":{"gpus":1}}]', validate, opts).items).toHaveLength(1);
    expect(importLibraryJson('not json', validate).errors[0]).toMatchObject({
      index: null,
      error: expect.stringMatching(/not valid JSON/),
    });
    expect(importLibraryJson('{"hello":1}', validate).errors[0]?.error).toMatch(/no "items" list/);
    expect(importLibraryJson('{"version":9,"items":[]}', validate).errors[0]?.error).toMatch(/newer ParaKV/);
  });
});

/** A value nested `depth` levels deep: [[[…{ gpus: 1 }…]]]. */
function nested(depth: number): unknown {
  let v: unknown = { gpus: 1 };
  for (let i = 1; i < depth; i += 1) v = [v];
  return v;
}

describe('hostile library input (issues 10 and 16)', () => {
  it('duplicates a scenario whose name is already the longest allowed, keeping the copy suffix', () => {
    const long = 'n'.repeat(MAX_NAME_LENGTH);
    expect(saveScenario(storage, long, { gpus: 1 }, opts)).toMatchObject({
      ok: true,
      value: { id: 'id1', name: long },
    });
    const copies = [1, 2, 3].map(() => duplicateScenario(storage, 'id1', opts));
    const got = copies.map((c) => (c.ok ? c.value.name : c.error));
    expect(got).toEqual([
      `${'n'.repeat(MAX_NAME_LENGTH - 7)} (copy)`,
      `${'n'.repeat(MAX_NAME_LENGTH - 9)} (copy 2)`,
      `${'n'.repeat(MAX_NAME_LENGTH - 9)} (copy 3)`,
    ]);
    for (const name of got) expect(name).toHaveLength(MAX_NAME_LENGTH);
  });

  it('duplicates a stored name longer than the limit, without splitting a surrogate pair', () => {
    const name = `${'a'.repeat(MAX_NAME_LENGTH - 8)}😀${'b'.repeat(10_000)}`;
    const env = { version: 1, items: [{ id: 'x', name, savedAt: '2025-01-01T00:00:00Z', scenario: { gpus: 1 } }] };
    storage.setItem(LIBRARY_KEY, JSON.stringify(env));
    const d = duplicateScenario(storage, 'x', opts);
    // 193 units are left for the base; the emoji would take units 193–194, so the cut falls before it.
    expect(d).toMatchObject({ ok: true, value: { name: `${'a'.repeat(MAX_NAME_LENGTH - 8)} (copy)` } });
  });

  it('sets 20,000 unreadable entries aside with a stopped clock in linear work', () => {
    const stopped: LibraryOptions = { ...opts, now: () => new Date('2025-01-01T00:00:00Z') };
    const n = 20_000;
    const items = Array.from({ length: n }, (_, i) => ({
      id: `b${i}`,
      name: `Bad ${i}`,
      savedAt: 'never',
      scenario: 1,
    }));
    storage.setItem(LIBRARY_KEY, JSON.stringify({ version: 1, items }));
    let reads = 0;
    const getItem = storage.getItem.bind(storage);
    storage.getItem = (k: string) => ((reads += 1), getItem(k));
    const r = loadLibrary(storage, validate, stopped);
    // One read of the library and one probe per entry (k²/2 = 2·10⁸ probes before the fix).
    expect(reads).toBe(n + 1);
    expect(r.items).toEqual([]);
    expect(r.errors).toHaveLength(n);
    expect(r.errors[n - 1]).toMatchObject({ index: n - 1, movedTo: `${CORRUPT_KEY_PREFIX}1735689600000-${n - 1}` });
    expect(new Set(r.errors.map((e) => e.movedTo)).size).toBe(n);
    expect(storage.keys(CORRUPT_KEY_PREFIX)).toHaveLength(n);
    expect(JSON.parse(storage.getItem(LIBRARY_KEY)!)).toEqual({ version: 1, items: [] });
  });

  it('refuses to save or import a value nested past the shared limit, with a reason, without throwing', () => {
    saveScenario(storage, 'Keep', { gpus: 1 }, opts);
    const before = storage.getItem(LIBRARY_KEY);
    for (const depth of [MAX_SCENARIO_DEPTH + 1, 100_000]) {
      expect(saveScenario(storage, 'Deep', nested(depth), opts)).toEqual({
        ok: false,
        error: `Could not save "Deep": the scenario nests deeper than ${MAX_SCENARIO_DEPTH} levels (a real scenario stays below 12), so it cannot be stored.`,
      });
      const add = addScenarios(
        storage,
        [{ id: 'd', name: 'Deep', savedAt: '2025-01-01T00:00:00Z', scenario: nested(depth) }],
        opts,
      );
      expect(add).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^Could not import: scenario 1 \("Deep"\): the scenario nests deeper/),
      });
    }
    expect(storage.getItem(LIBRARY_KEY)).toBe(before);
    // At the limit it is stored, and it loads back and saves again.
    expect(saveScenario(storage, 'Deepest', nested(MAX_SCENARIO_DEPTH), opts).ok).toBe(true);
    const text = storage.getItem(LIBRARY_KEY)!;
    expect(loadLibrary(storage, (json) => ({ ok: true, value: json }), opts).errors).toEqual([]);
    expect(addScenarios(storage, [], opts).ok).toBe(true);
    expect(storage.getItem(LIBRARY_KEY)).toBe(text);
  });

  it('sets a stored library nested past the limit aside whole, with the reason, and reads on', () => {
    const deep = `{"version":1,"items":[{"id":"a","name":"A","savedAt":"2025-01-01T00:00:00Z","scenario":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    storage.setItem(LIBRARY_KEY, deep);
    const r = loadLibrary(storage, validate, opts);
    expect(r.items).toEqual([]);
    expect(r.errors).toEqual([
      {
        index: null,
        error: expect.stringMatching(/^saved library nests deeper than 64 levels.*moved to parakv\.saved\.corrupt\./),
        movedTo: expect.any(String),
      },
    ]);
    expect(JSON.parse(storage.getItem(r.errors[0]!.movedTo!)!).raw).toBe(deep);
    expect(saveScenario(storage, 'After', { gpus: 2 }, opts).ok).toBe(true);
    expect(names()).toEqual(['After']);
  });

  it('refuses an import file nested past the limit with a reason', () => {
    const text = `[{"name":"x","scenario":${'['.repeat(100)}${']'.repeat(100)}}]`;
    expect(importLibraryJson(text, validate, opts).errors).toEqual([
      {
        index: null,
        error: 'Import failed: the file nests deeper than 64 levels: it cannot be a valid input.',
        movedTo: null,
      },
    ]);
  });
});
