/**
 * Saved-library load time with many unreadable entries (issue 16: 5,000 took 3.9 s and 20,000 took
 * 98 s, quadratic in the corrupt-key probes). A Map-backed storage, a clock that does not tick (the
 * worst case: every entry gets the same timestamp), median of N runs.
 *
 *   npx tsx bench/saved-library.ts [--runs N]
 */
import { LIBRARY_KEY, loadLibrary, type KeyValueStorage } from '../src/core/share/saved.ts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1]) || 5) : 5;

class MapStorage implements KeyValueStorage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const now = () => new Date('2025-01-01T00:00:00Z');
const validate = () => ({ ok: true as const, value: null });

for (const n of [5_000, 20_000, 100_000]) {
  const items = Array.from({ length: n }, (_, i) => ({ id: `b${i}`, name: `Bad ${i}`, savedAt: 'never', scenario: 1 }));
  const text = JSON.stringify({ version: 1, items });
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r += 1) {
    const storage = new MapStorage();
    storage.setItem(LIBRARY_KEY, text);
    const t0 = performance.now();
    const out = loadLibrary(storage, validate, { now });
    ms.push(performance.now() - t0);
    if (out.errors.length !== n) throw new Error(`expected ${n} entries set aside, got ${out.errors.length}`);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `${n.toLocaleString('en-US')} unreadable entries: ${ms[Math.floor(RUNS / 2)]!.toFixed(0)} ms (median of ${RUNS})`,
  );
}
