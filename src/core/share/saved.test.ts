import { beforeEach, describe, expect, it } from 'vitest';
import type { Validator } from './codec';
import {
  CORRUPT_KEY_PREFIX,
  LIBRARY_KEY,
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
