/**
 * Fidelity benchmark: run the engine on every public measurement row, each with its serving engine,
 * version and the benchmark's own settings (fidelity-sets.ts), and print per group, per set, per
 * engine, per GPU family and overall the median and p90 absolute percentage error and the signed
 * median error (+ = over-predicts). Not a timed test. `npm run bench:fidelity` (add `--rows` to print
 * every row, `--sim` for the simulator). fidelity.test.ts holds the public medians to
 * fidelity-ceilings.json.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario } from '../src/core/scenario/validate.ts';
import { evaluateFast } from '../src/core/evaluate/fast.ts';
import { evaluateSimulated } from '../src/core/evaluate/simulated.ts';
import { loadAllKernelProfiles } from '../src/core/kernels/registry.ts';
import { servingLatencyCases, trtllmOfflineCases, type FidelityCase } from './fidelity-sets.ts';

type Metric = 'outputTokPerSec' | 'ttftMs' | 'tpotMs';
/** Scored metrics plus `e2eMs`, a diagnostic derived from TTFT and TPOT (no ceiling holds it). */
type Reported = Metric | 'e2eMs';

/**
 * A request's end-to-end latency from its TTFT and TPOT: E2E = TTFT + (O − 1)·TPOT (the definition TPOT
 * has in aiperf and in steadyState). In a closed loop E2E is the cycle, so when E2E matches and TTFT does
 * not, the error is in how the cycle splits between waiting for the first token and decoding, not in the
 * work the engine does per cycle.
 */
function e2eMsOf(v: Partial<Record<Metric, number>>, outputTokens: number | undefined): number | undefined {
  if (v.ttftMs === undefined || v.tpotMs === undefined || outputTokens === undefined) return undefined;
  return v.ttftMs + (outputTokens - 1) * v.tpotMs;
}

/** The row's value of a reported metric, predicted or measured. */
function valueOf(r: Row, m: Reported, side: 'predicted' | 'measured'): number | undefined {
  const v = side === 'predicted' ? r.predicted : r.c.measured;
  return m === 'e2eMs' ? e2eMsOf(v, r.c.scenario.workload?.outputTokens) : v[m];
}

interface Row {
  c: FidelityCase;
  predicted: Partial<Record<Metric, number>>;
  error?: string;
}

export type Evaluator = (c: FidelityCase) => Partial<Record<Metric, number>>;

export const steadyStateEvaluator: Evaluator = (c) => {
  const p = parseScenario(c.scenario);
  if (!p.ok) throw new Error(p.errors.join('; '));
  const r = evaluateFast(p.scenario);
  return { outputTokPerSec: r.metrics.outputTokPerSec, ttftMs: r.metrics.ttftMs?.mean, tpotMs: r.metrics.tpotMs?.mean };
};

export const simulationEvaluator: Evaluator = (c) => {
  const p = parseScenario(c.scenario);
  if (!p.ok) throw new Error(p.errors.join('; '));
  const r = evaluateSimulated(p.scenario);
  return { outputTokPerSec: r.metrics.outputTokPerSec, ttftMs: r.metrics.ttftMs?.mean, tpotMs: r.metrics.tpotMs?.mean };
};

export const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};

/** Signed percentage error, 100·(pred − meas)/meas (null when the row has no such measurement). */
export function spe(pred: number | undefined, meas: number | undefined): number | null {
  if (pred === undefined || meas === undefined || !Number.isFinite(meas) || meas <= 0) return null;
  if (!Number.isFinite(pred)) return Infinity;
  return (100 * (pred - meas)) / meas;
}

export interface FidelityLine {
  median: number;
  p90: number;
  /** Median of the signed error: + = over-predicts, − = under-predicts. */
  signedMedian: number;
  n: number;
}

export function runFidelity(
  evaluate: Evaluator,
  printRows = false,
  log: (line: string) => void = console.log,
): Record<string, FidelityLine> {
  const sets = [trtllmOfflineCases(), servingLatencyCases()];
  const rows: Row[] = [];
  for (const { cases } of sets) {
    for (const c of cases) {
      try {
        rows.push({ c, predicted: evaluate(c) });
      } catch (e) {
        rows.push({ c, predicted: {}, error: (e as Error).message });
      }
    }
  }
  const summary: Record<string, FidelityLine> = {};
  const metrics: Reported[] = ['outputTokPerSec', 'ttftMs', 'tpotMs', 'e2eMs'];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.c.set} | ${r.c.group}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const line = (name: string, rs: Row[]) => {
    const cells: string[] = [];
    for (const m of metrics) {
      const signed = rs
        .map((r) => spe(valueOf(r, m, 'predicted'), valueOf(r, m, 'measured')))
        .filter((x): x is number => x !== null);
      if (signed.length === 0) continue;
      const errs = signed.map(Math.abs);
      const med = quantile(errs, 0.5);
      const p90 = quantile(errs, 0.9);
      const sm = quantile(signed, 0.5);
      summary[`${name} :: ${m}`] = { median: med, p90, signedMedian: sm, n: errs.length };
      cells.push(
        `${m} median ${med.toFixed(1)}% p90 ${p90.toFixed(1)}% signed ${sm >= 0 ? '+' : ''}${sm.toFixed(1)}% (n=${errs.length})`,
      );
    }
    const failed = rs.filter((r) => r.error).length;
    log(`${name.padEnd(62)} ${cells.join('  ')}${failed ? `  [${failed} rows errored]` : ''}`);
  };
  const console = { log };
  console.log('— per group —');
  for (const [k, rs] of [...groups].sort()) line(k, rs);
  console.log('— per engine —');
  for (const e of [...new Set(rows.map((r) => r.c.engine))].sort())
    line(
      `engine ${e}`,
      rows.filter((r) => r.c.engine === e),
    );
  console.log('— per GPU family —');
  for (const g of [...new Set(rows.map((r) => r.c.gpuFamily))].sort())
    line(
      `gpu ${g}`,
      rows.filter((r) => r.c.gpuFamily === g),
    );
  console.log('— per set —');
  for (const set of ['trtllm-offline-throughput', 'serving-latency-h100'])
    line(
      set,
      rows.filter((r) => r.c.set === set),
    );
  console.log('— overall —');
  line('all', rows);
  if (printRows) {
    for (const r of rows) {
      const f = (m: Reported) => {
        const meas = valueOf(r, m, 'measured');
        return meas !== undefined
          ? `${m} meas ${meas.toFixed(1)} pred ${(valueOf(r, m, 'predicted') ?? NaN).toFixed(1)}`
          : '';
      };
      console.log(`${r.c.label.padEnd(60)} ${metrics.map(f).filter(Boolean).join('  ')} ${r.error ?? ''}`);
    }
  }
  const skipped = sets.flatMap((s) => s.skipped);
  if (skipped.length)
    console.log(`skipped ${skipped.length} rows (e.g. ${[...new Set(skipped)].slice(0, 4).join('; ')})`);
  return summary;
}

/** The summary lines the committed ceilings hold: per public set, per engine, per GPU family. */
export const CEILING_LINE =
  /^(trtllm-offline-throughput|serving-latency-h100|engine \S+|gpu \S+) :: (outputTokPerSec|ttftMs|tpotMs)$/;
export const CEILINGS_FILE = resolve(import.meta.dirname, 'fidelity-ceilings.json');
/** Allowed slack over the accepted medians, percentage points. */
export const CEILING_MARGIN_PCT = 1;

/** Ceilings from a closed-form run: each median plus the margin, one decimal. */
export function ceilingsOf(summary: Record<string, FidelityLine>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(summary))
    if (CEILING_LINE.test(k)) out[k] = Math.round((v.median + CEILING_MARGIN_PCT) * 10) / 10;
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = process.argv.includes('--sim');
  console.log(`engine: ${sim ? 'discrete-event simulator' : 'closed-form steady-state estimator'} (--sim switches)`);
  // Measured kernel profiles (src/core/kernels) unless --roofline asks for the roofline-only cost model.
  const roofline = process.argv.includes('--roofline');
  if (!roofline) await loadAllKernelProfiles();
  console.log(`kernels: ${roofline ? 'roofline only' : 'measured profiles loaded'} (--roofline switches)`);
  const summary = runFidelity(sim ? simulationEvaluator : steadyStateEvaluator, process.argv.includes('--rows'));
  if (process.argv.includes('--write-bands') && !sim) await (await import('./bands.ts')).writeBands();
  if (process.argv.includes('--write-ceilings') && !sim) {
    const note =
      'Closed-form median absolute % error per public set, engine and GPU family: the accepted bench:fidelity figures plus CEILING_MARGIN_PCT. bench/fidelity.test.ts fails above them. Rewrite with `npx tsx bench/fidelity.ts --write-ceilings` only when the numbers improve (or a reviewed model change moves them).';
    writeFileSync(CEILINGS_FILE, `${JSON.stringify({ note, medianPct: ceilingsOf(summary) }, null, 2)}\n`);
    console.log(`wrote ${CEILINGS_FILE}`);
  }
}
