import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { runSearch } from './search.ts';

const SCENARIO = JSON.stringify({
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
  workload: { inputTokens: 1024, outputTokens: 256, requests: 1000 },
});
const ARGS = ['s.json', '--fast', '--kv', 'bf16,fp8', '--max-num-seqs', '64,256'];

afterEach(() => {
  vi.restoreAllMocks();
});

/** A clock that moves 1 ms per reading: a 20 ms budget stops the search after a few candidates. */
function tickingClock(): void {
  let t = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => ++t);
}

describe('parakv search --budget-ms', () => {
  it('a search stopped by its budget says so in the table and in --json', async () => {
    tickingClock();
    const table = fakeIo({ 's.json': SCENARIO });
    expect(await runSearch([...ARGS, '--budget-ms', '20'], table.io)).toBe(0);
    expect(table.out()).toMatch(
      /\nstopped early: searched \d+ of 128 candidates within the 20 ms budget, so a better plan may be missing; narrow the space .* or raise the budget \(--budget-ms\)\n/,
    );
    const json = fakeIo({ 's.json': SCENARIO });
    expect(await runSearch([...ARGS, '--budget-ms', '20', '--json'], json.io)).toBe(0);
    const r = JSON.parse(json.out()) as { stopped: { searched: number; total: number; limitMs: number } };
    expect(r.stopped).toMatchObject({ total: 128, limitMs: 20 });
    expect(r.stopped.searched).toBeLessThanOrEqual(10);
    expect(json.err()).toMatch(/^parakv search: stopped early: searched \d+ of 128 candidates/);
  });

  it('the default 30 s budget is not reached by an ordinary search', async () => {
    const f = fakeIo({ 's.json': SCENARIO });
    expect(await runSearch([...ARGS, '--json'], f.io)).toBe(0);
    expect((JSON.parse(f.out()) as { stopped?: unknown }).stopped).toBeUndefined();
    expect(f.out()).not.toMatch(/stopped early/);
  });

  it('refuses a budget that is not a whole number of milliseconds ≥ 1', async () => {
    const f = fakeIo({ 's.json': SCENARIO });
    expect(await runSearch([...ARGS, '--budget-ms', '0'], f.io)).toBe(2);
    expect(f.err()).toBe('parakv search: --budget-ms must be a whole number in [1, 86400000] (got "0")\n');
  });
});
