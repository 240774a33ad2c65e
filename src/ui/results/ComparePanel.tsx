/** Two searched plans side by side: every metric with the better value marked, and both Gantts. */
import { OBJECTIVE_INFO } from '../../core/search/objectives.ts';
import { applyKnobs } from '../../core/search/space.ts';
import type { RankedPlan } from '../../core/search/types.ts';
import { useActions, useApp, useAppShallow } from '../../state/react.tsx';
import { findCandidate } from '../../state/store.ts';
import { PlanGanttChart } from '../detail/GanttTab.tsx';
import { fmtMs, fmtNum, fmtUsd } from '../format.ts';
import { IconX } from '../icons.tsx';

interface MetricRow {
  label: string;
  /** undefined: the metric is absent (no value), shown as "—" and never the better one. */
  get: (p: RankedPlan) => number | undefined;
  fmt: (v: number | undefined) => string;
  better: 'higher' | 'lower';
}

const ROWS: readonly MetricRow[] = [
  {
    label: 'Throughput (tok/s/GPU)',
    get: (p) => p.result.metrics.outputTokPerSecPerGpu,
    fmt: (v) => fmtNum(v, 4),
    better: 'higher',
  },
  { label: 'Goodput (req/s)', get: (p) => p.result.metrics.goodputReqPerSec, fmt: (v) => fmtNum(v), better: 'higher' },
  { label: 'TTFT p50', get: (p) => p.result.metrics.ttftMs?.p50, fmt: fmtMs, better: 'lower' },
  { label: 'TTFT p99', get: (p) => p.result.metrics.ttftMs?.p99, fmt: fmtMs, better: 'lower' },
  { label: 'TPOT p50', get: (p) => p.result.metrics.tpotMs?.p50, fmt: fmtMs, better: 'lower' },
  { label: 'TPOT p99', get: (p) => p.result.metrics.tpotMs?.p99, fmt: fmtMs, better: 'lower' },
  {
    label: 'Cost ($/M output tokens)',
    get: (p) => p.result.metrics.costUsdPerMOutputTokens,
    fmt: fmtUsd,
    better: 'lower',
  },
  {
    label: 'Energy (J/token)',
    get: (p) => p.result.metrics.energyJPerOutputToken,
    fmt: (v) => fmtNum(v),
    better: 'lower',
  },
  { label: 'GPUs used', get: (p) => p.result.plan.gpusUsed, fmt: (v) => fmtNum(v), better: 'lower' },
  {
    label: 'Batch at steady state (seqs)',
    get: (p) => p.result.metrics.concurrency,
    fmt: (v) => fmtNum(v),
    better: 'higher',
  },
];

function verdict(a: number, b: number, better: 'higher' | 'lower'): [string, string] {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return ['', ''];
  const aWins = better === 'higher' ? a > b : a < b;
  return aWins ? ['delta-better', 'delta-worse'] : ['delta-worse', 'delta-better'];
}

export function ComparePanel() {
  const ids = useAppShallow((s) => s.view.compare);
  const result = useApp((s) => s.search.result);
  const searched = useApp((s) => s.search.searched);
  const { clearCompare, selectCandidate } = useActions();
  if (ids.length !== 2 || !result || !searched) return null;
  const a = findCandidate(result, ids[0]!);
  const b = findCandidate(result, ids[1]!);
  if (!a || !b) return null;
  return (
    <section className="panel" aria-labelledby="compare-title" data-testid="compare-panel">
      <div className="panel__head">
        <h2 className="panel__title" id="compare-title">
          Compare plans
        </h2>
        <span className="panel__sub">
          ranked by {OBJECTIVE_INFO[result.objective].label}; green = better of the two
        </span>
        <span className="spacer" />
        <button type="button" className="btn btn--sm btn--ghost" onClick={clearCompare}>
          <IconX /> Close
        </button>
      </div>
      <div className="table-wrap">
        <table className="table compare-table">
          <thead>
            <tr>
              <th scope="col" className="l">
                Metric
              </th>
              {[a, b].map((p) => (
                <th key={p.candidate.id} scope="col">
                  <button
                    type="button"
                    className="th-btn"
                    onClick={() => selectCandidate(p.candidate.id)}
                    title="Select this plan"
                  >
                    {p.candidate.label}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => {
              const va = r.get(a);
              const vb = r.get(b);
              const [ca, cb] = verdict(va ?? NaN, vb ?? NaN, r.better);
              return (
                <tr key={r.label}>
                  <th scope="row" className="l">
                    {r.label}
                  </th>
                  <td className={ca}>{r.fmt(va)}</td>
                  <td className={cb}>{r.fmt(vb)}</td>
                </tr>
              );
            })}
            <tr>
              <th scope="row" className="l">
                Bottleneck
              </th>
              <td className="bn" title={a.result.bottleneck}>
                {a.result.bottleneck.split('. ')[0]}
              </td>
              <td className="bn" title={b.result.bottleneck}>
                {b.result.bottleneck.split('. ')[0]}
              </td>
            </tr>
          </tbody>
        </table>
      </div>
      <div className="panel__body compare-grid">
        {[a, b].map((p) => (
          <PlanGanttChart
            key={p.candidate.id}
            scenario={applyKnobs(searched, p.candidate.knobs)}
            concurrency={p.result.metrics.concurrency}
            phases="decode"
            title={`Decode steps · ${p.candidate.label}`}
            height={260}
          />
        ))}
      </div>
    </section>
  );
}
