import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSurface } from './harness.ts';

const FIXTURE = fileURLToPath(new URL('./harness-fixture.ts', import.meta.url));

describe('fuzz harness', () => {
  it('a hang, a heap blow-up and a crash are recorded by input index; the run goes on after each', async () => {
    const r = await runSurface('broken-fixture', {
      module: FIXTURE,
      runs: 12,
      callLimitMs: 1500,
      heapLimitMb: 64,
      skipKnown: true,
    });
    expect(r.counts).toEqual({ crash: 1, hang: 1, memory: 1 });
    expect(r.examples.map((f) => [f.kind, f.index, f.input])).toEqual([
      ['hang', 3, 'input 3'],
      ['memory', 5, 'input 5'],
      ['crash', 7, 'input 7'],
    ]);
    expect(r.examples[2]!.error).toBe('TypeError: fixture: reading properties of undefined');
    // 0, 2, 4, 6, 8, 10 refuse with the documented RangeError; 1 and 11 return; 9 is skipped.
    expect(r.refused).toBe(6);
    expect(r.ok).toBe(2);
    expect(r.skipped).toEqual({ 'fixture: known defect': 1 });
    expect(r.longestCallIndex).toBe(3);
    expect(r.longestCallMs).toBeGreaterThanOrEqual(1500);
    expect(r.stoppedEarly).toBeNull();
  }, 60_000);

  it('stops a surface after maxRestarts and says where', async () => {
    const r = await runSurface('broken-fixture', {
      module: FIXTURE,
      runs: 12,
      callLimitMs: 300,
      heapLimitMb: 64,
      maxRestarts: 1,
    });
    expect(r.counts.hang).toBe(1);
    expect(r.stoppedEarly).toBe('stopped after 1 worker restart(s), at input 4 of 12');
    expect(r.inputs).toBe(4);
  }, 60_000);
});
