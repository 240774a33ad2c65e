/**
 * Error bands from the fidelity sets' residuals (issue 15): for each basis (measured kernels vs roofline),
 * engine, GPU family and metric, the median and p90 absolute % error of the closed-form engine against the
 * public measurements. `npx tsx bench/fidelity.ts --write-bands` writes src/core/calibrate/error-bands.json,
 * which core/calibrate/bands.ts reads to put "± x %" next to every headline number.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { clearKernelProfiles, loadAllKernelProfiles } from '../src/core/kernels/registry.ts';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { evaluateFast } from '../src/core/evaluate/fast.ts';
import { basisKindOf, bandKey, type BandsFile, type BandStat } from '../src/core/calibrate/bands.ts';
import { CAL_METRICS, type CalMetric } from '../src/core/calibrate/schema.ts';
import { servingLatencyCases, trtllmOfflineCases } from './fidelity-sets.ts';

export const BANDS_FILE = resolve(import.meta.dirname, '../src/core/calibrate/error-bands.json');

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};

/**
 * Absolute % errors of every public row, grouped by every key level bands.ts falls back through; run once
 * with the measured kernel profiles and once on the roofline alone (GPUs without a profile get that band).
 */
export async function computeBands(): Promise<BandsFile> {
  const groups = new Map<string, number[]>();
  const add = (k: string, e: number) => groups.set(k, [...(groups.get(k) ?? []), e]);
  clearKernelProfiles();
  collect(add);
  await loadAllKernelProfiles();
  collect(add);
  return fileOf(groups);
}

function collect(add: (k: string, e: number) => void): void {
  for (const { cases } of [trtllmOfflineCases(), servingLatencyCases()]) {
    for (const c of cases) {
      const p = parseScenario(c.scenario);
      if (!p.ok) continue;
      let r;
      try {
        r = evaluateFast(p.scenario);
      } catch {
        continue;
      }
      const basis = basisKindOf(r.basis);
      const pred: Partial<Record<CalMetric, number>> = {
        outputTokPerSec: r.metrics.outputTokPerSec,
        ttftMs: r.metrics.ttftMs?.mean,
        tpotMs: r.metrics.tpotMs?.mean,
      };
      for (const m of CAL_METRICS) {
        const y = c.measured[m];
        const x = pred[m];
        if (y === undefined || !(y > 0) || x === undefined || !Number.isFinite(x)) continue;
        const e = (100 * Math.abs(x - y)) / y;
        for (const k of [
          bandKey(m, basis, c.engine, c.gpuFamily),
          bandKey(m, basis, c.engine),
          bandKey(m, basis),
          // The metric-only key pools the measured runs: that is what most results rest on.
          ...(basis === 'measured' ? [bandKey(m)] : []),
        ])
          add(k, e);
      }
    }
  }
}

function fileOf(groups: Map<string, number[]>): BandsFile {
  const bands: Record<string, BandStat> = {};
  for (const [k, es] of [...groups].sort(([a], [b]) => a.localeCompare(b)))
    bands[k] = {
      medianPct: Math.round(quantile(es, 0.5) * 10) / 10,
      p90Pct: Math.round(quantile(es, 0.9) * 10) / 10,
      n: es.length,
    };
  return {
    note: 'Median / p90 absolute % error of the closed-form engine on the public fidelity sets, per metric | basis | engine | GPU family (coarser keys pool the finer ones). Written by `npx tsx bench/fidelity.ts --write-bands`; read by src/core/calibrate/bands.ts.',
    bands,
  };
}

export async function writeBands(log: (l: string) => void = console.log): Promise<void> {
  const b = await computeBands();
  writeFileSync(BANDS_FILE, `${JSON.stringify(b, null, 2)}\n`);
  log(`wrote ${BANDS_FILE} (${Object.keys(b.bands).length} bands)`);
}
