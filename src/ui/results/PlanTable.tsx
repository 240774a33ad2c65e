/**
 * Ranked plan table (sortable). Every number is read off the search result's EvaluationResult;
 * headroom and the short bottleneck label come from core/views helpers, the expected-error band after
 * tok/s, TTFT and TPOT ("± 12 %") from core/calibrate/bands.ts.
 */
import { useMemo } from 'react';
import type { RankedPlan, SearchResult } from '../../core/search/types.ts';
import { bottleneckLabel } from '../../core/views/bottleneckLabel.ts';
import { bandTextsOf } from '../../core/calibrate/bands.ts';
import { memoryHeadroom } from '../../core/views/headroom.ts';
import { kvKnobLabel } from '../../core/search/space.ts';
import { planKvOf } from '../../core/views/kvStrategyUi.ts';
import { FidelityBadge } from '../inputs/KvStrategyEditor.tsx';
import { useActions, useApp } from '../../state/react.tsx';
import { currentKnobsId, type SortKey } from '../../state/store.ts';
import { fmtNum, fmtPct, fmtUsd } from '../format.ts';
import { IconSort } from '../icons.tsx';

interface Row {
  p: RankedPlan;
  rank: number;
  headroom: number | null;
  /** Absent metrics (no value) are undefined and shown as "—". */
  values: Record<Exclude<SortKey, 'rank' | 'headroom'>, number | undefined>;
}

function rowOf(p: RankedPlan, rank: number): Row {
  const m = p.result.metrics;
  const w = p.candidate.scenario.workload ?? {};
  const h = memoryHeadroom(p.result, w.inputTokens ?? 1024, w.outputTokens ?? 256);
  return {
    p,
    rank,
    headroom: h.kvFreeFraction,
    values: {
      throughput: m.outputTokPerSecPerGpu,
      goodput: m.goodputReqPerSec,
      ttftP50: m.ttftMs?.p50,
      ttftP99: m.ttftMs?.p99,
      tpotP50: m.tpotMs?.p50,
      tpotP99: m.tpotMs?.p99,
      cost: m.costUsdPerMOutputTokens,
      energy: m.energyJPerOutputToken,
    },
  };
}

function sortValue(r: Row, key: SortKey): number {
  if (key === 'rank') return r.rank;
  if (key === 'headroom') return r.headroom ?? -1;
  const v = r.values[key];
  return v !== undefined && Number.isFinite(v) ? v : Number.NaN;
}

const COLS: readonly { key: SortKey; label: string; unit?: string; title: string }[] = [
  { key: 'throughput', label: 'Throughput', unit: 'tok/s/GPU', title: 'Output tokens per second per GPU' },
  { key: 'goodput', label: 'Goodput', unit: 'req/s', title: 'Requests per second that meet both SLOs' },
  {
    key: 'ttftP99',
    label: 'TTFT',
    unit: 'p50 / p99 ms',
    title: 'Time to first token, median / 99th percentile (sorts by p99)',
  },
  {
    key: 'tpotP99',
    label: 'TPOT',
    unit: 'p50 / p99 ms',
    title: 'Time per output token, median / 99th percentile (sorts by p99)',
  },
  { key: 'cost', label: 'Cost', unit: '$/M tok', title: 'US dollars per million output tokens at the GPU price' },
  { key: 'energy', label: 'Energy', unit: 'J/tok', title: 'Joules per output token' },
  {
    key: 'headroom',
    label: 'KV free',
    unit: 'at load',
    title: 'Share of the KV-cache pool unused at the steady-state batch',
  },
];

/** The search label without the KV dtype when the search did not vary it. */
export function shortLabel(label: string, kvVaried: boolean): string {
  return kvVaried ? label : label.replace(/ · [a-z0-9]+ KV(?= ·|$)/, '');
}

/** The plan label without its KV part (the KV column shows it). */
function withoutKv(label: string, p: RankedPlan): string {
  return label.replace(` · ${kvKnobLabel(p.candidate.knobs)}`, '');
}

export function PlanTable({ result }: { result: SearchResult }) {
  const sort = useApp((s) => s.view.sort);
  const compare = useApp((s) => s.view.compare);
  const selectedId = useApp((s) => currentKnobsId(s.scenario, s.searchOptions));
  const slo = useApp((s) => s.search.searched?.slo ?? s.scenario.slo);
  const searched = useApp((s) => s.search.searched ?? s.scenario);
  const kvVaried = useApp((s) => s.searchOptions.kvDtypes.length > 1);
  const { setSort, selectCandidate, toggleCompare } = useActions();
  const rows = useMemo(() => result.ranked.map((p, i) => rowOf(p, i + 1)), [result]);
  const sorted = useMemo(() => {
    const dir = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      if (Number.isNaN(x) && Number.isNaN(y)) return a.rank - b.rank;
      if (Number.isNaN(x)) return 1;
      if (Number.isNaN(y)) return -1;
      return (x - y) * dir || a.rank - b.rank;
    });
  }, [rows, sort]);

  const th = (key: SortKey, label: string, unit?: string, title?: string, cls = '') => {
    const active = sort.key === key;
    return (
      <th
        key={key}
        scope="col"
        className={cls}
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
        title={title}
      >
        <button type="button" className="th-btn" onClick={() => setSort(key)}>
          {label}
          <IconSort dir={active ? sort.dir : null} />
        </button>
        {unit && <span className="th-unit">{unit}</span>}
      </th>
    );
  };

  return (
    <div className="table-wrap">
      <table className="table" data-testid="plan-table" aria-label="Ranked plans">
        <thead>
          <tr>
            {th('rank', '#', undefined, 'Rank by the objective', 'l')}
            <th scope="col" className="l">
              Plan
            </th>
            <th
              scope="col"
              className="l"
              title="How the plan stores its KV cache (dtype and KV strategy), and how faithful that is"
            >
              KV cache
            </th>
            {COLS.map((c) => th(c.key, c.label, c.unit, c.title))}
            <th scope="col" className="l">
              Bottleneck
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const p = r.p;
            const m = p.result.metrics;
            const id = p.candidate.id;
            const selected = id === selectedId;
            const ttftBad = (m.ttftMs?.p99 ?? 0) > slo.ttftMs;
            const kv = planKvOf(p.candidate.knobs, p.candidate.scenario.runtime?.kvStrategy);
            const tpotBad = (m.tpotMs?.p99 ?? 0) > slo.tpotMs;
            const band = bandTextsOf(p.result, searched);
            // The band follows a number; an absent metric ("—") has none.
            const bandOf = (b: { text: string; title: string }) => (
              <span className="cell-band" title={b.title} data-testid="plan-band">
                {b.text}
              </span>
            );
            return (
              <tr
                key={id}
                aria-selected={selected}
                data-testid="plan-row"
                data-plan-id={id}
                className={r.rank === 1 ? 'row-best' : undefined}
                onClick={() => selectCandidate(id)}
              >
                <td className="l cell-muted" onClick={(e) => e.stopPropagation()}>
                  <label className="rank-cell" title="Tick two plans to compare them">
                    <input
                      type="checkbox"
                      checked={compare.includes(id)}
                      onChange={() => toggleCompare(id)}
                      aria-label={`Compare ${p.candidate.label}`}
                    />
                    {r.rank}
                  </label>
                </td>
                <td className="l">
                  <div className="plan-cell">
                    <button
                      type="button"
                      className="th-btn plan-cell__label"
                      onClick={(e) => {
                        e.stopPropagation();
                        selectCandidate(id);
                      }}
                      aria-label={`Select plan ${p.candidate.label}`}
                      title={p.reason || p.candidate.label}
                    >
                      {withoutKv(shortLabel(p.candidate.label, kvVaried), p)}
                    </button>
                    {p.onPareto && <span className="badge badge--accent">Pareto</span>}
                    {p.method === 'simulation' && <span className="badge">sim</span>}
                    {p.tier === 3 && (
                      <span className="badge" title="Overloaded: the queue grows without bound at the offered load">
                        overloaded
                      </span>
                    )}
                    {p.variants && p.variants.length > 0 && (
                      <span
                        className="badge"
                        data-testid="plan-variants"
                        title={`Same numbers (the knob does not bind): ${p.variants.map((v) => v.label).join('; ')}`}
                      >
                        +{p.variants.length} same
                      </span>
                    )}
                  </div>
                </td>
                <td className="l" data-testid="plan-kv">
                  <div className="kv-cell">
                    <span>{kv.label}</span>
                    {kv.fidelity !== 'exact' && <FidelityBadge fidelity={kv.fidelity} />}
                  </div>
                </td>
                <td data-metric="throughput">
                  <span data-testid="plan-throughput">{fmtNum(m.outputTokPerSecPerGpu, 4)}</span>
                  {bandOf(band.outputTokPerSecPerGpu)}
                </td>
                <td className={m.goodputReqPerSec > 0 ? undefined : 'cell-bad'} data-metric="goodput">
                  {fmtNum(m.goodputReqPerSec, 3)}
                </td>
                <td>
                  {fmtNum(m.ttftMs?.p50, 3)} /{' '}
                  <span className={ttftBad ? 'cell-bad' : undefined}>{fmtNum(m.ttftMs?.p99, 3)}</span>
                  {m.ttftMs && bandOf(band.ttftMs)}
                </td>
                <td>
                  {fmtNum(m.tpotMs?.p50, 3)} /{' '}
                  <span className={tpotBad ? 'cell-bad' : undefined}>{fmtNum(m.tpotMs?.p99, 3)}</span>
                  {m.tpotMs && bandOf(band.tpotMs)}
                </td>
                <td>{fmtUsd(m.costUsdPerMOutputTokens)}</td>
                <td>{fmtNum(m.energyJPerOutputToken, 3)}</td>
                <td>{r.headroom === null ? '—' : fmtPct(r.headroom)}</td>
                <td className="l">
                  <div className="bn" title={p.result.bottleneck}>
                    {bottleneckLabel(p.result)}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {sorted.some((r) => r.p.method === 'simulation') && sorted.some((r) => r.p.method !== 'simulation') && (
        <p className="caption" data-testid="sim-rank-note">
          Plans marked <span className="badge">sim</span> were simulated (queueing and p99 tails included); the others
          are closed-form estimates from means. Both rank by the same rule over the steady window (see How plans are
          ranked in the README). Select a plan and simulate it to compare like with like.
        </p>
      )}
    </div>
  );
}
