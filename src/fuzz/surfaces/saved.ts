/**
 * Saved library: what localStorage holds is untrusted (another tab, an old build, a user's edit).
 * Each input is a stored blob (a mutation of a real library built from the example scenarios, or
 * random text) plus an operation; the library documents that nothing in it throws.
 */
import {
  addScenarios,
  deleteScenario,
  duplicateScenario,
  importLibraryJson,
  LIBRARY_KEY,
  loadLibrary,
  renameScenario,
  saveScenario,
  type KeyValueStorage,
} from '../../core/share/saved.ts';
import { validateScenarioJson } from '../../core/share/scenario-link.ts';
import { mutateJson, mutateText, randomJson, randomText, toJsonText } from '../mutate.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';
import { seedScenarios } from './scenario.ts';

const OPERATIONS = ['load', 'save', 'add', 'rename', 'duplicate', 'delete', 'import'] as const;

export interface SavedInput {
  stored: string | null;
  op: (typeof OPERATIONS)[number];
  name: string;
}

interface Ctx {
  libraries: unknown[];
  texts: string[];
}

class MapStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** Deterministic clock and ids, so a failing input replays exactly. */
function options() {
  let n = 0;
  return { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, n)), newId: () => `id-${n++}` };
}

export const savedSurface: FuzzSurface<SavedInput, Ctx> = {
  name: 'saved-library',
  description: 'loadLibrary / save / add / rename / duplicate / delete / import on mutated and random storage',
  expectedErrors: [],
  setup() {
    const storage = new MapStorage();
    const opts = options();
    for (const [i, s] of seedScenarios().entries()) {
      const p = validateScenarioJson(s);
      if (p.ok) saveScenario(storage, i === 0 ? 'n'.repeat(200) : `example ${i}`, p.value, opts);
    }
    const text = storage.getItem(LIBRARY_KEY) ?? '';
    return { libraries: [JSON.parse(text)], texts: [text] };
  },
  generate(rng, ctx) {
    const kind = rng.int(0, 9);
    let stored: string | null;
    if (kind <= 5) stored = toJsonText(mutateJson(rng, rng.pick(ctx.libraries)));
    else if (kind <= 8) stored = mutateText(rng, rng.pick(ctx.texts));
    else stored = rng.chance(0.2) ? null : rng.chance(0.5) ? randomText(rng) : toJsonText(randomJson(rng));
    const name = rng.pick(['', ' ', 'x', 'n'.repeat(199), 'n'.repeat(200), 'n'.repeat(5000), '__proto__', '\u0000']);
    return { stored, op: rng.pick(OPERATIONS), name };
  },
  run(input) {
    const storage = new MapStorage();
    if (input.stored !== null) storage.setItem(LIBRARY_KEY, input.stored);
    const opts = options();
    const loaded = loadLibrary(storage, validateScenarioJson, opts);
    const first = loaded.items[0];
    const id = first?.id ?? 'missing';
    let r: { ok: boolean; error?: string } = { ok: true };
    switch (input.op) {
      case 'load':
        break;
      case 'save':
        r = saveScenario(storage, input.name, first?.scenario ?? {}, opts);
        break;
      case 'add':
        r = addScenarios(storage, loaded.items, opts);
        break;
      case 'rename':
        r = renameScenario(storage, id, input.name, opts);
        break;
      case 'duplicate':
        r = duplicateScenario(storage, id, opts);
        break;
      case 'delete':
        r = deleteScenario(storage, id, opts);
        break;
      case 'import': {
        const imported = importLibraryJson(input.stored ?? '', validateScenarioJson, opts);
        if (!Array.isArray(imported.items)) throw new FuzzInvariantError('importLibraryJson returned no item list');
        break;
      }
    }
    if (!r.ok && (typeof r.error !== 'string' || r.error.length === 0)) {
      throw new FuzzInvariantError(`${input.op} failed without an error message`);
    }
    return r;
  },
  describe: (input) =>
    `${input.op} (name ${input.name.length} chars) on stored ${input.stored === null ? 'null' : preview(input.stored)}`,
};
