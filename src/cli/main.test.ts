import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from './main.ts';
import { fakeIo } from './fake-io.ts';
import { MODELS } from '../core/model/catalog.ts';
import { GPU_IDS } from '../core/hardware/gpus.ts';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';

/** Smallest catalog-valid TP (dividing the heads) and enough H100 nodes for fp8 weights. */
function scenarioFor(m: (typeof MODELS)[number]) {
  const tp = [8, 4, 2, 1].find((t) => m.attention.numHeads % t === 0)!;
  return {
    version: 1,
    model: m.id,
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'fp8' },
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    plan: { tp },
    workload: { inputTokens: 512, outputTokens: 128 },
  };
}

describe('parakv evaluate', () => {
  it('evaluates every catalog model on h100-sxm in one process, with the documented fields', async () => {
    const scenarios = MODELS.map(scenarioFor);
    const f = fakeIo({ 'all.json': JSON.stringify(scenarios) });
    const code = await main(['evaluate', 'all.json'], f.io);
    expect(code).toBe(0);
    const results = JSON.parse(f.out()) as EvaluationResult[];
    expect(results).toHaveLength(MODELS.length);
    results.forEach((r, i) => {
      expect(r.model.name).toBe(MODELS[i]!.name);
      for (const k of ['totalParams', 'activeParams', 'kvBytesPerToken'] as const)
        expect(r.model[k]).toBeGreaterThan(0);
      for (const k of ['weightsGB', 'kvCacheGB', 'activationsGB', 'reservedGB', 'totalGB', 'capacityGB'] as const)
        expect(typeof r.memory.perGpu[0]![k]).toBe('number');
      expect(typeof r.memory.maxKvTokens).toBe('number');
      expect(typeof r.memory.fits).toBe('boolean');
      for (const k of [
        'outputTokPerSec',
        'outputTokPerSecPerGpu',
        'totalTokPerSec',
        'requestsPerSec',
        'goodputReqPerSec',
        'sloAttainment',
      ])
        expect(k in r.metrics).toBe(true);
      // Optional metrics: present, or absent with a reason (a plan that does not fit has none).
      for (const k of ['energyJPerOutputToken', 'costUsdPerMOutputTokens'] as const)
        expect(k in r.metrics || typeof r.metrics.absent?.[k] === 'string').toBe(true);
      for (const k of ['ttftMs', 'tpotMs', 'e2eMs'] as const) {
        const v = r.metrics[k];
        if (v) expect(Object.keys(v)).toEqual(['mean', 'p50', 'p90', 'p99']);
        else expect(r.metrics.absent?.[k]).toMatch(/\w/);
      }
      expect(r.bottleneck.length).toBeGreaterThan(20);
      expect(Array.isArray(r.warnings)).toBe(true);
      if (r.memory.fits) expect(r.metrics.outputTokPerSec).toBeGreaterThan(0);
      else expect(r.bottleneck).toMatch(/Does not fit by/);
    });
    // The 8B model fits on one H100 with room; the 1T-parameter Kimi-K2 does not fit on 8.
    expect(results[MODELS.findIndex((m) => m.id === 'llama-3.1-8b')]!.memory.fits).toBe(true);
    expect(results[MODELS.findIndex((m) => m.id === 'kimi-k2')]!.memory.fits).toBe(false);
  });

  it('an invalid array element gets { error } in its slot and exit code 2 after the rest', async () => {
    const good = scenarioFor(MODELS[0]!);
    const f = fakeIo({
      'mix.json': JSON.stringify([
        good,
        { version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm', nodes: -1 } },
        good,
      ]),
    });
    expect(await main(['evaluate', 'mix.json'], f.io)).toBe(2);
    const results = JSON.parse(f.out()) as (EvaluationResult & { error?: string })[];
    expect(results[0]!.metrics).toBeDefined();
    expect(results[1]!.error).toMatch(/cluster\.nodes must be at least 1/);
    expect(results[2]!.metrics).toBeDefined();
    // The two valid slots hold the same scenario's result, not an error or a neighbour's.
    expect(results[0]!.error).toBeUndefined();
    expect(results[0]!.model.name).toBe(MODELS[0]!.name);
    expect(results[2]).toEqual(results[0]);
    expect(f.err()).toMatch(/^scenario\[1\]: cluster\.nodes/);
  });

  it('user errors are one line on stderr with exit 2, never a stack trace', async () => {
    for (const [args, files, pattern] of [
      [['evaluate', 'missing.json'], {}, /cannot read missing\.json: ENOENT/],
      [['evaluate', 'bad.json'], { 'bad.json': '{ nope' }, /bad\.json is not valid JSON/],
      [
        ['validate', 'x.json'],
        { 'x.json': '{"version":1,"model":"llama-3.1-8b","cluster":{"gpu":"h100-sxm"},"plan":{"tp":"eight"}}' },
        /plan\.tp must be a number/,
      ],
      [['evaluate', 'x.json', '--format', 'xml'], { 'x.json': '{}' }, /--format must be json or table/],
      [['frobnicate'], {}, /unknown command "frobnicate"/],
      [['list', 'cats'], {}, /list what\?/],
    ] as const) {
      const f = fakeIo(files as Record<string, string>);
      expect(await main([...args], f.io)).toBe(2);
      expect(f.err()).toMatch(pattern);
      expect(f.err()).not.toMatch(/\n\s+at /);
    }
  });

  it('--format table prints the plan, memory, latency table and bottleneck', async () => {
    const f = fakeIo({ 's.json': JSON.stringify(scenarioFor(MODELS.find((m) => m.id === 'llama-3.1-70b')!)) });
    expect(await main(['evaluate', 's.json', '--format', 'table'], f.io)).toBe(0);
    expect(f.out()).toMatch(/Llama 3\.1 70B on 8× NVIDIA H100/);
    expect(f.out()).toMatch(/ttftMs/);
    expect(f.out()).toMatch(/bottleneck: /);
  });

  it('list gpus/models prints every catalog id', async () => {
    const f = fakeIo();
    expect(await main(['list', 'gpus', '--json'], f.io)).toBe(0);
    expect((JSON.parse(f.out()) as { id: string }[]).map((g) => g.id)).toEqual([...GPU_IDS]);
    const m = fakeIo();
    expect(await main(['list', 'models'], m.io)).toBe(0);
    for (const model of MODELS) expect(m.out()).toContain(model.id);
  });

  it('the bin entry runs through npx-style node invocation', () => {
    const root = resolve(import.meta.dirname, '../..');
    const out = execFileSync(
      process.execPath,
      [resolve(root, 'bin/parakv.mjs'), 'validate', resolve(root, 'examples/llama70b-h100.json')],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('valid');
  });

  it('link → evaluate --link reproduces the same numbers; a garbage link is a one-line error', async () => {
    const scenario = JSON.stringify(scenarioFor(MODELS.find((m) => m.id === 'qwen3-32b')!));
    const l = fakeIo({ 's.json': scenario });
    expect(await main(['link', 's.json', '--base', 'https://example.org/parakv/'], l.io)).toBe(0);
    const url = l.out().trim();
    expect(url).toMatch(/^https:\/\/example\.org\/parakv\/#s2\.[A-Za-z0-9_-]+$/);
    const a = fakeIo({ 's.json': scenario });
    await main(['evaluate', 's.json'], a.io);
    const b = fakeIo();
    expect(await main(['evaluate', '--link', url], b.io)).toBe(0);
    expect(JSON.parse(b.out())).toEqual(JSON.parse(a.out()));
    const bad = fakeIo();
    expect(await main(['evaluate', '--link', url.slice(0, -10)], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/^parakv: link: /);
  });

  it('evaluate simulates by default (real percentiles); --fast keeps the closed form', async () => {
    const scenario = {
      ...scenarioFor(MODELS.find((m) => m.id === 'llama-3.1-8b')!),
      workload: { inputTokens: 512, outputTokens: 128, requests: 300, arrival: { kind: 'poisson', ratePerSec: 20 } },
    };
    const sim = fakeIo({ 's.json': JSON.stringify(scenario) });
    expect(await main(['evaluate', 's.json'], sim.io)).toBe(0);
    const a = JSON.parse(sim.out());
    expect(a.method).toBe('simulation');
    expect(a.metrics.ttftMs!.p99).toBeGreaterThan(a.metrics.ttftMs!.p50);
    const fast = fakeIo({ 's.json': JSON.stringify(scenario) });
    expect(await main(['evaluate', 's.json', '--fast'], fast.io)).toBe(0);
    const b = JSON.parse(fast.out());
    expect(b.method).toBe('steady-state');
    expect(b.metrics.ttftMs!.p99).toBe(b.metrics.ttftMs!.p50);
  });

  it('a trace path is read relative to the scenario file; a missing one names the field', async () => {
    const scenario = {
      ...scenarioFor(MODELS.find((m) => m.id === 'llama-3.1-8b')!),
      workload: { trace: { format: 'apex-jsonl', path: 'traces/t.jsonl' } },
    };
    const rows = [0, 1, 2]
      .map((i) => JSON.stringify({ StartTimeOffset: i * 5e8, ContextTokens: 100 + i, GeneratedTokens: 20 }))
      .join('\n');
    const ok = fakeIo({ 'dir/s.json': JSON.stringify(scenario), 'dir/traces/t.jsonl': rows });
    expect(await main(['evaluate', 'dir/s.json'], ok.io)).toBe(0);
    expect(JSON.parse(ok.out()).simulation.finished).toBe(3);
    const missing = fakeIo({ 'dir/s.json': JSON.stringify(scenario) });
    expect(await main(['evaluate', 'dir/s.json'], missing.io)).toBe(2);
    expect(missing.err()).toMatch(/workload\.trace\.path: cannot read "dir\/traces\/t\.jsonl"/);
  });
});
