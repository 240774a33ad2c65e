import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { main } from './main.ts';

const SAMPLES = resolve(import.meta.dirname, '../../data/samples/bench');
const sample = (f: string) => readFileSync(resolve(SAMPLES, f), 'utf8');

const scenario = (tp: number) =>
  JSON.stringify({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm' },
    plan: { tp },
    runtime: { engine: { name: 'vllm', version: '0.19.0' } },
    workload: { inputTokens: 1024, outputTokens: 256, arrival: { kind: 'concurrency', users: 16 } },
  });

describe('parakv evaluate|search --calibrate', () => {
  it('evaluate --calibrate fits on the files, moves TPOT and prints the bands next to each number', async () => {
    const files = {
      's.json': scenario(1),
      'v.json': sample('vllm-bench-serve.json'),
      'a.json': sample('aiperf-profile-export.json'),
    };
    const plain = fakeIo(files);
    expect(await main(['evaluate', 's.json', '--fast'], plain.io)).toBe(0);
    const before = JSON.parse(plain.out());
    expect(before.metrics.tpotMsBandPct).toBeGreaterThan(0);
    expect(before.errorBands.tpotMs.source).toMatch(/public fidelity rows/);
    const f = fakeIo(files);
    expect(await main(['evaluate', 's.json', '--fast', '--calibrate', 'v.json,a.json'], f.io)).toBe(0);
    // Two runs cannot tell the classes of work apart: one common scale moves them (fit.ts MIN_POINTS_PER_FACTOR).
    expect(f.err()).toMatch(
      /calibrated on 2 of your points: gemm ×[\d.]+, attention ×[\d.]+, host ×[\d.]+; median error ttftMs/,
    );
    const after = JSON.parse(f.out());
    expect(after.metrics.tpotMs.mean).not.toBe(before.metrics.tpotMs.mean);
    expect(after.metrics.tpotMsBandPct).toBeLessThanOrEqual(before.metrics.tpotMsBandPct);
  });
  it('refuses a run on another GPU count with the reason, and a missing file by name', async () => {
    const f = fakeIo({ 's.json': scenario(2), 'v.json': sample('vllm-bench-serve.json') });
    expect(await main(['evaluate', 's.json', '--fast', '--calibrate', 'v.json'], f.io)).toBe(2);
    expect(f.err()).toMatch(/ran on 1 GPUs, but the scenario's plan uses 2/);
    const g = fakeIo({ 's.json': scenario(1) });
    expect(await main(['evaluate', 's.json', '--calibrate', 'nope.json'], g.io)).toBe(2);
    expect(g.err()).toMatch(/--calibrate: cannot read nope.json/);
  });
  it('search --calibrate ranks on the calibrated scenario', async () => {
    const f = fakeIo({ 's.json': scenario(1), 'v.json': sample('vllm-bench-serve.json') });
    const code = await main(['search', 's.json', '--json', '--calibrate', 'v.json', '--top', '2'], f.io);
    expect(f.err()).toMatch(/calibrated on 1 of your point/);
    expect(code).toBe(0);
    const r = JSON.parse(f.out());
    expect(r.ranked[0].result.metrics.tpotMsBandPct).toBeGreaterThan(0);
  });
});
