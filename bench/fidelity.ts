/**
 * Fidelity benchmark: run the engine on every public measurement row and print, per group and
 * overall, the median and p90 absolute percentage error. Not a timed test. `npm run bench:fidelity`
 * (add `--rows` to print every row).
 */
import { parseScenario } from '../src/core/scenario/validate.ts';
import { evaluateFast } from '../src/core/search/evaluate-plan.ts';
import { evaluateSimulated } from '../src/core/evaluate/simulated.ts';
import { servingLatencyCases, trtllmOfflineCases, type FidelityCase } from './fidelity-sets.ts';

type Metric = 'outputTokPerSec' | 'ttftMs' | 'tpotMs';

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

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
};

function ape(pred: number | undefined, meas: number | undefined): number | null {
  if (pred === undefined || meas === undefined || !Number.isFinite(meas) || meas <= 0) return null;
  if (!Number.isFinite(pred)) return Infinity;
  return (100 * Math.abs(pred - meas)) / meas;
}

export function runFidelity(
  evaluate: Evaluator,
  printRows = false,
): Record<string, { median: number; p90: number; n: number }> {
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
  const summary: Record<string, { median: number; p90: number; n: number }> = {};
  const metrics: Metric[] = ['outputTokPerSec', 'ttftMs', 'tpotMs'];
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.c.set} | ${r.c.group}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const line = (name: string, rs: Row[]) => {
    const cells: string[] = [];
    for (const m of metrics) {
      const errs = rs.map((r) => ape(r.predicted[m], r.c.measured[m])).filter((x): x is number => x !== null);
      if (errs.length === 0) continue;
      const med = quantile(errs, 0.5);
      const p90 = quantile(errs, 0.9);
      summary[`${name} :: ${m}`] = { median: med, p90, n: errs.length };
      cells.push(`${m} median ${med.toFixed(1)}% p90 ${p90.toFixed(1)}% (n=${errs.length})`);
    }
    const failed = rs.filter((r) => r.error).length;
    console.log(`${name.padEnd(62)} ${cells.join('  ')}${failed ? `  [${failed} rows errored]` : ''}`);
  };
  console.log('— per group —');
  for (const [k, rs] of [...groups].sort()) line(k, rs);
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
      const f = (m: Metric) =>
        r.c.measured[m] !== undefined
          ? `${m} meas ${r.c.measured[m]!.toFixed(1)} pred ${(r.predicted[m] ?? NaN).toFixed(1)}`
          : '';
      console.log(`${r.c.label.padEnd(60)} ${metrics.map(f).filter(Boolean).join('  ')} ${r.error ?? ''}`);
    }
  }
  const skipped = sets.flatMap((s) => s.skipped);
  if (skipped.length)
    console.log(`skipped ${skipped.length} rows (e.g. ${[...new Set(skipped)].slice(0, 4).join('; ')})`);
  return summary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sim = process.argv.includes('--sim');
  console.log(`engine: ${sim ? 'discrete-event simulator' : 'closed-form steady-state estimator'} (--sim switches)`);
  runFidelity(sim ? simulationEvaluator : steadyStateEvaluator, process.argv.includes('--rows'));
}
