/**
 * Regression guard on the public fidelity sets: the closed-form medians (per set, per engine, per GPU
 * family) must stay at or under the committed ceilings (fidelity-ceilings.json). Closed form only, so
 * the whole public set scores in a few seconds; with the measured kernel profiles loaded, as the CLI
 * and the app run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAllKernelProfiles } from '../src/core/kernels/registry.ts';
import { CEILINGS_FILE, CEILING_LINE, runFidelity, steadyStateEvaluator } from './fidelity.ts';

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
