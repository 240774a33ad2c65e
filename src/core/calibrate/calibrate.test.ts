import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario, ScenarioInput } from '../scenario/schema.ts';
import { evaluateFast } from '../evaluate/fast.ts';
import { calibrateScenario, calibrationChip, detectBenchFormat, matchPoints, parseBenchmark } from './index.ts';
import { huberIrls, predict, withFactors } from './fit.ts';
import { perturbedVllmFiles, runGrid } from './testing.ts';
import { scenarioFromLink, scenarioToLink } from '../share/scenario-link.ts';

const SAMPLES = resolve(import.meta.dirname, '../../../data/samples/bench');

function scenario(over: Partial<ScenarioInput> = {}): Scenario {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm' },
    plan: { tp: 2 },
    runtime: { engine: { name: 'vllm' }, overlapScheduling: false },
    ...over,
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

describe('benchmark parsers', () => {
  const files = readdirSync(SAMPLES);
  it('has one sample per format and each parses with its own format', () => {
    const formats = files.map((f) => detectBenchFormat(readFileSync(resolve(SAMPLES, f), 'utf8')));
    expect(new Set(formats)).toEqual(new Set(['vllm-bench-serve', 'sglang-bench-serving', 'aiperf', 'trtllm-bench']));
    for (const f of files) {
      const r = parseBenchmark(readFileSync(resolve(SAMPLES, f), 'utf8'), f);
      expect(r.ok, f).toBe(true);
      if (!r.ok) continue;
      for (const p of r.points) {
        expect(p.model).toBe('meta-llama/Llama-3.1-8B-Instruct');
        expect(p.inputTokens).toBe(1024);
        expect(p.outputTokens).toBe(256);
        expect(Object.keys(p.measured).length).toBeGreaterThan(0);
      }
    }
  });
  it('reads the vLLM sample field by field', () => {
    const r = parseBenchmark(readFileSync(resolve(SAMPLES, 'vllm-bench-serve.json'), 'utf8'), 'v.json');
    expect(r.ok && r.points[0]).toMatchObject({
      concurrency: 16,
      gpus: 1,
      engine: 'vllm',
      measured: { ttftMs: 71.4, tpotMs: 7.98, outputTokPerSec: 1936.2 },
    });
  });
  it('reads every SGLang JSONL line, Python Infinity included', () => {
    const r = parseBenchmark(readFileSync(resolve(SAMPLES, 'sglang-bench-serving.jsonl'), 'utf8'), 's.jsonl');
    expect(r.ok && r.points.map((p) => p.concurrency)).toEqual([8, 32]);
    expect(r.ok && r.points[1]!.measured.tpotMs).toBe(9.16);
  });
  it('names the line and field of bad input', () => {
    const text = readFileSync(resolve(SAMPLES, 'sglang-bench-serving.jsonl'), 'utf8').replace(
      /"mean_tpot_ms": 9.16/,
      '"mean_tpot_ms": "fast"',
    );
    expect(parseBenchmark(text, 's.jsonl')).toEqual({
      ok: false,
      message: 's.jsonl line 2: mean_tpot_ms must be a positive number, got "fast"',
    });
    expect(parseBenchmark('{"mean_ttft_ms": 3}', 'x.json')).toEqual({
      ok: false,
      message: 'x.json: missing completed (a positive number)',
    });
    const trt = readFileSync(resolve(SAMPLES, 'trtllm-bench-throughput.txt'), 'utf8').replace(/AVG:.*\n/, '');
    expect(parseBenchmark(trt, 't.txt')).toEqual({
      ok: false,
      message: 't.txt: missing the "Average Input Length (tokens)" line',
    });
    expect(parseBenchmark('hello', 'h.txt').ok).toBe(false);
  });
  it('never throws on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (t) => {
        const r = parseBenchmark(t, 'f');
        return r.ok ? r.points.every((p) => p.inputTokens > 0 && p.outputTokens > 0) : r.message.length > 0;
      }),
      { numRuns: 300 },
    );
  });
});

describe('runs that contradict the scenario are refused with the reason', () => {
  const vllm = readFileSync(resolve(SAMPLES, 'vllm-bench-serve.json'), 'utf8');
  const points = (t: string) => {
    const r = parseBenchmark(t, 'v.json');
    if (!r.ok) throw new Error(r.message);
    return r.points;
  };
  it('accepts the sample on its own deployment', () => {
    expect(matchPoints(scenario({ plan: { tp: 1 } }), points(vllm)).refused).toEqual([]);
  });
  it('refuses another GPU count, model, GPU and engine', () => {
    expect(matchPoints(scenario(), points(vllm)).refused).toEqual([
      "v.json: ran on 1 GPUs, but the scenario's plan uses 2",
    ]);
    expect(matchPoints(scenario({ model: 'llama-3.1-70b', plan: { tp: 1 } }), points(vllm)).refused[0]).toMatch(
      /ran meta-llama\/Llama-3.1-8B-Instruct, but the scenario's model is/,
    );
    expect(matchPoints(scenario({ cluster: { gpu: 'h200' }, plan: { tp: 1 } }), points(vllm)).refused[0]).toMatch(
      /ran on h100-sxm, but the scenario's GPU is h200/,
    );
    expect(
      matchPoints(scenario({ plan: { tp: 1 }, runtime: { engine: { name: 'sglang' } } }), points(vllm)).refused[0],
    ).toMatch(/ran on vllm, but the scenario's engine is sglang/);
  });
});

describe('the calibration hook', () => {
  it('moves TPOT by the GEMM factor and leaves the uncalibrated scenario alone', () => {
    const s = scenario({ workload: { arrival: { kind: 'concurrency', users: 8 } } });
    const base = evaluateFast(s).metrics.tpotMs!.mean;
    const slow = evaluateFast(withFactors(s, { gemm: 1.5 })).metrics.tpotMs!.mean;
    const unit = evaluateFast(withFactors(s, { gemm: 1, attention: 1, host: 1, collective: 1 })).metrics.tpotMs!.mean;
    expect(unit).toBeCloseTo(base, 9);
    expect(slow).toBeGreaterThan(base * 1.15);
    expect(slow).toBeLessThan(base * 1.5);
  });
  it('is bounded and versioned in the schema, and round-trips through the link', async () => {
    const bad = parseScenario({
      version: 1,
      model: 'llama-3.1-8b',
      cluster: { gpu: 'h100-sxm' },
      runtime: { engine: { name: 'vllm', calibration: { v: 1, points: 3, factors: { gemm: 40 } } } },
    });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0]).toMatch(/runtime\.engine\.calibration\.factors\.gemm must be at most 4/);
    const s = withFactors(scenario(), { gemm: 1.2, host: 0.9 }, 12);
    expect(calibrationChip(s)).toBe('calibrated on 12 of your points');
    const back = await scenarioFromLink(await scenarioToLink(s));
    expect(back.ok && back.value.runtime.engine?.calibration?.factors).toEqual({ gemm: 1.2, host: 0.9 });
  });
});

describe('fit: robust least squares', () => {
  const s = scenario();
  const truth = { gemm: 1.18, attention: 0.85, host: 1.4, collective: 1.3 };
  it('recovers a deliberately perturbed profile within 5 % from generated vLLM result files', () => {
    const files = perturbedVllmFiles(s, runGrid(24), truth, 'meta-llama/Llama-3.1-8B-Instruct', 2);
    const r = calibrateScenario(s, files);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const [k, v] of Object.entries(truth))
      expect(Math.abs(r.fit.factors[k as keyof typeof truth] / v - 1), k).toBeLessThan(0.05);
    expect(r.fit.factors.moe).toBe(1); // a dense model exercises no MoE layer: left at the profile
    expect(r.fit.fitted).not.toContain('moe');
    expect(r.fit.afterPct.tpotMs!).toBeLessThan(1);
    expect(r.fit.beforePct.tpotMs!).toBeGreaterThan(5);
    expect(r.split!.afterPct.tpotMs!).toBeLessThan(1);
    expect(r.scenario.runtime.engine?.calibration?.points).toBe(24);
    // Deterministic: the same files fit to the same factors.
    const again = calibrateScenario(s, files);
    expect(again.ok && again.fit.calibration).toEqual(r.fit.calibration);
  });
  it('shrugs off an outlier run (Huber) where plain least squares would not', () => {
    const files = perturbedVllmFiles(s, runGrid(16), truth, 'meta-llama/Llama-3.1-8B-Instruct', 2);
    const o = JSON.parse(files[5]!.text) as Record<string, number>;
    files[5] = { name: 'bad.json', text: JSON.stringify({ ...o, mean_tpot_ms: o.mean_tpot_ms! * 3 }) };
    const r = calibrateScenario(s, files);
    expect(r.ok && Math.abs(r.fit.factors.gemm / truth.gemm - 1)).toBeLessThan(0.05);
  });
  it('keeps every factor in its bounds (property over random affine designs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true })), {
          minLength: 1,
          maxLength: 20,
        }),
        (rows) => {
          const obs = rows.map(([y, b], i) => ({ point: i, metric: 'tpotMs' as const, y, a: 0.01, b: [b] }));
          const x = huberIrls(obs, 1);
          return x.every((v) => v >= 0.25 && v <= 4 && Number.isFinite(v));
        },
      ),
      { numRuns: 200 },
    );
  });
  it('predicts the same numbers with no calibration as the plain engine', () => {
    const sc = scenario({ workload: { arrival: { kind: 'concurrency', users: 4 } } });
    expect(predict(sc, null).tpotMs).toBe(evaluateFast(sc).metrics.tpotMs!.mean);
  });
});
