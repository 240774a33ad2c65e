/**
 * Regression guard on the public fidelity sets: the closed-form medians (per set, per engine, per GPU
 * family) must stay at or under the committed ceilings (fidelity-ceilings.json). Closed form only, so
 * the whole public set scores in a few seconds; with the measured kernel profiles loaded, as the CLI
 * and the app run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllKernelProfiles } from '../src/core/kernels/registry.ts';
import { servingLatencyCases } from './fidelity-sets.ts';
import {
  CEILINGS_FILE,
  CEILING_LINE,
  quantile,
  runFidelity,
  simulationEvaluator,
  spe,
  steadyStateEvaluator,
} from './fidelity.ts';

await loadAllKernelProfiles();

const ceilings = (JSON.parse(readFileSync(CEILINGS_FILE, 'utf8')) as { medianPct: Record<string, number> }).medianPct;

describe('bench:fidelity public medians', () => {
  const summary = runFidelity(steadyStateEvaluator, false, () => {});

  it('scores every committed line (no set, engine or GPU family dropped)', () => {
    const lines = Object.keys(summary).filter((k) => CEILING_LINE.test(k));
    expect(lines.sort()).toEqual(Object.keys(ceilings).sort());
    expect(summary['serving-latency-h100 :: tpotMs']!.n).toBe(917);
    expect(summary['trtllm-offline-throughput :: outputTokPerSec']!.n).toBe(178);
  });

  it.each(Object.entries(ceilings))('%s median stays ≤ %f %%', (line, ceiling) => {
    const got = summary[line];
    expect(got, `${line} was not scored`).toBeDefined();
    expect(got!.median).toBeLessThanOrEqual(ceiling);
  });
});

/**
 * The simulator on one engine's scheduling signature: SGLang's prefill batches run alone, so a closed loop of
 * users stays one wave (long TTFT, clean decode steps) where vLLM's mixed steps desynchronise them (short TTFT,
 * decode steps stretched by prefill chunks). Qwen3-32B on H100 under SGLang 0.5, 84 rows, about a second.
 */
describe('simulator on SGLang prefill-priority waves', () => {
  const cases = servingLatencyCases().cases.filter((c) => c.group === 'qwen3-32b sglang');
  const median = (xs: number[]) => quantile(xs, 0.5);
  const errs = cases.map((c) => {
    const p = simulationEvaluator(c);
    return {
      ttft: Math.abs(spe(p.ttftMs, c.measured.ttftMs)!),
      tpot: Math.abs(spe(p.tpotMs, c.measured.tpotMs)!),
    };
  });

  it('scores the whole group', () => expect(cases.length).toBe(84));
  // Accepted 11.0 % / 4.7 % (bench/CALIBRATION.md 2026-12-04); with mixed steps it was 84.9 % / 24.9 %.
  it('TTFT median stays within 15 %', () => expect(median(errs.map((e) => e.ttft))).toBeLessThanOrEqual(15));
  it('TPOT median stays within 8 %', () => expect(median(errs.map((e) => e.tpot))).toBeLessThanOrEqual(8));
});
